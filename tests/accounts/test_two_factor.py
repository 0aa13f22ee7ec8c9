"""Two-step verification with enforcement on: TOTP set-up, the second step of logging in, recovery codes,
staff and managers kept from member data and the admin without it, wrong codes counted like wrong passwords,
and signing out everywhere on a change."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, RecoveryCodeDevice
from organisations.models import Membership
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import give_totp, login_verified, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-1"
CODE_RE = re.compile(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>")


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Cardiff Licensing")


@pytest.fixture
def manager(council):
    user = UserFactory(password=PASSWORD, certificate_name="Mona Manager")
    MembershipFactory(organisation=council, user=user, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def member(council):
    return MembershipFactory(organisation=council, user__certificate_name="Target Person")


def dashboard(council) -> str:
    return reverse("organisations:dashboard", args=[council.pk])


def log_in(client, user, next_url=""):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD, "next": next_url})


def test_a_manager_sets_up_an_app_and_gets_recovery_codes_once(client, manager, council, member):
    client.force_login(manager)
    response = client.get(dashboard(council))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_setup")
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"<svg" in page.content and b"Managers see" in page.content
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert b"That code is not right" in wrong.content
    device.refresh_from_db()
    assert not device.confirmed
    time.sleep(1.1)  # django-otp slows down guessing: one second after the first wrong code
    done = client.post(
        reverse("accounts:two_factor_setup"), {"code": totp_code(device), "next": dashboard(council)}
    )
    codes = CODE_RE.findall(done.content.decode())
    assert len(codes) == 10 and "no-store" in done["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & stored  # only hashes are kept
    assert b"Target Person" in client.get(dashboard(council)).content
    # Shown once: the page that lists them afterwards shows only how many are left.
    manage = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Recovery codes left</dt><dd>10" in manage and codes[0] not in manage


def test_log_in_with_a_second_factor_needs_the_code(client, manager, council, member):
    device = give_totp(manager)
    response = log_in(client, manager, dashboard(council))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )
    assert "_auth_user_id" not in client.session  # the password alone logged nobody in
    assert client.get(dashboard(council))["Location"].startswith(reverse("login"))
    verify = client.get(response["Location"])
    assert verify.status_code == 200
    done = client.post(
        reverse("accounts:two_factor_verify"), {"code": totp_code(device), "next": dashboard(council)}
    )
    assert done["Location"] == dashboard(council)
    assert b"Target Person" in client.get(dashboard(council)).content


def test_without_the_second_factor_a_manager_is_denied_member_data(client, manager, council, member):
    give_totp(manager)
    client.force_login(manager)  # a session that skipped the second step (e.g. from the admin log-in)
    for url in (
        dashboard(council),
        reverse("organisations:member", args=[council.pk, member.pk]),
        reverse("organisations:export_csv", args=[council.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
        assert b"Target Person" not in response.content


def test_a_learner_does_not_need_it_and_may_turn_it_on_and_off(client):
    learner = UserFactory(password=PASSWORD)
    assert log_in(client, learner)["Location"] == reverse("courses:dashboard")
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=learner)
    client.post(reverse("accounts:two_factor_setup"), {"code": totp_code(device)})
    assert TOTPDevice.objects.get(user=learner).confirmed
    response = client.post(reverse("accounts:two_factor_turn_off"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=learner).exists()
    assert not RecoveryCodeDevice.objects.filter(user=learner).exists()


def test_a_manager_cannot_turn_it_off(client, manager):
    login_verified(client, manager)
    assert client.post(reverse("accounts:two_factor_turn_off")).status_code == 400
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


def test_a_recovery_code_works_once(client, manager, council):
    give_totp(manager)
    device = RecoveryCodeDevice.objects.create(user=manager, name="Recovery codes")
    codes = device.generate()
    log_in(client, manager)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": codes[3].lower()}).status_code == 302
    assert client.get(dashboard(council)).status_code == 200
    client.post(reverse("logout"))
    log_in(client, manager)
    again = client.post(reverse("accounts:two_factor_verify"), {"code": codes[3]})
    assert again.status_code == 200 and b"That code is not right" in again.content
    assert "_auth_user_id" not in client.session
    assert device.remaining() == 9


def test_staff_reach_the_admin_only_after_the_second_step(client):
    staff = UserFactory(password=PASSWORD, is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_setup")
    )
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200  # set-up itself is reachable
    login_verified(client, staff)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_wrong_codes_count_towards_the_lock_out(client, manager, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = give_totp(manager)
    log_in(client, manager)
    for _ in range(2):
        assert client.post(reverse("accounts:two_factor_verify"), {"code": "123456"}).status_code == 200
    assert client.post(reverse("accounts:two_factor_verify"), {"code": "123456"}).status_code == 429
    locked = client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(device)})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_pending_password_step_expires(client, manager):
    give_totp(manager)
    log_in(client, manager)
    session = client.session
    session["two_factor_pending"]["at"] -= 10 * 60
    session.save()
    assert client.get(reverse("accounts:two_factor_verify"))["Location"] == reverse("login")


def test_setting_up_signs_out_every_other_session(manager):
    other = Client()
    other.force_login(manager)
    assert other.get(reverse("accounts:profile")).status_code == 200
    mine = Client()
    mine.force_login(manager)
    mine.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=manager)
    mine.post(reverse("accounts:two_factor_setup"), {"code": totp_code(device)})
    assert mine.get(reverse("accounts:profile")).status_code == 200  # this one stays
    assert other.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))


def test_a_password_change_signs_out_every_other_session(manager):
    other = Client()
    other.force_login(manager)
    mine = Client()
    login_verified(mine, manager)
    response = mine.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert mine.get(reverse("accounts:profile")).status_code == 200
    assert other.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))


def test_passing_the_second_step_gives_a_new_session_key(client, manager):
    device = give_totp(manager)
    client.force_login(manager)  # logged in, the second step not yet passed
    before = client.session.session_key
    done = client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(device), "next": "/"})
    assert done.status_code == 302
    after = client.session.session_key
    assert after != before and client.session.get("two_factor_device")
    fixed = Client()  # whoever knew the old key (session fixation) has nothing
    fixed.cookies[settings.SESSION_COOKIE_NAME] = before
    assert fixed.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))
