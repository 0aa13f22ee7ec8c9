"""Every pathway end to end in a real browser on a phone-sized screen, with a real Celery worker."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db.models import Q
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import Pathway, StoryBlock, Unit
from tests.certificates.glyphs import missing_glyphs
from tests.certificates.helpers import sent_messages

from .answers import fill_quiz
from .conftest import no_sideways_scroll, screenshot
from .test_stories import _play as play_story

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PATHWAYS = ["foster-carers", "taxi-drivers", "hotel-staff", "school-staff", "parents-carers"]
# A name in another script per pathway: the PDF must print each (issue 19), right to left where it reads so.
NAMES = {
    "foster-carers": "Siân Ó Súilleabháin",
    "taxi-drivers": "محمد عبد الله",
    "hotel-staff": "王小明 김민준",
    "school-staff": "सुनीता देवी",
    "parents-carers": "דוד כהן สมชาย",
}


def sign_up(page, base_url: str, email: str, name: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Name as it should appear on your certificate").fill(name)
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase-9")
    page.get_by_label("Password confirmation").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    # The verification link in the email confirms the address and logs the new learner in.
    message = next(m for m in sent_messages() if m["To"] == email and "Confirm" in m["Subject"])
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https?://\S+/accounts/verify-email/\S+/", body).group(0)
    page.goto(base_url + urlsplit(link).path)
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()


@pytest.mark.parametrize("pathway_slug", PATHWAYS)
def test_pathway_journey(page, base_url, real_course, celery_worker, settings, pathway_slug):
    settings.CERTIFICATE_RENDER_DELAY_SECONDS = 1.5  # long enough to see "being prepared" first
    pathway = Pathway.objects.get(course=real_course, slug=pathway_slug)
    email = f"{pathway_slug}@example.com"
    name = NAMES[pathway_slug]
    sign_up(page, base_url, email, name)

    page.get_by_role("link", name=real_course.title).click()
    page.get_by_label(pathway.title).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    expect(page.get_by_role("heading", name=pathway.title)).to_be_visible()
    no_sideways_scroll(page)
    units = list(Unit.objects.filter(course=real_course).order_by("order"))
    # Straight to the first quiz without opening the unit: sent to the unit, with the reason.
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{units[0].slug}/")
    expect(page.get_by_text("Read this unit first.")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name=re.compile(r"^Start unit 1")).click()

    for index, unit in enumerate(units):
        expect(page.get_by_role("heading", level=1, name=unit.title)).to_be_visible()
        no_sideways_scroll(page)
        if index == 2 and pathway_slug == "taxi-drivers":
            screenshot(page, "unit-page-360")
        # The unit's story (Pass it on), by the guide's way, before its quiz opens.
        stories = StoryBlock.objects.filter(Q(pathways=pathway) | Q(pathways__isnull=True), unit=unit)
        for block in stories.distinct().order_by("order"):
            page.locator(f'a[href="stories/{block.key}/"]').click()
            play_story(page, block, "good", check_each_step=False)
            expect(page.get_by_text("This ended well", exact=True)).to_be_visible()
            page.get_by_role("link", name="Back to the unit").click()
        page.get_by_role("link", name="Take the quiz").click()
        # Wait for the quiz page itself: with 10 or more questions it can still be loading here.
        expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
        no_sideways_scroll(page)
        if index == 0:
            # Fail once, read the feedback, look at the unit again, then retake.
            fill_quiz(page, email, right=False)
            page.get_by_role("button", name="Submit answers").click()
            expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
            expect(page.get_by_text("Not right").first).to_be_visible()
            expect(page.get_by_text("You have 2 attempts left out of 3.")).to_be_visible()
            assert page.locator(".feedback--right, .feedback--missed").count() == 0  # no answer key
            no_sideways_scroll(page)
            # Re-read the unit, then take the quiz again: 5 other questions drawn from the bank.
            page.get_by_role("link", name="Read the unit again").click()
            expect(page.get_by_role("heading", level=1, name=unit.title)).to_be_visible()
            page.get_by_role("link", name="Take the quiz").click()
            expect(page.get_by_text("You have 2 attempts left")).to_be_visible()
        fill_quiz(page, email, right=True)
        page.get_by_role("button", name="Submit answers").click()
        expect(page.get_by_role("heading", name="You passed")).to_be_visible()
        if index + 1 < len(units):
            page.get_by_role("link", name=f"Next unit: {units[index + 1].title}").click()

    page.get_by_role("link", name="Get your certificate").click()
    expect(page.locator(".tag", has_text="Being prepared")).to_be_visible()
    # The page refreshes itself; no reload from the test.
    download_link = page.get_by_role("link", name=re.compile("^Download PDF"))
    expect(download_link).to_be_visible(timeout=30_000)
    no_sideways_scroll(page)
    if pathway_slug == "taxi-drivers":
        screenshot(page, "certificate-page-360")

    with page.expect_download() as download_info:
        download_link.click()
    pdf_bytes = Path(download_info.value.path()).read_bytes()
    text = PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
    certificate = Certificate.objects.get(learner__email=email)
    name_line = unicodedata.normalize("NFKC", text.splitlines()[2])
    assert sorted(name_line.replace(" ", "")) == sorted(name.replace(" ", ""))  # every letter, extracted
    assert missing_glyphs(pdf_bytes) == []  # rendered: no character is the missing-glyph box
    assert real_course.title in text
    assert pathway.title in text
    assert certificate.display_code in text

    page.get_by_role("link", name="Check it as an employer would").click()
    expect(page.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    expect(page.get_by_text(name)).to_be_visible()
    assert email not in page.content()
    no_sideways_scroll(page)
