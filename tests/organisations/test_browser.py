"""Managers' pages and the join page in a real browser at phone size: no axe-core (WCAG A/AA) violations,
no sideways scrolling, no console errors; the filters, invite form and licence look-up work by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from organisations import selectors, services
from organisations.models import Membership, Organisation
from tests.browser.test_accessibility import assert_accessible
from tests.two_factor import give_totp, totp_code

from .factories import MembershipFactory, OrganisationFactory
from .helpers import PASSWORD, STATES, member_in_state

pytestmark = pytest.mark.browser


def log_in(page, base_url, email):
    """A manager logs in with both steps: the password, then a code from their authenticator app."""
    device = give_totp(User.objects.get(email=email))
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Your organisations")).to_be_visible()


def test_managers_pages_are_accessible_on_a_phone(page, base_url, transactional_db, course):
    council = OrganisationFactory(name="Cardiff Council Licensing", kind=Organisation.Kind.LICENSING)
    manager = MembershipFactory(
        organisation=council,
        role=Membership.Role.MANAGER,
        user__password=PASSWORD,
        user__certificate_name="Mo",
    ).user
    members = {state: member_in_state(council, course, state, licence_number="PH1234") for state in STATES}
    services.invitation_link_create(organisation=council, created_by=manager, pathway=course.taxi)

    log_in(page, base_url, manager.email)
    page.get_by_role("link", name="Your organisations").click()
    expect(page.get_by_role("heading", name="Cardiff Council Licensing")).to_be_visible()
    assert_accessible(page, "dashboard")

    page.get_by_label("Status").select_option("expiring")
    page.get_by_role("button", name="Apply filters").press("Enter")
    expect(page.get_by_role("cell", name="Expiring within 90 days")).to_have_count(1)
    assert_accessible(page, "dashboard filtered")

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("link", name=members["valid"].user.certificate_name).first.click()
    expect(page.get_by_role("heading", name="Certificates")).to_be_visible()
    assert_accessible(page, "member")

    page.get_by_role("link", name="Invitation links").click()
    assert_accessible(page, "invitation links")

    page.get_by_role("link", name="Invite by email").click()
    page.get_by_label("Email addresses").fill("good@example.com\nbob@")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("Line 2: 'bob@' is not an email address.")).to_be_visible()
    assert_accessible(page, "invite with problems")

    page.get_by_role("link", name="Look up a licence number").click()
    page.get_by_label("Licence or badge number").fill("ph1234")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_text("Certificate valid").first).to_be_visible()
    assert_accessible(page, "look-up")

    export = services.export_create(
        organisation=council, requested_by=manager, membership_ids=[members["valid"].pk]
    )
    page.goto(f"{base_url}/organisations/{council.pk}/certificates/{export.pk}/")
    assert_accessible(page, "export being prepared")


def test_join_pages_are_accessible_on_a_phone(page, base_url, transactional_db, course):
    organisation = OrganisationFactory(name="Cardiff Fostering")
    link = services.invitation_link_create(organisation=organisation, created_by=None, pathway=course.pathway)
    page.goto(f"{base_url}/organisations/join/{selectors.invitation_token(link)}/")
    expect(page.get_by_role("heading", name="Join Cardiff Fostering")).to_be_visible()
    assert_accessible(page, "join: sign up")
    page.get_by_role("button", name="Create account and join").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "join: errors")
    services.invitation_revoke(invitation=link)
    page.goto(f"{base_url}/organisations/join/{selectors.invitation_token(link)}/")
    expect(page.get_by_role("heading", name="This invitation has been withdrawn")).to_be_visible()
    assert_accessible(page, "join: withdrawn")
