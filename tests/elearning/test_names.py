"""Certificate names: NFC-normalised; hidden control and format characters (a text-direction override,
a byte-order mark) and names with no letter refused with a clear message, wherever a name is typed."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.names import HIDDEN_MESSAGE, clean_certificate_name

pytestmark = pytest.mark.django_db

HOSTILE = {
    "only a byte-order mark": "\ufeff",
    "a right-to-left override": "Ann \u202eseno J",
    "a zero-width space": "Ann\u200bJones",
    "a NUL": "Ann\x00Jones",
    "a bell": "Ann\x07",
    "a left-to-right isolate": "\u2066Ann\u2069",
    "a lone joiner": "\u200d",
    "private use": "Ann \ue000",
}


def _sign_up(client, name, email="new.person@example.com"):
    return client.post(
        reverse("accounts:signup"),
        {
            "email": email,
            "certificate_name": name,
            "password1": "a-long-password-42",
            "password2": "a-long-password-42",
        },
    )


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_sign_up_refuses_a_name_with_hidden_characters(client, name):
    response = _sign_up(client, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "hidden or control character" in html or "Null characters are not allowed" in html
    assert not User.objects.filter(email="new.person@example.com").exists()


@pytest.mark.parametrize("name", ["   ", "\t\n", "", "\u3000"])
def test_sign_up_refuses_a_name_that_is_empty_after_trimming(client, name):
    response = _sign_up(client, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_certificate_name"' in html


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_account_page_refuses_a_name_with_hidden_characters(learner_client, user, name):
    before = user.certificate_name
    response = learner_client.post(reverse("accounts:profile"), {"certificate_name": name})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    user.refresh_from_db()
    assert user.certificate_name == before


def test_names_are_stored_nfc_normalised_with_single_spaces(learner_client, user):
    assert _sign_up(Client(), "  Zoe\u0301   Lo\u0308we ").status_code == 302
    assert User.objects.get(email="new.person@example.com").certificate_name == "Zoé Löwe"
    learner_client.post(reverse("accounts:profile"), {"certificate_name": "Rene\u0301e\tO'Brien-Smith"})
    user.refresh_from_db()
    assert user.certificate_name == "Renée O'Brien-Smith"


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ó Briain",
        "Nguyễn Thị Minh Khai",
        "李小龍",
        "Mehr\u200cnaz Ahmadi",
        "محمد\u200cرضا",
        "J. R. R. Tolkien",
    ],
)
def test_real_names_pass(name):
    assert clean_certificate_name(name) == name


def test_joining_by_invitation_uses_the_same_rules(client, db):
    from organisations import selectors
    from tests.organisations.factories import InvitationFactory

    invitation = InvitationFactory()
    response = client.post(
        reverse("organisations:join", args=[selectors.invitation_token(invitation)]),
        {
            "email": "joiner@example.com",
            "certificate_name": "\u202eevil",
            "password1": "a-long-password-42",
            "password2": "a-long-password-42",
        },
    )
    assert response.status_code == 400
    assert HIDDEN_MESSAGE.split(" (")[0] in response.content.decode()
    assert not User.objects.filter(email="joiner@example.com").exists()
