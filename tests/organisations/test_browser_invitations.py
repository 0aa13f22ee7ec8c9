"""The invitation link at phone size: shown whole (wrapped, never cut off) with a copy button that the
page's own script adds (no inline script), and still there to select by hand without it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from organisations import services
from organisations.models import Membership
from tests.browser.test_accessibility import assert_accessible
from tests.conftest import MOBILE

from .factories import MembershipFactory, OrganisationFactory
from .helpers import PASSWORD
from .test_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def manager_with_link(transactional_db, course):
    organisation = OrganisationFactory(name="Cardiff Fostering")
    manager = MembershipFactory(
        organisation=organisation, role=Membership.Role.MANAGER, user__password=PASSWORD
    ).user
    link = services.invitation_link_create(organisation=organisation, created_by=manager, pathway=course.taxi)
    return organisation, manager, services.invitation_url(link)


def test_the_invitation_link_is_shown_whole_with_a_copy_button_at_360px(
    page, base_url, manager_with_link
):
    organisation, manager, url = manager_with_link
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    log_in(page, base_url, manager.email)
    page.goto(f"{base_url}/organisations/{organisation.pk}/invitations/")

    shown = page.locator("code.org-link")
    expect(shown).to_have_text(url)
    # Whole: nothing clipped inside the box, and the box inside the 360 px screen.
    assert shown.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
    box = shown.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], box
    assert box["height"] > 30  # wrapped onto more than one line, not cut off

    button = page.get_by_role("button", name="Copy link")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert_accessible(page, "invitation links with copy button")


def test_without_the_script_the_link_is_still_there_and_no_dead_button(
    browser, base_url, manager_with_link
):
    organisation, manager, url = manager_with_link
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, base_url, manager.email)
        page.goto(f"{base_url}/organisations/{organisation.pk}/invitations/")
        expect(page.locator("code.org-link")).to_have_text(url)
        expect(page.get_by_role("button", name="Copy link")).to_have_count(0)  # hidden until it can work
    finally:
        context.close()


def test_the_managers_header_takes_two_lines_at_360px(page, base_url, manager_with_link):
    organisation, manager, _url = manager_with_link
    log_in(page, base_url, manager.email)
    page.goto(f"{base_url}/organisations/{organisation.pk}/")
    links = page.locator(".site-header .nav-list li")
    # A manager's five (courses, certificates, details, organisations, log out) and Cymraeg (issue 21).
    expect(links).to_have_count(6)
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(6)}
    assert len(tops) <= 2, f"the account menu wraps onto {len(tops)} lines"
