"""The organisation sign-in pages at 360 px: no axe-core (WCAG A/AA) violations, with and without errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser


def test_the_sign_in_pages_are_accessible(page, base_url, transactional_db):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name="Continue with your organisation").click()
    expect(page.get_by_role("heading", name="Continue with your organisation")).to_be_visible()
    assert_accessible(page, "organisation sign-in")
    page.get_by_label("Your work email address").fill("someone@nowhere.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "organisation sign-in with an error")
    page.goto(f"{base_url}/sso/callback/?state=forged&code=x")
    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    assert_accessible(page, "sign-in refused")
