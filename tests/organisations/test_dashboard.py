"""The managers' dashboard page (statuses, filters, pagination, query count with 500 members) and the
streamed CSV export (content, filters, formula-safe cells, memory that does not grow with rows)."""

import csv
import io
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import Membership, Organisation
from organisations.spreadsheet import safe_cell
from tests.two_factor import login_verified

from .factories import MembershipFactory, OrganisationFactory
from .helpers import STATES, bulk_members, member_in_state

pytestmark = pytest.mark.django_db


def dashboard(organisation) -> str:
    return reverse("organisations:dashboard", args=[organisation.pk])


def csv_url(organisation) -> str:
    return reverse("organisations:export_csv", args=[organisation.pk])


def test_dashboard_lists_members_with_their_status(manager_client, organisation, course):
    for state in STATES:
        member_in_state(organisation, course, state, certificate_name=f"Person {state}")
    html = manager_client.get(dashboard(organisation)).content.decode()
    for label in ("Invited", "Not started", "In progress", "Certificate valid", "Expiring within 90 days"):
        assert label in html
    assert "50% done" in html
    assert "Person expiring" in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html


def test_dashboard_filters_by_status_and_keeps_filters_across_pages(manager_client, organisation, course):
    bulk_members(organisation, course, 8 * 60)  # 60 of each status
    response = manager_client.get(dashboard(organisation), {"status": "expired"})
    page = response.context["page"]
    assert page.paginator.count == 60 and len(page.object_list) == 50
    assert {m.status for m in page.object_list} == {"expired"}
    html = response.content.decode()
    assert "status=expired&amp;page=2" in html
    page2 = manager_client.get(dashboard(organisation), {"status": "expired", "page": 2}).context["page"]
    assert len(page2.object_list) == 10
    assert not {m.pk for m in page.object_list} & {m.pk for m in page2.object_list}


def test_dashboard_ignores_a_bad_filter_value_rather_than_failing(manager_client, organisation, course):
    member_in_state(organisation, course, "valid")
    response = manager_client.get(
        dashboard(organisation), {"status": "bogus", "pathway": "999999", "page": "x"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2  # manager and member


def test_dashboard_queries_do_not_grow_with_members(client, manager, course):
    big = OrganisationFactory()
    small = OrganisationFactory()
    for organisation in (big, small):
        MembershipFactory(organisation=organisation, user=manager, role=Membership.Role.MANAGER)
    bulk_members(big, course, 500, prefix="big")
    bulk_members(small, course, 5, prefix="small")
    login_verified(client, manager)
    counts = {}
    for name, organisation in (("big", big), ("small", small)):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(dashboard(organisation))
        assert response.status_code == 200
        counts[name] = (len(captured), len(response.context["page"].object_list))
    assert counts["big"][1] == 50 and counts["small"][1] == 6
    assert counts["big"][0] == counts["small"][0]
    # session, user, organisation, status counts, page count, page rows, pathways in the filter
    assert counts["big"][0] <= 8


def test_licence_numbers_show_only_for_licensing_authorities(client, course):
    council = OrganisationFactory(kind=Organisation.Kind.LICENSING)
    boss = MembershipFactory(organisation=council, role=Membership.Role.MANAGER).user
    MembershipFactory(organisation=council, user__licence_number="PH5678")
    login_verified(client, boss)
    assert "PH5678" in client.get(dashboard(council)).content.decode()
    hotel = OrganisationFactory(kind=Organisation.Kind.HOSPITALITY)
    MembershipFactory(organisation=hotel, user=boss, role=Membership.Role.MANAGER)
    MembershipFactory(organisation=hotel, user__licence_number="PH9999")
    assert "PH9999" not in client.get(dashboard(hotel)).content.decode()


# CSV ---------------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_csv_has_a_row_per_member_with_status_and_certificate(manager_client, organisation, course):
    valid = member_in_state(organisation, course, "valid", certificate_name="Ann Valid")
    member_in_state(organisation, course, "in_progress", certificate_name="Ben Busy")
    response = manager_client.get(csv_url(organisation))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = {row["Name"]: row for row in read_csv(response)}
    assert set(rows) == {"Ann Valid", "Ben Busy", "Mona Manager"}
    certificate = valid.user.certificates.get()
    assert rows["Ann Valid"]["Status"] == "Certificate valid"
    assert rows["Ann Valid"]["Certificate code"] == certificate.code
    assert rows["Ann Valid"]["Expires on"] == certificate.expires_on.isoformat()
    assert rows["Ben Busy"]["Progress %"] == "50"
    assert "Licence or badge number" not in rows["Ann Valid"]


def test_csv_uses_the_dashboard_filters(manager_client, organisation, course):
    member_in_state(organisation, course, "valid", certificate_name="Ann Valid")
    member_in_state(organisation, course, "expired", certificate_name="Bob Expired")
    rows = read_csv(manager_client.get(csv_url(organisation), {"status": "expired"}))
    assert [row["Name"] for row in rows] == ["Bob Expired"]


def test_csv_cells_that_look_like_formulas_are_kept_as_text(manager_client, organisation, course):
    member_in_state(organisation, course, "valid", certificate_name='=HYPERLINK("http://evil")')
    rows = read_csv(manager_client.get(csv_url(organisation)))
    assert '\'=HYPERLINK("http://evil")' in [row["Name"] for row in rows]
    assert [safe_cell(v) for v in ("+1", "-2", "@x", "ok", 5)] == ["'+1", "'-2", "'@x", "ok", 5]


def _peak_memory_streaming(client, organisation) -> tuple[int, int]:
    """Stream the whole CSV, keeping only a line count, and return (rows, peak bytes allocated)."""
    response = client.get(csv_url(organisation))
    lines = 0
    tracemalloc.start()
    try:
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines - 1, peak


def test_csv_streams_in_constant_memory(client, manager, course):
    small, large = OrganisationFactory(), OrganisationFactory()
    for organisation in (small, large):
        MembershipFactory(organisation=organisation, user=manager, role=Membership.Role.MANAGER)
    bulk_members(small, course, 1_000, prefix="small")
    bulk_members(large, course, 10_000, prefix="large")
    login_verified(client, manager)
    _peak_memory_streaming(client, small)  # warm caches (templates, SQL compilers) before measuring
    small_rows, small_peak = _peak_memory_streaming(client, small)
    large_rows, large_peak = _peak_memory_streaming(client, large)
    assert (small_rows, large_rows) == (1_001, 10_001)
    # Ten times the rows, about the same memory: one chunk of rows is held at a time.
    assert large_peak < small_peak * 1.5 + 256 * 1024, (small_peak, large_peak)
