"""Member statuses computed in SQL: every state, the 90-day boundary, filters, search, counts, and the query
count of a page with 500 members."""

import datetime as dt

import pytest

from organisations import selectors
from organisations.models import Organisation
from organisations.selectors import Status
from tests.courses.factories import EnrolmentFactory

from .factories import MembershipFactory, OrganisationFactory
from .helpers import STATES, bulk_members, member_in_state

pytestmark = pytest.mark.django_db


def _statuses(organisation, **filters) -> dict[str, str]:
    return {m.email: m.status for m in selectors.member_list(organisation=organisation, **filters)}


def test_each_member_gets_the_status_of_their_training(organisation, course):
    members = {state: member_in_state(organisation, course, state) for state in STATES}
    statuses = _statuses(organisation)
    assert {state: statuses[m.email] for state, m in members.items()} == {state: state for state in STATES}


def test_in_progress_shows_the_percentage_of_units_done(organisation, course):
    member = member_in_state(organisation, course, "in_progress")
    row = selectors.member_list(organisation=organisation).get(pk=member.pk)
    assert (row.units_done, row.units_total, row.progress_percent) == (1, 2, 50)
    assert row.pathway_title == "Foster carers"


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (-1, Status.EXPIRED),
        (0, Status.EXPIRING),  # still valid on its last day
        (89, Status.EXPIRING),
        (90, Status.EXPIRING),
        (91, Status.VALID),
    ],
)
def test_expiring_means_within_90_days(organisation, course, today, days_left, expected):
    member = member_in_state(organisation, course, "valid", expires_in=days_left)
    assert _statuses(organisation, today=today)[member.email] == expected


def test_the_latest_certificate_counts_so_a_renewal_makes_an_expired_member_valid(
    organisation, course, today
):
    member = member_in_state(organisation, course, "expired")
    renewal = EnrolmentFactory(
        learner=member.user, pathway=course.pathway, completed_at=member.joined_at, content_version=2
    )
    from tests.certificates.factories import CertificateFactory

    CertificateFactory(
        enrolment=renewal, status="issued", issued_on=today, expires_on=today + dt.timedelta(days=1000)
    )
    assert _statuses(organisation)[member.email] == Status.VALID


def test_filter_by_status_and_pathway_and_search(organisation, course):
    valid = member_in_state(organisation, course, "valid", certificate_name="Ann Valid")
    member_in_state(organisation, course, "expired", certificate_name="Bob Expired")
    member_in_state(organisation, course, "not_started", certificate_name="Cat Waiting")
    taxi = member_in_state(organisation, course, "in_progress", certificate_name="Dan Driver")
    taxi.user.enrolments.update(pathway=course.taxi)

    assert list(_statuses(organisation, status=Status.VALID)) == [valid.email]
    assert list(_statuses(organisation, pathway_id=course.taxi.pk)) == [taxi.email]
    assert list(_statuses(organisation, search="valid ann")) == []  # a substring, not any word
    assert list(_statuses(organisation, search="ANN V")) == [valid.email]
    assert list(_statuses(organisation, search=taxi.email.upper())) == [taxi.email]
    assert _statuses(organisation, status=Status.REVOKED) == {}


def test_invited_people_are_found_by_email_and_by_the_pathway_they_were_invited_to(
    organisation, course, manager
):
    from organisations import services

    services.invitations_create_for_emails(
        organisation=organisation, text="new.carer@example.com", created_by=manager, pathway=course.taxi
    )
    assert _statuses(organisation, pathway_id=course.taxi.pk) == {"new.carer@example.com": Status.INVITED}
    assert _statuses(organisation, search="new.carer") == {"new.carer@example.com": Status.INVITED}


def test_search_by_licence_number_only_for_licensing_authorities(organisation, course):
    council = OrganisationFactory(kind=Organisation.Kind.LICENSING)
    driver = MembershipFactory(organisation=council, user__licence_number="PH1234")
    MembershipFactory(organisation=organisation, user=driver.user)
    assert list(_statuses(council, search="ph 1234")) == [driver.email]
    assert list(_statuses(organisation, search="ph 1234")) == []


def test_members_of_other_organisations_never_appear(organisation, other_organisation, course):
    mine = member_in_state(organisation, course, "valid")
    member_in_state(other_organisation, course, "valid")
    assert list(_statuses(organisation)) == [mine.email]


def test_status_counts_in_one_query(organisation, course, django_assert_num_queries):
    bulk_members(organisation, course, 16)
    with django_assert_num_queries(1):
        counts = selectors.member_status_counts(organisation=organisation)
    assert counts == {state: 2 for state in STATES}


def _page_queries(organisation) -> tuple[int, int]:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page = Paginator(selectors.member_list(organisation=organisation), 50).get_page(1)
        rows = [(m.user.certificate_name if m.user else m.email, m.status, m.pathway_title) for m in page]
    return len(captured), len(rows)


def test_a_page_costs_the_same_queries_with_500_members_as_with_5(organisation, other_organisation, course):
    bulk_members(organisation, course, 500, prefix="big")
    bulk_members(other_organisation, course, 5, prefix="small")
    big_queries, big_rows = _page_queries(organisation)
    small_queries, small_rows = _page_queries(other_organisation)
    assert (big_rows, small_rows) == (50, 5)
    assert big_queries == small_queries == 2  # the count and the page
