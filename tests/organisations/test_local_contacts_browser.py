"""The local-contacts journey in a real browser at 360 px: a manager adds a contact, previews the learner's
box, saves it; a member opens the unit about passing it on and sees the box below the guide's routes, with a
`tel:` link they can tap; axe-core finds no violations on any of these pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses import services as course_services
from courses.models import Pathway
from organisations import services
from organisations.models import LocalContact
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import assert_accessible
from tests.conftest import MOBILE
from tests.elearning.factories import UserFactory

from .factories import OrganisationFactory
from .helpers import PASSWORD
from .test_browser import log_in as manager_log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def real_course(transactional_db):
    from courses.loading import load_courses
    from courses.models import Course

    load_courses()
    return Course.objects.get(slug="cse-awareness")


def test_a_manager_adds_a_contact_and_a_member_taps_it_on_the_unit_page(page, base_url, real_course):
    organisation = OrganisationFactory(name="Riverside Fostering")
    manager = UserFactory(password=PASSWORD)
    member = UserFactory(password=PASSWORD)
    services.membership_add(organisation=organisation, user=manager, role="manager")
    services.membership_add(organisation=organisation, user=member)
    course_services.enrolment_create(
        learner=member, pathway=Pathway.objects.get(course=real_course, slug="foster-carers")
    )

    manager_log_in(page, base_url, manager.email)
    page.goto(f"{base_url}{reverse('organisations:dashboard', args=[organisation.pk])}")
    page.get_by_role("link", name="Local contacts").click()
    expect(page.get_by_role("heading", name="Local contacts", exact=True)).to_be_visible()
    assert_accessible(page, "local contacts: none yet")

    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Who this is").fill("Supervising social worker")
    page.get_by_label("Name (optional)").fill("Rhian Evans")
    page.get_by_label("Phone number").fill("999")
    page.get_by_label("When to use it").fill("Tell Rhian the same day about any worry.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("999 is one of the guide's numbers").first).to_be_visible()
    assert_accessible(page, "local contacts: guide number refused")

    page.get_by_label("Phone number").fill("020 7946 0000")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: what your members will see")).to_be_visible()
    expect(page.get_by_role("heading", name="From Riverside Fostering: your local contacts")).to_be_visible()
    assert not LocalContact.objects.exists()  # a preview saves nothing
    assert_accessible(page, "local contacts: preview")
    screenshot(page, "local-contacts-preview-360")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your members now see")).to_be_visible()
    assert_accessible(page, "local contacts: saved, with the changes")
    assert LocalContact.objects.get().phone == "+442079460000"

    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()
    page.goto(f"{base_url}{reverse('courses:unit', args=[real_course.slug, 'pass-it-on'])}")
    box = page.get_by_role("region", name="From Riverside Fostering: your local contacts")
    expect(box).to_be_visible()
    link = box.get_by_role("link", name="020 7946 0000")
    expect(link).to_have_attribute("href", "tel:+442079460000")
    guide_999 = page.locator(".contact").first  # the guide's first route: 999
    expect(guide_999).to_contain_text("999")
    assert guide_999.bounding_box()["y"] < box.bounding_box()["y"]  # the box comes after the guide's routes
    target = link.bounding_box()
    assert target["x"] >= 0 and target["x"] + target["width"] <= MOBILE["width"] and target["height"] >= 20
    assert_accessible(page, "unit pass-it-on with the local contacts box")
    screenshot(page, "unit-local-contacts-360")

    tapped = []
    page.on("request", lambda request: tapped.append(request.url))
    link.click(no_wait_after=True)  # Chromium hands tel: links to the system: the page stays as it was
    page.wait_for_timeout(300)
    expect(box).to_be_visible()
    assert not [url for url in tapped if url.startswith("http")]  # nothing sent anywhere
