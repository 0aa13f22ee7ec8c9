"""Lost phone: another manager (or staff) resets a member's second factors; an audit row, an email to the
owner, every session of theirs ended. And the idle time-out of privileged sessions (never a learner's)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCodeDevice, TwoFactorReset
from accounts.two_factor import LAST_SEEN_KEY
from organisations.models import Membership
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import give_totp, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Cardiff Licensing")


def _manager(council, name):
    user = UserFactory(certificate_name=name)
    return MembershipFactory(organisation=council, user=user, role=Membership.Role.MANAGER)


def _mail(settings) -> str:
    folder = Path(settings.EMAIL_FILE_PATH)
    return "".join(p.read_text() for p in folder.glob("*")) if folder.exists() else ""


def test_another_manager_resets_it_audited_and_the_owner_is_emailed(client, council, settings):
    boss = _manager(council, "Bea Boss")
    lost = _manager(council, "Lou Lostphone")
    give_totp(lost.user)
    RecoveryCodeDevice.objects.create(user=lost.user, name="Recovery codes").generate()
    their_session = Client()
    login_verified(their_session, lost.user)
    login_verified(client, boss.user)
    url = reverse("organisations:member_two_factor_reset", args=[council.pk, lost.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and b"Say why" in empty.content
    assert TOTPDevice.objects.filter(user=lost.user).exists()  # nothing changed
    response = client.post(url, {"reason": "Lost phone, confirmed by a call"})
    assert response["Location"] == reverse("organisations:member", args=[council.pk, lost.pk])
    assert not TOTPDevice.objects.filter(user=lost.user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=lost.user).exists()
    audit = TwoFactorReset.objects.get(user=lost.user)
    assert audit.reset_by == boss.user and audit.reason == "Lost phone, confirmed by a call"
    assert "Cardiff Licensing" in audit.via
    mail = _mail(settings)
    assert lost.user.email in mail and "Bea Boss" in mail and "reset" in mail
    assert their_session.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("accounts:profile")).status_code == 200  # the manager who did it stays


def test_not_ones_own_nor_a_staff_account_nor_another_organisations_member(client, council):
    boss = _manager(council, "Bea Boss")
    staff_member = MembershipFactory(organisation=council, user=UserFactory(is_staff=True))
    stranger = MembershipFactory(organisation=OrganisationFactory())
    give_totp(staff_member.user)
    login_verified(client, boss.user)
    own = client.post(
        reverse("organisations:member_two_factor_reset", args=[council.pk, boss.pk]), {"reason": "x"}
    )
    staff = client.post(
        reverse("organisations:member_two_factor_reset", args=[council.pk, staff_member.pk]), {"reason": "x"}
    )
    other = client.post(
        reverse("organisations:member_two_factor_reset", args=[council.pk, stranger.pk]), {"reason": "x"}
    )
    assert (own.status_code, staff.status_code, other.status_code) == (400, 400, 404)
    assert TOTPDevice.objects.filter(user__in=[boss.user, staff_member.user]).count() == 2
    assert not TwoFactorReset.objects.exists()


def test_staff_reset_it_in_the_admin_audited(admin_client, admin_user, settings):
    target = UserFactory()
    give_totp(target)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [target.pk, admin_user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert TOTPDevice.objects.filter(user=admin_user).exists()  # never one's own
    assert TwoFactorReset.objects.get().reset_by == admin_user
    assert target.email in _mail(settings)


def test_a_managers_idle_session_ends(client, council, settings):
    settings.MANAGER_IDLE_MINUTES = 30
    boss = _manager(council, "Bea Boss")
    login_verified(client, boss.user)
    dashboard = reverse("organisations:dashboard", args=[council.pk])
    assert client.get(dashboard).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))


def test_a_learner_idle_for_hours_keeps_their_quiz(client, sample_course):
    from courses import services as course_services
    from courses.models import Pathway, Unit
    from quizzes import services as quiz_services

    learner = UserFactory()
    enrolment = course_services.enrolment_create(
        learner=learner, pathway=Pathway.objects.get(course=sample_course, slug="taxi-drivers")
    )
    unit = Unit.objects.get(course=sample_course, slug="signs")
    course_services.unit_visit(enrolment=enrolment, unit=unit)
    attempt = quiz_services.attempt_start(enrolment=enrolment, quiz=unit.quiz)
    client.force_login(learner)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 5 * 60 * 60
    session.save()
    response = client.get(reverse("quizzes:take", args=[sample_course.slug, unit.slug]))
    assert response.status_code == 200
    assert str(attempt.public_id) in response.content.decode()


def test_the_log_in_page_says_why_after_a_time_out(client, council, settings):
    boss = _manager(council, "Bea Boss")
    login_verified(client, boss.user)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - (settings.MANAGER_IDLE_MINUTES + 1) * 60
    session.save()
    response = client.get(reverse("organisations:dashboard", args=[council.pk]), follow=True)
    assert f"after {settings.MANAGER_IDLE_MINUTES} minutes without activity" in response.content.decode()


def test_not_a_member_who_manages_an_organisation_the_caller_does_not(client, council):
    boss = _manager(council, "Bea Boss")
    elsewhere = OrganisationFactory(name="Swansea Licensing")
    target = _manager(elsewhere, "Tom Twohats")
    both = MembershipFactory(organisation=council, user=target.user)  # a learner here, a manager there
    give_totp(target.user)
    login_verified(client, boss.user)
    url = reverse("organisations:member_two_factor_reset", args=[council.pk, both.pk])
    response = client.post(url, {"reason": "Lost phone"})
    assert response.status_code == 400 and b"do not manage" in response.content
    assert TOTPDevice.objects.filter(user=target.user).exists() and not TwoFactorReset.objects.exists()
    # A manager of both organisations may.
    MembershipFactory(organisation=elsewhere, user=boss.user, role=Membership.Role.MANAGER)
    assert client.post(url, {"reason": "Lost phone"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=target.user).exists()
