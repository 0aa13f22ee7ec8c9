"""Issue 21: Welsh or English, the learner's choice: a link on every page that keeps you on the page, the
choice stored on the account (and a cookie), the browser's Accept-Language for a first visit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_first_visit_follows_the_browser_and_english_is_the_default(client):
    assert _lang(client.get(reverse("home"))) == "en"
    assert _lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5")) == "cy"
    assert _lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")) == "en"


def test_the_switch_link_keeps_you_on_the_same_page_and_is_marked_up_for_its_language(client):
    html = client.get("/verify/?code=ABC").content.decode()
    link = html.split('class="language-switch"', 1)[1].split("</li>", 1)[0]
    assert 'hreflang="cy" lang="cy">Cymraeg</a>' in link
    assert f'href="{reverse("language", args=["cy"])}?next=/verify/%3Fcode%3DABC"' in link

    response = client.get(reverse("language", args=["cy"]), {"next": "/verify/?code=ABC"})

    assert response.status_code == 302 and response["Location"] == "/verify/?code=ABC"
    assert response.cookies["language"].value == "cy" and response.cookies["language"]["httponly"]
    page = client.get("/verify/?code=ABC", HTTP_ACCEPT_LANGUAGE="en")  # the cookie wins over the browser
    assert _lang(page) == "cy"
    assert 'hreflang="en" lang="en">English</a>' in page.content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_switch_goes_nowhere_but_this_site(client, target):
    response = client.get(reverse("language", args=["cy"]), {"next": target})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_an_unknown_language_is_a_404_and_changes_nothing(client):
    response = client.get(reverse("language", args=["fr"]))
    assert response.status_code == 404 and "language" not in response.cookies


def test_a_signed_in_learners_choice_is_kept_on_their_account_and_follows_them(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("language", args=["cy"]), {"next": "/"})
    user.refresh_from_db()
    assert user.language == "cy"

    elsewhere = client.__class__()  # another device: no cookie, an English browser
    elsewhere.force_login(user)
    assert _lang(elsewhere.get(reverse("courses:dashboard"), HTTP_ACCEPT_LANGUAGE="en")) == "cy"
    elsewhere.cookies["language"] = "en"  # the account's own choice wins over an old cookie
    assert _lang(elsewhere.get(reverse("courses:dashboard"))) == "cy"


def test_the_switch_refuses_a_post(client):
    assert client.post(reverse("language", args=["cy"])).status_code == 405
