"""In a real browser at 360 px: a manager sets up the authenticator app (axe on every new page), adds a
passkey with Chromium's virtual authenticator (a software FIDO2 authenticator driven over the DevTools
protocol; django-otp-webauthn's own scripts and py_webauthn's checks on the server), then logs in with the
password and the passkey as the second step. And the reset page another manager uses."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from organisations.models import Membership
from tests.browser.test_accessibility import assert_accessible
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import totp_code

pytestmark = pytest.mark.browser
PASSWORD = "a-long-pass-phrase-9"


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def _password_step(page, base_url, email, next_url=""):
    page.goto(f"{base_url}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_totp_then_a_passkey_then_logging_in_with_it(page, base_url, transactional_db, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base_url.replace("127.0.0.1", "localhost")]
    base_url = base_url.replace("127.0.0.1", "localhost")
    council = OrganisationFactory(name="Cardiff Licensing")
    manager = UserFactory(password=PASSWORD, certificate_name="Mona Manager")
    MembershipFactory(organisation=council, user=manager, role=Membership.Role.MANAGER)
    other = MembershipFactory(organisation=council, user__certificate_name="Target Person")
    dashboard = f"/organisations/{council.pk}/"
    _virtual_authenticator(page)

    _password_step(page, base_url, manager.email, dashboard)
    page.goto(f"{base_url}{dashboard}")
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    assert_accessible(page, "two-factor set-up")
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "two-factor set-up with an error")
    device = TOTPDevice.objects.get(user=manager)
    page.wait_for_timeout(1100)  # django-otp's pause after a wrong code
    page.get_by_label("Code from the app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert len(re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", page.content())) == 10
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="I have kept my codes, continue").click()
    expect(page.get_by_text("Target Person").first).to_be_visible()

    page.goto(f"{base_url}/accounts/two-factor/")
    assert_accessible(page, "two-factor management")
    page.get_by_role("button", name="Add a passkey").click()
    for _ in range(50):
        if WebAuthnCredential.objects.filter(user=manager, confirmed=True).exists():
            break
        page.wait_for_timeout(100)
    assert WebAuthnCredential.objects.filter(user=manager, confirmed=True).count() == 1

    member_page = f"/organisations/{council.pk}/members/{other.pk}/two-factor-reset/"
    page.goto(f"{base_url}{member_page}")
    assert_accessible(page, "reset another member's two-step verification")

    page.context.clear_cookies()  # a new visit: the password, then the passkey as the second step
    _password_step(page, base_url, manager.email, dashboard)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    assert_accessible(page, "the second step of logging in")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_text("Target Person").first).to_be_visible()
    assert page.url.endswith(dashboard)
