"""Query pins for the managers' dashboard and CSV (issue 20): the same number of queries with 8, 80 or 240
members, filtered by status or pathway or not — the statuses come from one grouped query, never a query (or
a subquery per row read back) per member."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import Membership
from tests.two_factor import login_verified

from .factories import MembershipFactory, OrganisationFactory
from .helpers import bulk_members

pytestmark = pytest.mark.django_db

SIZES = (8, 80, 240)
# user, organisation, page count, status counts, pathways in the filter's choices, page rows
DASHBOARD_QUERIES = 6
CSV_QUERIES = 3  # user, organisation, the rows


@pytest.fixture
def organisations(client, manager, course):
    """An organisation per size, each with the manager and `size` members in every state."""
    made = {}
    for size in SIZES:
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, user=manager, role=Membership.Role.MANAGER)
        bulk_members(organisation, course, size, prefix=f"pin{size}")
        made[size] = organisation
    login_verified(client, manager)
    client.get(reverse("organisations:dashboard", args=[made[SIZES[0]].pk]))  # first-request caches warmed
    return made


def _queries(client, url: str, query: dict, *, stream: bool = False) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        assert response.status_code == 200
        rows = b"".join(response.streaming_content).count(b"\n") if stream else len(response.context["page"])
    return len(captured), rows


@pytest.mark.parametrize("query", [{}, {"status": "expired"}, {"pathway": "PATHWAY"}, {"q": "learner"}])
def test_dashboard_queries_are_pinned_whatever_the_number_of_members(client, organisations, course, query):
    query = {k: (course.pathway.pk if v == "PATHWAY" else v) for k, v in query.items()}
    found = {}
    for size, organisation in organisations.items():
        url = reverse("organisations:dashboard", args=[organisation.pk])
        found[size] = _queries(client, url, query)
    expected = DASHBOARD_QUERIES + ("pathway" in query)  # the form looks the chosen pathway up
    assert {count for count, _ in found.values()} == {expected}, found
    assert found[240][1] > found[8][1]  # more members really were listed


@pytest.mark.parametrize("query", [{}, {"status": "valid"}, {"pathway": "PATHWAY"}])
def test_csv_queries_are_pinned_whatever_the_number_of_members(client, organisations, course, query):
    query = {k: (course.pathway.pk if v == "PATHWAY" else v) for k, v in query.items()}
    found = {}
    for size, organisation in organisations.items():
        url = reverse("organisations:export_csv", args=[organisation.pk])
        found[size] = _queries(client, url, query, stream=True)
    expected = CSV_QUERIES + ("pathway" in query)
    assert {count for count, _ in found.values()} == {expected}, found
    assert found[240][1] > found[80][1] > found[8][1]
