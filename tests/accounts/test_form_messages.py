"""Form messages say what is missing or wrong in plain words; the name's limit is in its hint and counted
as people count characters, never cut off by the browser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.names import MAX_CHARACTERS, visible_length
from tests.elearning.factories import UserFactory


def test_an_empty_sign_up_says_what_each_field_needs(client, db):
    response = client.post(reverse("accounts:signup"), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." not in html
    for message in (
        "Enter your email address",
        "Enter your name as it should appear on your certificate.",
        "Enter a password",
        "Enter the same password again, to confirm it",
    ):
        assert message in html


def test_an_empty_log_in_says_what_is_missing(client, db):
    html = client.post(reverse("login"), {}).content.decode()
    assert "This field is required." not in html
    assert "Enter your email address" in html and "Enter your password" in html


@pytest.mark.parametrize(
    ("name", "length"),
    [
        ("Siân", 4),
        ("Sia\u0302n", 4),  # the same name typed with a combining accent
        ("👨‍👩‍👧 Jo", 4),  # a family emoji (five code points, joined) is one character
        ("👍🏽", 1),  # with a skin-tone modifier
        ("🇬🇧", 1),  # a flag: two regional-indicator letters
        ("अनुष्का", 4),  # Devanagari: vowel signs and the virama join their letter
    ],
)
def test_characters_are_counted_as_people_count_them(name, length):
    assert visible_length(name) == length


def test_the_name_hint_says_the_limit_and_the_page_does_not_cut_names_off(client, db):
    html = client.get(reverse("accounts:signup")).content.decode()
    assert f"up to {MAX_CHARACTERS} characters" in html
    field = (
        html.split('id="id_certificate_name"', 1)[0].rsplit("<input", 1)[1]
        + html.split('id="id_certificate_name"', 1)[1].split(">", 1)[0]
    )
    assert "maxlength" not in field


def _sign_up(client, name: str):
    data = {
        "email": "long@example.com",
        "certificate_name": name,
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
    }
    return client.post(reverse("accounts:signup"), data)


def test_a_name_of_120_emoji_and_letters_is_kept_whole(client, db):
    name = ("Zoë 👍🏽 " * 20).strip()  # 119 characters; 178 UTF-16 units, which maxlength counts
    assert visible_length(name) <= MAX_CHARACTERS < len(name.encode("utf-16-le")) // 2
    response = _sign_up(client, name)
    assert response.status_code == 302
    assert User.objects.get(email="long@example.com").certificate_name == name


def test_a_name_over_the_limit_is_refused_in_plain_words(client, db):
    response = _sign_up(client, "A" * 121)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your name is 121 characters long. Use 120 characters or fewer" in html
    assert "Ensure this value" not in html
    assert not User.objects.filter(email="long@example.com").exists()


def test_the_profile_name_form_counts_the_same_way(client, db):
    user = UserFactory(certificate_name="Sam")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f"up to {MAX_CHARACTERS} characters" in html


def test_an_empty_password_reset_says_what_is_missing(client, db):
    html = client.post(reverse("password_reset"), {}).content.decode()
    assert "This field is required." not in html
    assert "Enter your email address" in html
