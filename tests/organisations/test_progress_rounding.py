"""One rounding rule for "% done" (courses.progress): the learner's page, the dashboard and the CSV agree,
and a completed enrolment is 100."""

import pytest
from django.db.models import DateTimeField, Value
from django.template import Context, Template
from django.urls import reverse

from accounts.models import User
from courses.progress import percent_done, percent_done_sql

from .helpers import member_in_state
from .test_dashboard import csv_url, read_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("done", "total", "shown"), [(2, 7, 29), (1, 8, 13), (1, 3, 33), (2, 3, 67), (0, 7, 0)]
)
def test_nearest_whole_number_halves_up(done, total, shown):
    assert percent_done(done, total) == shown
    assert percent_done(done, total, completed=True) == 100


def test_sql_and_python_agree_for_every_count():
    User.objects.create(email="x@example.com", certificate_name="X")
    for total in range(0, 13):
        for done in range(0, total + 1):
            value = (
                User.objects.alias(d=Value(done), t=Value(total), c=Value(None, output_field=DateTimeField()))
                .annotate(p=percent_done_sql("d", "t", "c"))
                .values_list("p", flat=True)
                .get()
            )
            assert value == percent_done(done, total), (done, total)


def test_the_learner_page_filter_uses_the_rule():
    html = Template("{% load courses_tags %}{{ 2|percent:7 }}").render(Context())
    assert html == "29"


def test_dashboard_and_csv_show_the_learners_figure_and_100_when_complete(
    manager_client, organisation, course
):
    member_in_state(organisation, course, "in_progress", certificate_name="Ben Busy")
    member_in_state(organisation, course, "valid", certificate_name="Ann Valid")
    member_in_state(organisation, course, "revoked", certificate_name="Rob Revoked")
    units = len(course.units)
    expected = percent_done(1, units)
    rows = {row["Name"]: row for row in read_csv(manager_client.get(csv_url(organisation)))}
    assert rows["Ben Busy"]["Progress %"] == str(expected)
    assert rows["Ann Valid"]["Progress %"] == "100"
    assert rows["Rob Revoked"]["Progress %"] == "100"
    html = manager_client.get(reverse("organisations:dashboard", args=[organisation.pk])).content.decode()
    assert f"{expected}% done" in html
