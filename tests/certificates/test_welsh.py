"""Certificates in Welsh (issue 21): the language a certificate is issued in, its PDF in that language or
bilingual (Welsh first), the email in the learner's language, and the pages in the visitor's language."""

from __future__ import annotations

import datetime as dt
import email.header
import hashlib
import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile

from certificates import services
from certificates.models import Certificate
from certificates.pdf_fonts import FONT_DIR
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import body_text, complete_enrolment, pdf_files, sent_messages
from tests.courses.factories import EnrolmentFactory
from tests.elearning.factories import UserFactory

WELSH_LETTERS = "ŵŷâêîôûŴŶÂÊÎÔÛäëïöüẁẃẅỳýàèìòù"
WELSH_NAME = "Siân Ŵyn ap Rhŷs"


def pdf_text(content: bytes) -> str:
    return PdfReader(io.BytesIO(content)).pages[0].extract_text()


def qr_codes(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


@pytest.fixture
def welsh_learner(db):
    return UserFactory(language="cy", certificate_name=WELSH_NAME)


def issued(learner, **kwargs) -> Certificate:
    enrolment = EnrolmentFactory(learner=learner, completed_at=timezone.now(), content_version=1)
    defaults = {
        "course_title": "Adnabod camfanteisio'n rhywiol ar blant",
        "pathway_title": "Gyrwyr tacsis a cherbydau hurio preifat",
        "cpd_minutes": 150,
        "issued_on": dt.date(2025, 3, 5),
        "expires_on": dt.date(2028, 3, 5),
    }
    certificate = CertificateFactory(enrolment=enrolment, **{**defaults, **kwargs})
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


def test_the_certificate_fonts_have_every_welsh_letter():
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        glyphs = TTFontFile(str(FONT_DIR / name)).charToGlyph
        assert [c for c in WELSH_LETTERS if ord(c) not in glyphs] == [], name


def test_a_pending_certificate_records_the_learners_language(small_course, welsh_learner):
    enrolment = course_enrolment(small_course, welsh_learner)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.language == "cy"
    english = course_enrolment(small_course, UserFactory(certificate_name="Sam Jones"))
    assert Certificate.objects.get(enrolment=english).language == "en"


def course_enrolment(small_course, learner):
    from courses import services as course_services

    enrolment = course_services.enrolment_create(learner=learner, pathway=small_course.pathway)
    return complete_enrolment(enrolment)


def test_a_welsh_certificate_pdf_is_in_welsh_and_its_qr_code_decodes(settings, welsh_learner):
    settings.SITE_URL = "https://training.example.org"
    certificate = issued(welsh_learner, language="cy")
    (path,) = pdf_files()
    content = path.read_bytes()
    text = pdf_text(content)

    assert WELSH_NAME in text  # ŵ and ŷ survive: the embedded font has them
    assert "Tystysgrif cwblhau" in text
    assert "Mae hyn i dystio bod" in text
    assert "wedi cwblhau'r cwrs" in text
    assert "Adnabod camfanteisio'n rhywiol ar blant" in text
    assert "Llwybr: Gyrwyr tacsis a cherbydau hurio preifat" in text
    assert "Amser DPP: 2 awr 30 munud" in text
    assert "Cyhoeddwyd: 5 Mawrth 2025" in text
    assert "Yn dod i ben: 5 Mawrth 2028" in text
    assert f"Cod gwirio: {certificate.display_code}" in text
    assert "Certificate of completion" not in text and "Issued:" not in text
    assert qr_codes(content) == [f"https://training.example.org/verify/{certificate.code}/"]


def test_an_english_certificate_pdf_stays_english(db):
    certificate = issued(UserFactory(language="cy"), language="en", course_title="Spotting CSE")
    (path,) = pdf_files()
    text = pdf_text(path.read_bytes())
    assert "Certificate of completion" in text and "Issued: 5 March 2025" in text
    assert "Tystysgrif" not in text
    assert certificate.language == "en"


def test_the_bilingual_certificate_is_welsh_first_with_the_same_qr_code(settings, client, welsh_learner):
    settings.SITE_URL = "https://training.example.org"
    certificate = issued(welsh_learner, language="cy")
    stored = [(p.name, p.read_bytes()) for p in pdf_files()]
    client.force_login(welsh_learner)

    response = client.get(reverse("certificates:download_bilingual", args=[certificate.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert text.index("Tystysgrif cwblhau") < text.index("Certificate of completion")
    assert "Tystysgrif cwblhau / Certificate of completion" in text
    assert "Cyhoeddwyd: 5 Mawrth 2025 / Issued: 5 March 2025" in text
    assert "Amser DPP: 2 awr 30 munud / CPD time: 2 hours 30 minutes" in text
    assert WELSH_NAME in text
    # The Welsh title (the certificate's own snapshot), then the course's English one.
    assert text.index(certificate.course_title) < text.index(certificate.course.title)
    assert qr_codes(response.content) == [f"https://training.example.org/verify/{certificate.code}/"]
    # Drawn on demand: the issued PDF, its file and its hash are untouched.
    assert [(p.name, p.read_bytes()) for p in pdf_files()] == stored
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 == hashlib.sha256(stored[0][1]).hexdigest()


def test_the_bilingual_certificate_is_only_for_its_holder_and_only_when_issued(client, welsh_learner):
    certificate = issued(welsh_learner, language="cy")
    url = reverse("certificates:download_bilingual", args=[certificate.code])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(welsh_learner)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    assert client.get(url).status_code == 404


def test_the_certificate_email_is_in_the_learners_language(welsh_learner):
    certificate = issued(welsh_learner, language="cy")
    (message,) = sent_messages()
    assert subject(message) == f"Eich tystysgrif: {certificate.course_title}"
    text = body_text(message, "text/plain")
    assert f"Helo {WELSH_NAME}," in text
    assert "Os yw plentyn mewn perygl uniongyrchol, ffoniwch 999." in text
    assert "Cyhoeddwyd: 5 Mawrth 2025" in text
    html = body_text(message, "text/html")
    assert '<html lang="cy">' in html and "Da iawn: rydych wedi cwblhau" in html
    assert "Well done" not in text + html


def test_the_certificates_page_in_welsh_offers_the_bilingual_certificate(client, welsh_learner):
    certificate = issued(welsh_learner, language="cy")
    client.force_login(welsh_learner)
    page = client.get(reverse("certificates:mine")).text
    assert '<html lang="cy"' in page
    assert "<h1>Eich tystysgrifau</h1>" in page
    assert "Lawrlwytho tystysgrif ddwyieithog (Cymraeg a Saesneg)" in page
    assert reverse("certificates:download_bilingual", args=[certificate.code]) in page
    assert "Download PDF" not in page and "Verification code" not in page


def test_the_english_certificates_page_names_the_bilingual_certificate_in_both_languages(client, db):
    learner = UserFactory()
    issued(learner)
    client.force_login(learner)
    page = client.get(reverse("certificates:mine")).text
    assert (
        'Download a bilingual (<span lang="cy">Cymraeg</span> and <span lang="en">English</span>) certificate'
        in page
    )


@pytest.mark.parametrize(
    ("visitor", "certificate_language", "expected"),
    [
        ("cy", "en", ["Mae'r dystysgrif hon yn ddilys", "Iaith y dystysgrif", "Saesneg", "5 Mawrth 2025"]),
        ("cy", "cy", ["Mae'r dystysgrif hon yn ddilys", "Iaith y dystysgrif", "Cymraeg"]),
        ("en", "cy", ["This certificate is valid", "<dt>Issued in</dt><dd>Welsh</dd>", "5 March 2025"]),
    ],
)
def test_the_verification_page_follows_the_visitor_and_names_the_certificates_language(
    client, db, visitor, certificate_language, expected
):
    certificate = issued(UserFactory(), language=certificate_language, expires_on=dt.date(2099, 1, 1))
    client.cookies["language"] = visitor
    response = client.get(reverse("certificates:verify_code", args=[certificate.code]))
    assert response.status_code == 200
    assert f'<html lang="{visitor}"' in response.text
    for text in expected:
        assert text in response.text


def test_the_verify_and_credential_check_pages_in_welsh(client, db):
    client.cookies["language"] = "cy"
    page = client.get(reverse("certificates:verify")).text
    assert '<html lang="cy"' in page and "<h1>Gwirio tystysgrif</h1>" in page
    assert "Cod tystysgrif" in page and "Check certificate" not in page
    missing = client.get(reverse("certificates:verify_code", args=[services.new_code()]))
    assert missing.status_code == 404 and "Tystysgrif heb ei chanfod" in missing.text
    check = client.get(reverse("credentials:check")).text
    assert "<h1>Gwirio cymhwyster digidol</h1>" in check and "Gludwch y cymhwyster" in check
    refused = client.get(reverse("certificates:verify"), {"code": "ABC"})
    assert "Rhowch y cod 20 nod sydd ar y dystysgrif" in refused.text
