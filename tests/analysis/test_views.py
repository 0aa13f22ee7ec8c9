"""The report pages and CSVs: who may see them, what they show, that no learner is in them, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analysis.models import Commissioner
from organisations.models import Membership
from tests.analysis.seed import seed_world
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import give_totp, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = seed_world()
    organisation = OrganisationFactory(name="Fostering South")
    for enrolment in w["groups"][2][:12]:
        MembershipFactory(organisation=organisation, user=enrolment.learner)
    w["manager"] = UserFactory()
    MembershipFactory(organisation=organisation, user=w["manager"], role=Membership.Role.MANAGER)
    w["organisation"] = organisation
    board = OrganisationFactory(name="Safeguarding board")
    Commissioner.objects.create(organisation=board)
    w["commissioner"] = UserFactory()
    MembershipFactory(organisation=board, user=w["commissioner"], role=Membership.Role.MANAGER)
    w["board"] = board
    w["staff"] = UserFactory(is_staff=True)
    w["other_manager"] = UserFactory()
    MembershipFactory(
        organisation=OrganisationFactory(), user=w["other_manager"], role=Membership.Role.MANAGER
    )
    return w


def _get(client, user, url, **params):
    client.logout()
    if user is not None:
        login_verified(client, user)  # staff and managers pass the second step
    return client.get(url, params)


def test_staff_report_shows_statistics_and_suppression(client, world):
    response = _get(client, world["staff"], reverse("analysis:staff"), course=world["course"].pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "fewer than 10" in html
    assert "20 learners · 75% right" in html
    assert "The sign least recognised by audience c: “You don&#x27;t know where your child is”" in html
    assert "<svg" in html and 'role="img"' in html
    for enrolment in world["groups"][2]:
        assert enrolment.learner.email not in html
        assert enrolment.learner.certificate_name not in html


def test_csv_has_no_learner_and_suppresses(client, world):
    response = _get(client, world["staff"], reverse("analysis:staff_csv"), course=world["course"].pk)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    lines = [line for line in text.splitlines() if line.startswith("item,Unit one,q1,")]
    assert any("Audience B,fewer than 10,fewer than 10" in line for line in lines)
    assert any("Audience A,fewer than 10" in line for line in lines)  # the secondary cell
    assert any("Audience C,20,20,75.0,-0.333" in line for line in lines)
    for group in world["groups"]:
        for enrolment in group:
            assert enrolment.learner.email not in text
            assert enrolment.learner.certificate_name not in text


def test_bad_filters_are_a_clear_400(client, world):
    url = reverse("analysis:staff")
    response = _get(
        client, world["staff"], url, course=world["course"].pk, since="2026-12-01", until="2026-01-01"
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    assert _get(client, world["staff"], url, course="999999").status_code == 400
    assert _get(client, world["staff"], url, course="x", since="yesterday").status_code == 400
    bad_csv = _get(client, world["staff"], reverse("analysis:staff_csv"), course="nope")
    assert bad_csv.status_code == 400


def test_manager_sees_only_their_members(client, world):
    organisation = world["organisation"]
    url = reverse("analysis:organisation", args=[organisation.pk])
    response = _get(client, world["manager"], url, course=world["course"].pk)
    assert response.status_code == 200
    assert "12 learners · 100% right" in response.content.decode()
    csv_url = reverse("analysis:organisation_csv", args=[organisation.pk])
    assert _get(client, world["manager"], csv_url, course=world["course"].pk).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "learner", "other_manager", "commissioner"])
def test_others_are_denied_an_organisations_report(client, world, who):
    user = {"anonymous": None, "learner": world["groups"][2][0].learner}.get(who, world.get(who))
    for name in ("analysis:organisation", "analysis:organisation_csv"):
        response = _get(client, user, reverse(name, args=[world["organisation"].pk]))
        assert response.status_code == (302 if user is None else 404)


def test_commissioner_sees_every_organisation_by_audience(client, world):
    url = reverse("analysis:commissioner", args=[world["board"].pk])
    response = _get(client, world["commissioner"], url, course=world["course"].pk)
    assert response.status_code == 200
    assert "20 learners · 75% right" in response.content.decode()
    # A manager of an organisation that does not commission: 404, even for their own organisation.
    own = reverse("analysis:commissioner", args=[world["organisation"].pk])
    assert _get(client, world["manager"], own).status_code == 404
    assert _get(client, world["manager"], url).status_code == 404


@pytest.mark.parametrize("name", ["analysis:staff", "analysis:staff_csv"])
def test_staff_pages_deny_everyone_else(client, world, name):
    url = reverse(name)
    assert _get(client, None, url).status_code == 302
    assert _get(client, world["manager"], url).status_code == 404
    assert _get(client, world["groups"][0][0].learner, url).status_code == 404
    assert _get(client, world["commissioner"], url).status_code == 404


def test_report_query_count_is_pinned(client, world, django_assert_num_queries):
    login_verified(client, world["staff"])
    url = reverse("analysis:staff")
    # session + user, filter form (courses, pathways, releases), content (pathways, questions, choices, tags,
    # units), statistics (items, options, units, tags) and the content types of the option query.
    with django_assert_num_queries(QUERIES):
        assert client.get(url, {"course": world["course"].pk}).status_code == 200


QUERIES = 16


def test_a_built_report_is_reused_and_the_nightly_task_refreshes_it(client, world, django_assert_num_queries):
    from analysis import precompute, stats
    from analysis.tasks import warm_reports_task

    login_verified(client, world["staff"])
    url = reverse("analysis:staff")
    assert client.get(url, {"course": world["course"].pk}).status_code == 200
    # Cached: only the session, the user and the filter form read the database now.
    with django_assert_num_queries(QUERIES - 9):
        response = client.get(url, {"course": world["course"].pk})
    assert "Figures computed" in response.content.decode()
    scope = stats.Scope(course=world["course"])
    before = precompute.report_for(scope).computed_at
    assert warm_reports_task.apply().get() >= 2
    assert precompute.report_for(scope).computed_at > before


@pytest.mark.parametrize("name", ["analysis:staff", "analysis:staff_csv"])
def test_staff_with_only_a_password_are_sent_to_the_second_step(client, world, name):
    client.force_login(world["staff"])  # a password, no second step
    response = client.get(reverse(name), {"course": world["course"].pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    give_totp(world["staff"])  # with an app set up: the code page, then the report
    assert client.get(reverse(name))["Location"].startswith(reverse("accounts:two_factor_verify"))
