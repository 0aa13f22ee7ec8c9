"""Every statistic against values worked out by hand on the seeded data set (tests/analysis/seed.py)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analysis import report, stats
from analysis.report import TOTAL
from tests.analysis.seed import seed_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return seed_world()


def _build(world, **kwargs):
    return report.build(stats.Scope(course=world["course"], **kwargs))


def _item(rep, key):
    return next(row for row in rep.items if row.question.key == key)


def test_facility_discrimination_options_and_flags(world):
    pa, pb, pc = world["pathways"]
    rep = _build(world)
    q1 = _item(rep, "q1").cells[pc.pk]
    assert (q1.learners, q1.n, q1.hidden) == (20, 20, False)
    assert q1.facility == pytest.approx(0.75)
    # n=20, Σx=15, Σy=30, Σxy=20, Σx²=15, Σy²=60: (400-450)/√(75·300) = -1/3
    assert q1.discrimination == pytest.approx(-1 / 3)
    assert [(c.key, rate) for c, rate in q1.options] == [("a", 0.75), ("b", 0.25), ("c", 0.0)]
    assert q1.flags == ["a distractor nobody picks", "negative discrimination"]
    q2 = _item(rep, "q2").cells[pc.pk]
    # Σx=15, Σy=30, Σxy=25, Σx²=15, Σy²=50: (500-450)/√(75·100) = 1/√3
    assert q2.discrimination == pytest.approx(1 / math.sqrt(3))
    assert q2.flags == ["a distractor nobody picks"]
    total = _item(rep, "q1").cells[TOTAL]
    assert (total.learners, total.n) == (37, 37)
    assert total.facility == pytest.approx(32 / 37)
    # n=37, Σx=32, Σy=64, Σxy=54, Σx²=32, Σy²=128: (1998-2048)/√(160·640) = -0.15625
    assert total.discrimination == pytest.approx(-0.15625)
    q5 = _item(rep, "q5").cells[pc.pk]
    assert (q5.learners, q5.facility, q5.discrimination) == (10, pytest.approx(0.2), None)
    assert "everyone fails it" in q5.flags


def test_nobody_fails_it_flag_on_an_unsuppressed_cell(world):
    """Audience A answers everything right: flagged (the flag is computed, though the cell is hidden here)."""
    pa, _, _ = world["pathways"]
    cell = _item(_build(world), "q1").cells[pa.pk]
    assert cell.facility == 1.0 and "nobody fails it" in cell.flags and cell.discrimination is None


def test_primary_and_secondary_suppression(world):
    pa, pb, pc = world["pathways"]
    rep = _build(world)
    row = _item(rep, "q1").cells
    assert row[pb.pk].hidden  # 5 learners: primary
    # A (12) is the next smallest cell of the row: hidden so total − C cannot give B.
    assert row[pa.pk].hidden
    assert not row[pc.pk].hidden and not row[TOTAL].hidden
    # Narrowing to audience A keeps the cell hidden: suppression is decided on the whole table.
    only_a = report.build(stats.Scope(course=world["course"]), pathway_id=pa.pk)
    assert [p.pk for p in only_a.pathways] == [pa.pk]
    assert _item(only_a, "q1").cells[pa.pk].hidden


def test_unit_statistics(world):
    pa, pb, pc = world["pathways"]
    unit, unit2 = world["units"]
    rep = _build(world)
    rows = {row.unit.pk: row.cells for row in rep.units}
    c = rows[unit.pk][pc.pk]
    assert (c.learners, c.first_pass_rate, c.median_tries, c.median_seconds) == (20, 0.5, 1.5, 690)
    assert rows[unit.pk][pb.pk].hidden and rows[unit.pk][pa.pk].hidden
    assert rows[unit.pk][TOTAL].first_pass_rate == pytest.approx(27 / 37)
    c2 = rows[unit2.pk][pc.pk]
    assert (c2.learners, c2.first_pass_rate, c2.median_tries, c2.median_seconds) == (10, 0.2, 1, 60)
    assert rows[unit2.pk][pa.pk].empty and not rows[unit2.pk][pc.pk].hidden


def test_topics_and_least_recognised_sign(world):
    pa, pb, pc = world["pathways"]
    rep = _build(world)
    tags = {row.tag.name: row.cells for row in rep.tags}
    missing = tags["sign:missing"][pc.pk]
    assert (missing.learners, missing.n, missing.facility) == (20, 30, pytest.approx(17 / 30))
    assert tags["sign:older"][pc.pk].facility == pytest.approx(0.75)
    # A's topic cells would repeat the question cells hidden to protect B.
    assert tags["sign:missing"][pa.pk].hidden and tags["sign:older"][pb.pk].hidden
    least = rep.least_recognised()
    assert [(p.pk, row.tag.name) for p, row, _ in least] == [(pc.pk, "sign:missing")]


def test_all_attempts_and_date_range(world):
    _, _, pc = world["pathways"]
    every = _item(_build(world, all_attempts=True), "q1").cells[pc.pk]
    assert (every.learners, every.n, every.facility) == (20, 35, pytest.approx(5 / 7))
    later = _build(world, since=dt.date(2026, 11, 11))
    assert _item(later, "q1").cells[pc.pk].empty  # every first attempt was on the 10th
    later_all = _item(_build(world, since=dt.date(2026, 11, 11), all_attempts=True), "q1").cells[pc.pk]
    assert (later_all.learners, later_all.n, later_all.facility) == (10, 15, pytest.approx(2 / 3))
    until = _item(_build(world, until=dt.date(2026, 11, 10), all_attempts=True), "q1").cells[pc.pk]
    assert until.n == 20


def test_version_filter(world):
    _, _, pc = world["pathways"]
    assert _item(_build(world, version_major=1), "q1").cells[pc.pk].n == 20
    assert _item(_build(world, version_major=2), "q1").cells[pc.pk].empty


def test_organisation_scope(world):
    from organisations.models import Membership
    from tests.organisations.factories import MembershipFactory, OrganisationFactory

    _, _, pc = world["pathways"]
    organisation = OrganisationFactory()
    for enrolment in world["groups"][2][:12]:  # g1 (10, right) and two of g2 (right on q1)
        MembershipFactory(organisation=organisation, user=enrolment.learner)
    ids = Membership.objects.filter(organisation=organisation).values("user_id")
    cell = _item(_build(world, learner_ids=ids), "q1").cells[pc.pk]
    assert (cell.learners, cell.facility) == (12, 1.0)
