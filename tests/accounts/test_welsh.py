"""Issue 21: the account, sign-in, two-step and error pages in Welsh with no English UI left, the learner's
own choice of language in "Your details", and the account emails in the holder's language."""

from __future__ import annotations

import html as html_lib
import re
from email.header import decode_header, make_header

import pytest
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts import two_factor
from accounts.models import User
from elearning import views as site_views
from sso import services as sso_services
from sso.models import OrganisationSSO
from tests.certificates.helpers import sent_messages
from tests.elearning.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.two_factor import give_totp, login_verified

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-1"
# Words of English UI text that no Welsh sentence uses (names stay exact and are wrapped lang="en").
ENGLISH = re.compile(
    r"\b(the|and|your|you|with|this|that|for|have|enter|save|log in|account|password|continue|cancel|delete"
    r"|code|error|email|page|link|not|there is a problem)\b",
    re.IGNORECASE,
)


def main_text(html: str) -> str:
    """The visible text of <main> (header and footer are base.html's), with aria-labels and titles, less
    scripts, codes (keys, recovery codes) and anything marked lang="en"."""
    body = re.search(r"<main.*?</main>", html, re.S).group(0)
    body = re.sub(r"<(script|code|template)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<(span|cite)\b[^>]*lang="en"[^>]*>.*?</\1>', " ", body, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', body))
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)) + " " + labels)


def assert_welsh(response, expected: str, status: int = 200) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="cy"' in html
    text = main_text(html)
    assert expected in text, text
    assert ENGLISH.findall(text) == [], text
    return text


@pytest.fixture
def welsh(client):
    client.cookies["language"] = "cy"
    return client


@pytest.fixture
def welsh_user(db):
    return UserFactory(password=PASSWORD, language="cy", certificate_name="Siân Owen")


ANONYMOUS_PAGES = [
    ("home", (), "Sut mae'n gweithio"),
    ("accounts:signup", (), "Rhaid i'ch cyfrinair gynnwys o leiaf 10 nod."),
    ("accounts:signup_sent", (), "Edrychwch ar eich e-bost"),
    ("accounts:verify_email", ("not-a-token",), "Nid yw'r ddolen gadarnhau hon yn gweithio"),
    ("login", (), "Wedi anghofio eich cyfrinair?"),
    ("password_reset", (), "Anfon dolen ailosod"),
    ("password_reset_done", (), "Mae'r ddolen yn gweithio am 24 awr."),
    ("password_reset_confirm", ("MQ", "bad-token"), "Gofynnwch am ddolen ailosod newydd"),
    ("password_reset_complete", (), "Mae eich cyfrinair wedi'i newid"),
    ("sso:start", (), "Eich cyfeiriad e-bost gwaith"),
    ("sso:callback", (), "Nid oedd modd i ni eich mewngofnodi"),
]


@pytest.mark.parametrize(("name", "args", "expected"), ANONYMOUS_PAGES, ids=[p[0] for p in ANONYMOUS_PAGES])
def test_pages_for_visitors_are_in_welsh(welsh, name, args, expected):
    response = welsh.get(reverse(name, args=args))
    status = {"accounts:verify_email": 404, "sso:callback": 400}.get(name, 200)
    assert_welsh(response, expected, status=status)


SIGNED_IN_PAGES = [
    ("accounts:profile", "Cadw'r iaith"),
    ("accounts:delete", "Nid oes modd dadwneud hyn."),
    ("password_change", "Hen gyfrinair"),
    ("password_change_done", "Yn ôl i'ch cyrsiau"),
    ("accounts:two_factor", "Gosod ap dilysu"),
    ("accounts:two_factor_setup", "Methu ei sganio?"),
]


@pytest.mark.parametrize(("name", "expected"), SIGNED_IN_PAGES, ids=[p[0] for p in SIGNED_IN_PAGES])
def test_pages_for_a_welsh_learner_are_in_welsh_without_a_cookie(client, welsh_user, name, expected):
    client.force_login(welsh_user)  # their own choice, kept on the account, is enough
    assert_welsh(client.get(reverse(name)), expected)


def test_forms_with_errors_say_what_is_wrong_in_welsh(welsh):
    text = assert_welsh(welsh.post(reverse("accounts:signup"), {}), "Mae problem wedi codi", status=400)
    assert "Rhowch eich cyfeiriad e-bost" in text and "Gwall:" in text
    mismatch = {"email": "x", "certificate_name": "\u202eEve", "password1": "a-long-pass-1", "password2": "b"}
    text = assert_welsh(
        welsh.post(reverse("accounts:signup"), mismatch), "Rhowch gyfeiriad e-bost dilys.", 400
    )
    assert "Nid yw'r ddau gyfrinair yr un peth." in text and "nod cudd" in text
    assert_welsh(welsh.post(reverse("login"), {}), "Rhowch eich cyfrinair")
    assert_welsh(
        welsh.post(reverse("sso:start"), {"email": "a@nowhere.example"}), "Nid yw eich sefydliad", 200
    )


def test_a_wrong_password_warning_counts_the_tries_left_in_welsh(welsh, welsh_user):
    response = welsh.post(reverse("login"), {"username": welsh_user.email, "password": "wrong-pass-1"})
    assert_welsh(response, "cynnig arall gyda'r cyfeiriad e-bost hwn")


def test_your_details_and_account_forms_in_welsh(client, welsh_user):
    client.force_login(welsh_user)
    text = assert_welsh(
        client.post(reverse("accounts:licence"), {"licence_number": "--"}), "llythrennau a rhifau", 400
    )
    assert "Dewiswch Gymraeg" not in text
    assert_welsh(
        client.post(reverse("accounts:delete"), {"password": "wrong"}), "Nid yw'r cyfrinair yn gywir.", 400
    )
    assert_welsh(
        client.post(reverse("accounts:two_factor_setup"), {"code": "000000"}), "Nid yw'r cod hwnnw'n gywir"
    )


def test_two_step_pages_in_welsh(client, welsh_user):
    login_verified(client, welsh_user)
    assert_welsh(client.get(reverse("accounts:two_factor")), "Creu codau adfer newydd")
    assert_welsh(
        client.post(reverse("accounts:two_factor_recovery_codes")), "Rwyf wedi cadw fy nghodau, parhau"
    )
    other = UserFactory(password=PASSWORD, language="cy")
    give_totp(other)
    pending = Client()
    pending.force_login(other)
    assert_welsh(pending.get(reverse("accounts:two_factor_verify")), "Dim ffôn a dim codau adfer?")


def test_error_pages_in_welsh(welsh, rf: RequestFactory):
    assert_welsh(welsh.get("/no-such-page/"), "Heb ddod o hyd i'r dudalen", status=404)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["language"] = "cy"
    assert_welsh(strict.post(reverse("login"), {}), "Mae'r ffurflen hon wedi dod i ben", status=403)
    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("cy"):
        assert_welsh(site_views.bad_request(request), "Roedd rhywbeth o'i le", status=400)
        assert_welsh(site_views.permission_denied(request), "Nid oes gennych ganiatâd", status=403)
        assert_welsh(site_views.server_error(request), "Mae eich cynnydd wedi'i gadw.", status=500)
        for template, expected in [
            ("errors/locked_out.html", "Arhoswch 15 munud"),
            ("accounts/signup_limited.html", "Gormod o gofrestriadau"),
            ("registration/password_reset_limited.html", "Gallwch ofyn eto ymhen awr."),
            ("registration/logged_out.html", "Rydych wedi allgofnodi"),
        ]:
            assert_welsh(render(request, template), expected)


def test_english_pages_stay_english(client, user):
    html = client.get(reverse("accounts:signup")).content.decode()
    assert '<html lang="en"' in html and "Name as it should appear on your certificate" in html
    assert "Your password must contain at least 10 characters." in html
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Save language" in html and ">Welsh</label>" in html and ">English</label>" in html


def test_choosing_welsh_in_your_details_keeps_it_on_the_account_and_in_the_cookie(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "cy"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert response.cookies["language"].value == "cy"
    user.refresh_from_db()
    assert user.language == "cy"
    del client.cookies["language"]  # the account's choice alone gives Welsh
    page = client.get(reverse("accounts:profile"))
    text = assert_welsh(page, "Mae eich dewis iaith wedi'i gadw.")
    assert re.search(r'<input[^>]*value="cy"[^>]*checked', page.content.decode())
    back = client.post(reverse("accounts:language"), {"language": "en"})
    assert back.cookies["language"].value == "en"
    assert "Your language has been saved." in client.get(reverse("accounts:profile")).content.decode()
    assert "Dewiswch" not in text


def test_a_language_that_is_not_offered_is_refused(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "fr"})
    assert response.status_code == 400
    assert "Choose Welsh or English" in response.content.decode()
    user.refresh_from_db()
    assert user.language == ""


def _only_message() -> tuple[str, str]:
    """The subject and plain text of the one email sent."""
    (message,) = sent_messages()
    part = message if not message.is_multipart() else message.get_payload()[0]
    subject = " ".join(str(make_header(decode_header(message["Subject"]))).split())  # unfolded
    return subject, part.get_payload(decode=True).decode()


def test_signing_up_in_welsh_keeps_welsh_and_the_email_is_welsh(welsh):
    good = {
        "email": "sian@example.com",
        "certificate_name": "Siân",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    assert welsh.post(reverse("accounts:signup"), good).status_code == 302
    assert User.objects.get().language == "cy"
    subject, body = _only_message()
    assert subject == "Cadarnhewch eich cyfeiriad e-bost ar gyfer Hyfforddiant ymwybyddiaeth CSE"
    assert body.startswith("Helo Siân,") and "Mae'r ddolen yn gweithio am" in body


def test_signing_up_in_english_keeps_english(client):
    good = {
        "email": "ann@example.com",
        "certificate_name": "Ann",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    client.post(reverse("accounts:signup"), good)
    assert User.objects.get().language == "en"
    subject, body = _only_message()
    assert subject == "Confirm your email address for CSE awareness training"
    assert body.startswith("Hello Ann,")


def test_someone_signing_up_with_a_welsh_learners_address_is_told_in_welsh(client, welsh_user):
    taken = {"email": welsh_user.email, "certificate_name": "X", "password1": PASSWORD, "password2": PASSWORD}
    client.post(reverse("accounts:signup"), taken)  # from an English page: the owner's language wins
    _subject, body = _only_message()
    assert "Mae rhywun wedi ceisio creu cyfrif" in body


def test_a_password_reset_email_goes_in_the_holders_language(client, welsh_user):
    client.post(reverse("password_reset"), {"email": welsh_user.email})  # asked from an English page
    (message,) = sent_messages()
    text, html = (
        part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()
    )
    assert str(make_header(decode_header(message["Subject"]))).startswith("Ailosod eich cyfrinair")
    assert "I ddewis cyfrinair newydd, agorwch y ddolen hon o fewn 24 awr:" in text
    assert '<html lang="cy">' in html and "Dewiswch gyfrinair newydd</a>" in html


def test_a_password_reset_email_for_an_english_learner_stays_english_from_a_welsh_page(welsh, user):
    user.language = "en"
    user.save(update_fields=["language"])
    welsh.post(reverse("password_reset"), {"email": user.email})
    subject, body = _only_message()
    assert subject == "Reset your password for CSE awareness training" and body.startswith("Hello ")


def test_a_two_step_reset_by_an_english_manager_is_told_in_welsh(welsh_user, admin_user):
    with translation.override("en"):
        two_factor.two_factor_reset(
            user=welsh_user, reset_by=admin_user, via="the admin", reason="lost phone"
        )
    _subject, body = _only_message()
    assert "Cafodd dilysu dau gam eich cyfrif" in body and "yn y safle gweinyddu." in body


def test_a_new_account_made_by_single_sign_on_keeps_the_language_in_use():
    organisation = OrganisationFactory()
    config = OrganisationSSO.objects.create(
        organisation=organisation,
        issuer="https://idp.example",
        client_id="rp",
        allowed_domains="cardiff.gov.uk",
    )
    claims = {
        "iss": "https://idp.example",
        "sub": "1",
        "email": "ffion@cardiff.gov.uk",
        "email_verified": True,
    }
    with translation.override("cy"):
        user = sso_services.sign_in(config=config, claims=claims)
        with pytest.raises(sso_services.SignInRefused, match="Nid yw'r cyfeiriad"):
            sso_services.sign_in(config=config, claims={**claims, "sub": "2", "email": "x@elsewhere.example"})
    assert user.language == "cy"


def test_the_data_download_says_which_language_was_chosen(client, welsh_user):
    client.force_login(welsh_user)
    assert client.get(reverse("accounts:data_download")).json()["account"]["language"] == "cy"


def test_the_service_name_and_the_course_card_labels_are_welsh(welsh, sample_course):
    html = welsh.get(reverse("home")).content.decode()
    assert (
        "<title>Ymwybyddiaeth o gamfanteisio'n rhywiol ar blant – Hyfforddiant ymwybyddiaeth CSE</title>"
        in html
    )
    assert 'class="service-name">Hyfforddiant ymwybyddiaeth CSE</a>' in html
    assert "<dt>Unedau</dt>" in html and f"tua {sample_course.cpd_minutes} munud" in html
    assert f"dilys am {sample_course.validity_months} mis" in html


def test_a_reset_by_someone_else_is_listed_in_welsh(client, welsh_user):
    manager = UserFactory(certificate_name="Gareth Evans")
    two_factor.two_factor_reset(
        user=welsh_user, reset_by=manager, via="the organisation Cyngor", reason="phone"
    )
    client.force_login(welsh_user)
    text = assert_welsh(client.get(reverse("accounts:two_factor")), "Ailosodiadau gan rywun arall")
    assert "gan Gareth Evans, yn y sefydliad Cyngor" in text


def test_confirming_an_address_is_thanked_in_welsh(welsh_user):
    from accounts.verification import verification_token

    welsh_user.email_verified_at = None
    welsh_user.save(update_fields=["email_verified_at"])
    response = Client().get(
        reverse("accounts:verify_email", args=[verification_token(welsh_user)]), follow=True
    )
    assert f"Diolch: mae {welsh_user.email} wedi'i gadarnhau." in html_lib.unescape(response.content.decode())
