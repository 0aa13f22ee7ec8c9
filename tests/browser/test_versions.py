"""A holder after a major release, in Chromium at 360 px: the "what changed" notice on the certificates page,
the refresher's outline and the verification page's version words, with no axe violations."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from courses.models import CourseRelease
from tests.elearning.factories import UserFactory

from .conftest import screenshot
from .test_accessibility import PASSWORD, _issued_certificate, assert_accessible, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def holder(real_course):
    return UserFactory(email="holder@example.com", password=PASSWORD, certificate_name="Version Holder")


def test_a_holder_sees_what_changed_and_takes_the_refresher(page, base_url, real_course, holder):
    certificate = _issued_certificate(real_course, holder)
    # A major release as the loader records it (the real files stay as they are), after the files' own.
    trained_on = real_course.version_label
    CourseRelease.objects.create(
        course=real_course,
        major=real_course.version_major + 1,
        released_on=dt.date(2027, 3, 1),
        what_changed="The duty social worker's number changed.",
        changed_units=["pass-it-on"],
        material={},
    )
    real_course.version_major += 1
    real_course.save(update_fields=["version_major"])

    log_in(page, base_url, holder.email)
    page.goto(f"{base_url}/certificates/")
    expect(page.get_by_role("heading", name="What changed in this course")).to_be_visible()
    expect(page.get_by_text("The duty social worker's number changed.")).to_be_visible()
    assert_accessible(page, "certificates with a what-changed notice")
    screenshot(page, "certificates-what-changed")

    page.goto(f"{base_url}/verify/{certificate.code}/")
    trained = f"Trained on the course as of December 2026 (version {trained_on})"
    expect(page.get_by_text(trained)).to_be_visible()
    expect(page.get_by_text("A newer version with material changes")).to_be_visible()
    assert_accessible(page, "verification of a certificate on an older version")

    page.goto(f"{base_url}/certificates/")
    page.get_by_role("button", name="Start the refresher").click()
    expect(page.get_by_text("This is a refresher: only the units that changed")).to_be_visible()
    assert_accessible(page, "refresher outline")
