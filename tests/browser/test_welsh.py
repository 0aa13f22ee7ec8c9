"""Issue 21: the whole course in Welsh, in a real browser at 360 px with a real Celery worker: sign up → units
(and the unit's story) → quizzes → certificate (Welsh PDF text checked, QR decoded) → verification in Welsh
and in English; axe finds nothing on the Welsh pages. Expected words come from the Welsh catalogue itself
(gettext under "cy"), so the test checks that each is translated and shown, not one translator's wording."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.db.models import Q
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import Pathway, StoryBlock, Unit
from quizzes.models import Attempt
from tests.certificates.helpers import sent_messages
from tests.courses.story_paths import way_to

from .answers import fill_quiz
from .conftest import no_sideways_scroll, screenshot
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def cy(text: str) -> str:
    """The Welsh of an English UI string; fails if the catalogue has none (the page would show English)."""
    with translation.override("cy"):
        welsh = translation.gettext(text)
    assert welsh != text, f"no Welsh for {text!r}"
    return welsh


def in_welsh(page, base_url: str) -> None:
    """Choose Cymraeg with the link every page has; it keeps you on the same page."""
    before = urlsplit(page.url).path
    page.get_by_role("link", name="Cymraeg", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert urlsplit(page.url).path == before


def test_public_pages_in_welsh_have_no_axe_violations(page, base_url, real_course):
    page.goto(f"{base_url}/")
    in_welsh(page, base_url)
    assert page.get_by_role("link", name="English", exact=True).get_attribute("hreflang") == "en"
    assert_accessible(page, "home (cy)")
    page.goto(f"{base_url}/accounts/signup/")
    assert_accessible(page, "sign-up (cy)")
    page.get_by_role("button", name=cy("Create account")).click()
    expect(page.get_by_text(cy("There is a problem"))).to_be_visible()
    assert_accessible(page, "sign-up with errors (cy)")
    page.goto(f"{base_url}/accounts/login/")
    assert_accessible(page, "log-in (cy)")
    page.goto(f"{base_url}/accounts/password-reset/")
    assert_accessible(page, "password reset (cy)")
    page.goto(f"{base_url}/no-such-page/")
    assert_accessible(page, "404 (cy)")
    page.goto(f"{base_url}/verify/")
    assert_accessible(page, "verify form (cy)")


def _sign_up_in_welsh(page, base_url: str, email: str, name: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    in_welsh(page, base_url)
    page.get_by_label(cy("Email address")).fill(email)
    page.get_by_label(cy("Name as it should appear on your certificate")).fill(name)
    page.locator("#id_password1").fill("a-long-pass-phrase-9")
    page.locator("#id_password2").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name=cy("Create account")).click()
    expect(page.get_by_role("heading", name=cy("Check your email"))).to_be_visible()
    message = [m for m in sent_messages() if m["To"] == email][-1]
    body = message.get_payload(decode=True).decode()
    assert " ".join(message["Subject"].split()) == cy("Confirm your email address for CSE awareness training")
    link = re.search(r"https?://\S+/accounts/verify-email/\S+/", body).group(0)
    page.goto(base_url + urlsplit(link).path)
    expect(page.get_by_role("heading", name=cy("Your courses"))).to_be_visible()


def _play_story_in_welsh(page, block: StoryBlock) -> None:
    by_key = {step["key"]: step for step in block.steps_cy}
    for step_key, choice_key in way_to(block.steps_en, "good"):
        step = by_key[step_key]
        expect(page.get_by_role("heading", level=1)).to_have_text(step["heading"])
        choice = next(c for c in step["choices"] if c["key"] == choice_key)
        page.get_by_label(choice["text"], exact=True).check()
        page.get_by_role("button", name=cy("Continue")).click()


def test_a_taxi_driver_does_the_whole_course_in_welsh(page, base_url, real_course, celery_worker, settings):
    pathway = Pathway.objects.get(course=real_course, slug="taxi-drivers")
    email, name = "gyrrwr@example.com", "Siân Wyn ap Rhys"
    _sign_up_in_welsh(page, base_url, email, name)
    assert_accessible(page, "dashboard (cy)")

    page.get_by_role("link", name=real_course.title_cy).click()
    page.get_by_label(pathway.title_cy).check()
    assert_accessible(page, "choose pathway (cy)")
    page.get_by_role("button", name=cy("Continue")).click()
    expect(page.get_by_role("heading", name=pathway.title_cy)).to_be_visible()
    assert_accessible(page, "start page (cy)")
    units = list(Unit.objects.filter(course=real_course).order_by("order"))
    page.goto(f"{base_url}/courses/{real_course.slug}/units/{units[0].slug}/")

    for index, unit in enumerate(units):
        expect(page.get_by_role("heading", level=1, name=unit.title_cy)).to_be_visible()
        if index in (0, 4):
            assert_accessible(page, f"unit {unit.slug} (cy)")
        stories = StoryBlock.objects.filter(Q(pathways=pathway) | Q(pathways__isnull=True), unit=unit)
        for block in stories.distinct().order_by("order"):
            page.locator(f'a[href="stories/{block.key}/"]').click()
            assert_accessible(page, "story step (cy)")
            _play_story_in_welsh(page, block)
            assert_accessible(page, "story end (cy)")
            page.get_by_role("link", name=cy("Back to the unit")).click()
        page.get_by_role("link", name=cy("Take the quiz")).click()
        submit = page.get_by_role("button", name=cy("Submit answers"))
        expect(submit).to_be_visible()
        no_sideways_scroll(page)
        if index == 0:
            assert_accessible(page, "quiz (cy)")
            submit.click()  # nothing answered: the error summary, in Welsh
            expect(page.get_by_text(cy("There is a problem"))).to_be_visible()
            assert_accessible(page, "quiz with errors (cy)")
        if index == 1:
            # Halfway through, switch to English and back: the same attempt, the same questions.
            before = Attempt.objects.get(enrolment__learner__email=email, submitted_at__isnull=True)
            page.get_by_role("link", name="English", exact=True).click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
            page.get_by_role("link", name="Cymraeg", exact=True).click()
            expect(page.locator("html")).to_have_attribute("lang", "cy")
            after = Attempt.objects.get(enrolment__learner__email=email, submitted_at__isnull=True)
            assert (after.pk, after.question_ids) == (before.pk, before.question_ids)
        fill_quiz(page, email, right=True)
        page.get_by_role("button", name=cy("Submit answers")).click()
        expect(page.get_by_role("heading", name=cy("You passed"))).to_be_visible()
        if index == 0:
            assert_accessible(page, "quiz result (cy)")
        if index + 1 < len(units):
            page.goto(f"{base_url}/courses/{real_course.slug}/units/{units[index + 1].slug}/")

    page.goto(f"{base_url}/certificates/")
    certificate = Certificate.objects.get(learner__email=email)
    download = page.get_by_role("link", name=re.compile("^" + re.escape(cy("Download PDF"))))
    expect(download.first).to_be_visible(timeout=30_000)
    no_sideways_scroll(page)
    assert_accessible(page, "my certificates (cy)")
    screenshot(page, "certificate-page-360-cy")
    certificate.refresh_from_db()
    assert certificate.language == "cy"

    with page.expect_download() as download_info:
        download.first.click()
    pdf_bytes = Path(download_info.value.path()).read_bytes()
    text = PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
    assert real_course.title_cy in " ".join(text.split())
    assert pathway.title_cy in " ".join(text.split())
    assert certificate.display_code in text
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert decoded and decoded[0].endswith(f"/verify/{certificate.code}/")

    page.goto(f"{base_url}/verify/{certificate.code}/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", name=cy("This certificate is valid"))).to_be_visible()
    expect(page.get_by_text(name)).to_be_visible()
    assert_accessible(page, "verify valid (cy)")
    page.get_by_role("link", name="English", exact=True).click()
    expect(page.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    assert urlsplit(page.url).path == f"/verify/{certificate.code}/"
    no_sideways_scroll(page)
