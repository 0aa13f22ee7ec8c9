"""Dashboard search ignores accents and case on name and email, and finds licence numbers by their start,
the same on PostgreSQL and SQLite (the database's cse_fold() against accounts.search.fold)."""

import pytest
from django.db.models import Value

from accounts.models import User
from accounts.search import Fold, fold
from organisations import selectors
from organisations.models import Organisation

from .factories import MembershipFactory, OrganisationFactory
from .helpers import member_in_state

pytestmark = pytest.mark.django_db

NAMES = ["Siân Ó Súilleabháin", "ŴYN ẄÏLLÏÄMS", "Łukasz Żółć", "Søren Straße", "Zoë Ångström", "Nguyễn Thị"]


def _found(organisation, search: str) -> list[str]:
    return [m.email for m in selectors.member_list(organisation=organisation, search=search)]


@pytest.mark.parametrize("name", NAMES)
def test_the_database_folds_as_python_does(name):
    User.objects.create(email="x@example.com", certificate_name=name)
    folded = User.objects.annotate(f=Fold("certificate_name"), t=Fold(Value(name))).values_list("f", "t")
    assert list(folded) == [(fold(name), fold(name))]
    assert fold(name).isascii()


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("sian", True),
        ("SIAN", True),
        ("Siân", True),
        ("suilleabhain", True),
        ("o súil", True),
        ("sean", False),
    ],
)
def test_names_are_found_whatever_the_accents_and_case(organisation, course, typed, finds):
    sian = member_in_state(organisation, course, "valid", certificate_name="Siân Ó Súilleabháin")
    member_in_state(organisation, course, "valid", certificate_name="Bob Jones")
    assert _found(organisation, typed) == ([sian.email] if finds else [])


def test_emails_are_found_whatever_the_case(organisation, course, manager):
    from organisations import services

    services.invitations_create_for_emails(
        organisation=organisation, text="Zoe.Carer@Example.com", created_by=manager
    )
    assert _found(organisation, "ZOË.carer") == ["zoe.carer@example.com"]
    assert _found(organisation, "CARER@EXAMPLE.COM") == ["zoe.carer@example.com"]


def test_a_partial_licence_number_finds_its_holders_in_a_licensing_authority(organisation):
    council = OrganisationFactory(kind=Organisation.Kind.LICENSING)
    driver = MembershipFactory(organisation=council, user__licence_number="PH1234")
    MembershipFactory(organisation=council, user__licence_number="HC9999")
    MembershipFactory(organisation=organisation, user=driver.user)
    assert _found(council, "ph 12") == [driver.email]
    assert _found(council, "ph-1234") == [driver.email]
    assert _found(council, "1234") == []  # the start of the number, not any part of it
    assert _found(organisation, "ph12") == []  # other organisations never search licence numbers
