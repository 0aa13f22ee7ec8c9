"""Licence look-up: a licensing authority's manager sees the status of a member with that number, and gets
the same "no member" answer for a non-member with the number as for a number nobody has."""

import re

import pytest
from django.urls import reverse

from organisations import selectors
from organisations.models import Membership, Organisation
from tests.two_factor import login_verified

from .factories import MembershipFactory, OrganisationFactory
from .helpers import member_in_state

pytestmark = pytest.mark.django_db

NO_MEMBER = "No member of Cardiff Council Licensing has that licence or badge number."


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Cardiff Council Licensing", kind=Organisation.Kind.LICENSING)


@pytest.fixture
def council_client(client, council):
    boss = MembershipFactory(organisation=council, role=Membership.Role.MANAGER).user
    login_verified(client, boss)
    return client


def lookup(client, council, number):
    return client.get(reverse("organisations:lookup", args=[council.pk]), {"number": number})


def test_a_member_with_the_number_is_found_with_their_status(council_client, council, course):
    driver = member_in_state(
        council, course, "expiring", certificate_name="Dai Driver", licence_number="PH1234"
    )
    response = lookup(council_client, council, "ph 12-34")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dai Driver" in html and "Expiring within 90 days" in html
    assert driver.user.certificates.get().expires_on.strftime("%Y") in html
    assert NO_MEMBER not in html


def test_a_non_member_with_the_number_gets_the_same_answer_as_an_unknown_number(
    council_client, council, organisation, course
):
    member_in_state(organisation, course, "valid", certificate_name="Elsewhere Eve", licence_number="PH7777")
    not_member = lookup(council_client, council, "PH7777").content.decode()
    unknown = lookup(council_client, council, "ZZ0000").content.decode()
    assert NO_MEMBER in not_member and NO_MEMBER in unknown
    assert "Elsewhere Eve" not in not_member
    assert _comparable(not_member, "PH7777") == _comparable(unknown, "ZZ0000")


def _comparable(html: str, number: str) -> str:
    """The page without the echoed number and the per-request CSRF token (in the log-out form)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.replace(number, ""))


def test_invited_people_and_blank_numbers_never_match(council, course):
    MembershipFactory(organisation=council, user__licence_number="")
    assert selectors.member_lookup_by_licence(organisation=council, number="") == []
    assert selectors.member_lookup_by_licence(organisation=council, number=" - ") == []


def test_the_form_needs_a_number(council_client, council):
    response = lookup(council_client, council, "")
    assert response.status_code == 400
    assert "Enter a licence or badge number." in response.content.decode()


def test_only_licensing_authorities_have_a_look_up(manager_client, organisation):
    assert manager_client.get(reverse("organisations:lookup", args=[organisation.pk])).status_code == 404
