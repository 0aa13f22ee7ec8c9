"""The item analysis pages in a real browser at phone size: no axe-core (WCAG A/AA) violations, no sideways
scrolling; the chart is an image with a name and a table alternative."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from analysis.models import Commissioner
from organisations.models import Membership
from tests.analysis.seed import seed_world
from tests.browser.test_accessibility import assert_accessible
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import give_totp, totp_code

pytestmark = pytest.mark.browser
PASSWORD = "a-long-pass-phrase-9"


def log_in(page, base_url, email):
    """Staff and managers pass both steps: the password, then their authenticator app's code."""
    from accounts.models import User

    device = give_totp(User.objects.get(email=email))
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/two-factor/verify/"))
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_analysis_pages_are_accessible_on_a_phone(page, base_url, transactional_db):
    world = seed_world()
    course = world["course"].pk
    staff = UserFactory(email="staff-axe@example.com", password=PASSWORD, is_staff=True)
    log_in(page, base_url, staff.email)
    page.goto(f"{base_url}/analysis/?course={course}")
    expect(page.get_by_role("heading", name="Item analysis", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Share of right answers per sign, for each audience")).to_be_visible()
    expect(page.get_by_text("fewer than 10").first).to_be_visible()
    assert_accessible(page, "staff item analysis")
    page.goto(f"{base_url}/analysis/?course={course}&since=2026-12-01&until=2026-01-01")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "staff item analysis, bad filters")

    board = OrganisationFactory(name="Safeguarding board")
    Commissioner.objects.create(organisation=board)
    for enrolment in world["groups"][2][:12]:
        MembershipFactory(organisation=board, user=enrolment.learner)
    manager = UserFactory(email="manager-axe@example.com", password=PASSWORD)
    MembershipFactory(organisation=board, user=manager, role=Membership.Role.MANAGER)
    page.context.clear_cookies()
    log_in(page, base_url, manager.email)
    page.goto(f"{base_url}/analysis/organisations/{board.pk}/?course={course}")
    expect(page.get_by_role("heading", name="Item analysis: Safeguarding board")).to_be_visible()
    assert_accessible(page, "manager item analysis")
    page.get_by_role("link", name="See every organisation, by audience").click()
    expect(page.get_by_role("heading", name="Item analysis across organisations")).to_be_visible()
    assert_accessible(page, "commissioner item analysis")
