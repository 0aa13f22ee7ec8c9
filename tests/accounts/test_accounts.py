"""Sign-up, log-in, log-out, password reset by email and the certificate name page."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.models import User
from tests.certificates.helpers import sent_messages
from tests.elearning.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "Driver@Example.com",
    "certificate_name": "  Zoë   Ångström ",
    "password1": "a-long-pass-phrase-9",
    "password2": "a-long-pass-phrase-9",
}


def test_sign_up_creates_the_account_and_the_emailed_link_logs_in(client):
    # Changed with issue 15: sign-up no longer logs in at once (an address that already has an account must
    # get the same answer); the verification link in the email logs the new holder in.
    response = client.post(reverse("accounts:signup"), GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get()
    assert user.email == "driver@example.com"
    assert user.certificate_name == "Zoë Ångström"
    assert user.check_password(GOOD["password1"])
    assert user.email_verified_at is None
    (message,) = sent_messages()
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https?://\S+/accounts/verify-email/\S+/", body).group(0)
    followed = client.get(urlsplit(link).path)
    assert followed.status_code == 302 and followed["Location"] == reverse("courses:dashboard")
    assert client.get(reverse("courses:dashboard")).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"certificate_name": "   "}, "certificate_name", "Enter your name as it should appear on your"),
        ({"password2": "something-else-99"}, "password2", "The two password fields"),
        ({"password1": "short", "password2": "short"}, "password2", "This password is too short."),
    ],
)
def test_sign_up_errors_are_shown_in_place_and_nothing_is_created(client, change, field, message):
    response = client.post(reverse("accounts:signup"), {**GOOD, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}"' in html  # the summary links to the field
    assert message in html
    assert User.objects.count() == 0


def test_sign_up_with_an_email_already_used_whatever_the_case_changes_nothing(client):
    # Changed with issue 15: the same redirect as a new address, and the owner is told by email.
    UserFactory(email="driver@example.com")
    response = client.post(reverse("accounts:signup"), GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_log_in_with_email_and_log_out(client, user, password):
    response = client.post(reverse("login"), {"username": user.email.upper(), "password": password})
    assert response.status_code == 302
    assert client.get(reverse("courses:dashboard")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("courses:dashboard")).status_code == 302


def test_log_in_with_a_wrong_password_shows_an_error(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong-password-1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, user, settings):
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    mails = list(settings.EMAIL_FILE_PATH.iterdir())
    assert len(mails) == 1
    body = mails[0].read_text()
    assert user.email in body
    link = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new = "brand-new-pass-77"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-77")


def test_password_reset_for_an_unknown_email_sends_nothing_and_reveals_nothing(client, settings):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert not settings.EMAIL_FILE_PATH.exists() or not list(settings.EMAIL_FILE_PATH.iterdir())


def test_a_used_or_bad_reset_link_says_so(client, user):
    response = client.get("/accounts/reset/MQ/bad-token/", follow=True)
    assert "expired or was already used" in response.content.decode()


def test_certificate_name_can_be_changed(learner_client, user):
    response = learner_client.post(reverse("accounts:profile"), {"certificate_name": "Siân Jones"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.certificate_name == "Siân Jones"


def test_certificate_name_cannot_be_blank(learner_client, user):
    before = user.certificate_name
    response = learner_client.post(reverse("accounts:profile"), {"certificate_name": "  "})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    user.refresh_from_db()
    assert user.certificate_name == before


def test_profile_needs_log_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_page_says_what_the_course_is_and_the_footer_gives_999(client, sample_course):
    html = client.get("/").content.decode()
    assert "Create an account" in html
    assert sample_course.title in html
    assert "If a child is in immediate danger, call 999" in html
    assert '<html lang="en"' in html  # issue 21: the page's language, from LANGUAGES
    assert 'href="#main-content"' in html


def test_an_empty_sign_up_post_shows_the_errors(client):
    response = client.post(reverse("accounts:signup"), {})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert User.objects.count() == 0
