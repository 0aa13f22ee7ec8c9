"""A learner downloads their Open Badges credential and a verifier uploads it on the checking page, at phone
size; the page, its verdict and its error summary have no axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.elearning.factories import UserFactory

from .conftest import screenshot
from .test_accessibility import PASSWORD, _issued_certificate, assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_download_the_credential_then_check_it_on_the_verification_page(
    page, base_url, real_course, tmp_path
):
    learner = UserFactory(email="badge@example.com", password=PASSWORD, certificate_name="Badge Holder")
    certificate = _issued_certificate(real_course, learner)
    log_in(page, base_url, learner.email)
    page.goto(f"{base_url}/certificates/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"download .jwt for {certificate.course_title}").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.name == f"certificate-{certificate.code}.jwt"

    page.goto(f"{base_url}/verify/credential/")
    expect(page.get_by_role("heading", name="Check a digital credential")).to_be_visible()
    assert_accessible(page, "check a credential")
    page.get_by_role("button", name="Check credential").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Paste a credential or choose a credential file")).to_be_visible()
    assert_accessible(page, "check a credential, error summary")

    page.get_by_label("Or upload the credential file").set_input_files(str(saved))
    page.get_by_role("button", name="Check credential").click()
    expect(page.get_by_role("heading", name="This credential is valid")).to_be_visible()
    expect(page.get_by_text("Badge Holder")).to_be_visible()
    assert_accessible(page, "credential valid")
    screenshot(page, "credential-valid-360")
