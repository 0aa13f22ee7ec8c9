"""Course versions: versions.yaml, material changes need a major release (checked against the loaded
content, with file and line), the releases recorded, and refreshers built from the changed units."""

from __future__ import annotations

import datetime as dt
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from courses import services
from courses.loading import ContentError, load_courses
from courses.loading.versions import MATERIAL_FORMAT
from courses.models import ContactBlock, Course, CourseRelease, Enrolment, Pathway, Unit, UnitProgress
from courses.selectors import units_changed_since
from courses.signals import course_released
from tests.courses.content_edits import edit, release
from tests.elearning.factories import UserFactory

UNIT2 = "content/sample-course/units/02-pass-it-on.yaml"
VERSIONS = "content/sample-course/versions.yaml"
# 01632 960xxx is Ofcom's range reserved for drama: a number that can never reach anyone.
FICTIONAL = "01632 960001"

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(db):
    """Every course_released signal sent, as (slug, major)."""
    sent: list[tuple[str, int]] = []

    def listener(sender, course, major, **kwargs):
        sent.append((course.slug, major))

    course_released.connect(listener, dispatch_uid="test-versions")
    yield sent
    course_released.disconnect(dispatch_uid="test-versions")


def _change_the_hub_number(course_dir):
    edit(course_dir / "units/02-pass-it-on.yaml", 'number: "02920 536490"', f'number: "{FICTIONAL}"')


def test_a_first_load_records_version_one_its_date_and_the_material_of_each_unit(content_root):
    load_courses(content_root)

    course = Course.objects.get()
    assert course.version_label == "1.0"
    first = CourseRelease.objects.get(course=course)
    assert (first.major, first.released_on, first.what_changed) == (1, dt.date(2026, 11, 1), "First release.")
    assert "route: Multi-Agency Safeguarding Hub, 02920536490" in first.material["pass-it-on"]
    assert "phone number 116000" in first.material["pass-it-on"]
    assert any(item.startswith("sign: ") for item in first.material["signs"])


def test_a_phone_number_change_without_a_major_release_is_refused_with_file_and_line(
    content_root, course_dir, released
):
    load_courses(content_root)
    _change_the_hub_number(course_dir)
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("load_courses", "--path", str(content_root), stdout=StringIO(), stderr=err)

    message = err.getvalue()
    assert message.startswith(
        f"{UNIT2}: blocks[1] (line 11): a material change needs a major version: added phone number "
        "01632960001; added route: Multi-Agency Safeguarding Hub, 01632960001; removed phone number "
        "02920536490; removed route: Multi-Agency Safeguarding Hub, 02920536490. The loaded version is 1.0: "
        f'declare version "2.0" in {VERSIONS} with a release for major 2'
    ), message
    # Nothing changed: the old number is still what learners read.
    assert ContactBlock.objects.filter(number="02920 536490").exists()
    assert Course.objects.get().version_label == "1.0"
    assert released == []


def test_a_minor_bump_does_not_make_a_number_change_acceptable(content_root, course_dir):
    load_courses(content_root)
    _change_the_hub_number(course_dir)
    release(course_dir, "1.1")

    with pytest.raises(ContentError, match="a material change needs a major version"):
        load_courses(content_root)


def test_a_wording_fix_is_a_minor_change_and_sends_nothing(content_root, course_dir, released):
    load_courses(content_root)
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary of things", "Keep a diary of the things")
    release(course_dir, "1.1")

    (result,) = load_courses(content_root)

    course = Course.objects.get()
    assert (result.action, course.version_label, course.version) == ("updated", "1.1", 2)
    assert released == []
    assert list(CourseRelease.objects.values_list("major", flat=True)) == [1]


def test_a_major_bump_needs_a_what_changed_text(content_root, course_dir):
    load_courses(content_root)
    _change_the_hub_number(course_dir)
    release(course_dir, "2.0", what_changed="")

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    assert caught.value.errors == [f"{VERSIONS}: releases[1].what_changed (line 6): missing field"]


def test_a_major_release_records_its_note_date_and_changed_units_and_is_announced(
    content_root, course_dir, released
):
    load_courses(content_root)
    _change_the_hub_number(course_dir)
    release(course_dir, "2.0", what_changed="The Hub has a new number.")

    load_courses(content_root)

    course = Course.objects.get()
    assert course.version_label == "2.0"
    second = CourseRelease.objects.get(course=course, major=2)
    assert (second.released_on, second.what_changed, second.changed_units) == (
        dt.date(2027, 3, 1),
        "The Hub has a new number.",
        ["pass-it-on"],
    )
    assert released == [("sample-course", 2)]
    assert [u.slug for u in units_changed_since(course=course, major=1)] == ["pass-it-on"]
    # Loading the same files again announces nothing more.
    load_courses(content_root)
    assert released == [("sample-course", 2)]


def test_a_major_release_that_changes_no_material_content_must_name_its_units(content_root, course_dir):
    load_courses(content_root)
    release(course_dir, "2.0", what_changed="Clearer wording.")

    with pytest.raises(ContentError, match="changes no unit's material content"):
        load_courses(content_root)

    release(course_dir, "2.0", what_changed="The next steps are explained again.", units=["next-steps"])
    load_courses(content_root)
    assert CourseRelease.objects.get(major=2).changed_units == ["next-steps"]


def test_a_version_cannot_go_down(content_root, course_dir):
    release(course_dir, "1.2")
    load_courses(content_root)
    release(course_dir, "1.1")
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary of things", "Keep a diary of the things")

    with pytest.raises(ContentError, match=r"1\.1 is older than the loaded version 1\.2"):
        load_courses(content_root)


def test_a_block_marked_material_needs_a_major_release_for_any_change(content_root, course_dir):
    unit = course_dir / "units/02-pass-it-on.yaml"
    edit(
        unit,
        "  - type: text\n    body: Keep a diary",
        "  - type: text\n    material: true\n    body: Keep a diary",
    )
    load_courses(content_root)
    edit(unit, "Keep a diary of things", "Keep a diary of the things")

    with pytest.raises(ContentError, match="a material change needs a major version"):
        load_courses(content_root)


def test_content_loaded_before_versions_is_compared_with_its_rows(content_root, course_dir):
    """After the upgrade migration the loaded release has no recorded material: the rows are the record."""
    load_courses(content_root)
    migration = importlib.import_module("courses.migrations.0003_versions_and_refreshers")
    CourseRelease.objects.all().delete()
    migration.existing_courses_are_version_one(apps, None)
    assert CourseRelease.objects.get().material is None
    _change_the_hub_number(course_dir)

    with pytest.raises(ContentError, match="removed route: Multi-Agency Safeguarding Hub, 02920536490"):
        load_courses(content_root)

    edit(course_dir / "units/02-pass-it-on.yaml", f'number: "{FICTIONAL}"', 'number: "02920 536490"')
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary of things", "Keep a diary of the things")
    load_courses(content_root)
    assert CourseRelease.objects.get().material is not None


# Refreshers -------------------------------------------------------------------------------------------


def test_a_refresher_carries_over_the_unchanged_units_and_needs_only_the_changed_ones(
    content_root, course_dir, user
):
    load_courses(content_root)
    _change_the_hub_number(course_dir)
    release(course_dir, "2.0", what_changed="The Hub has a new number.")
    load_courses(content_root)
    pathway = Pathway.objects.get(slug="taxi-drivers")

    refresher = services.enrolment_create_refresher(
        learner=user, pathway=pathway, refreshes=None, from_major=1
    )

    carried = set(
        UnitProgress.objects.filter(enrolment=refresher, carried_over=True).values_list(
            "unit__slug", flat=True
        )
    )
    assert carried == {"signs", "next-steps"}
    assert services.enrolment_completion_blockers(enrolment=refresher) == [
        "1 unit(s) are not complete.",
        "1 unit quiz(zes) have not been passed.",
    ]
    again = services.enrolment_create_refresher(learner=user, pathway=pathway, refreshes=None, from_major=1)
    assert again.pk == refresher.pk and Enrolment.objects.count() == 1
    assert Unit.objects.count() == 3


def test_a_record_made_by_another_format_is_not_compared_the_rows_are(content_root, course_dir):
    load_courses(content_root)
    assert CourseRelease.objects.get().material_format == MATERIAL_FORMAT
    CourseRelease.objects.update(material={"pass-it-on": ["an item in an old format"]}, material_format=0)
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary of things", "Keep a diary of the things")

    load_courses(content_root)  # a wording fix: the rows agree with the files on every material item

    assert CourseRelease.objects.get().material_format == MATERIAL_FORMAT


def test_a_new_unit_in_a_major_release_is_a_changed_unit_even_without_numbers(content_root, course_dir):
    """A brand-new prose unit has no material items, but holders were never taught it (review 26 item 3)."""
    load_courses(content_root)
    _change_the_hub_number(course_dir)
    (course_dir / "units/04-more.yaml").write_text(
        "slug: more\ntitle: More about support\nminutes: 2\noutcomes: [know where support is]\n"
        "blocks:\n  - type: text\n    body: Support is there for you.\n",
        encoding="utf-8",
    )
    release(course_dir, "2.0", what_changed="The Hub has a new number; a unit on support.")

    load_courses(content_root)

    assert CourseRelease.objects.get(major=2).changed_units == ["pass-it-on", "more"]


def test_a_major_release_reopens_its_changed_units_in_open_enrolments(content_root, course_dir, user):
    """Done before the release is not done on the new facts (review 26 item 1): the changed units are to
    do again in every open enrolment; other units and completed enrolments keep theirs."""
    load_courses(content_root)
    pathway = Pathway.objects.get(slug="taxi-drivers")
    learner = services.enrolment_create(learner=user, pathway=pathway)
    for slug in ("signs", "pass-it-on"):
        services.unit_complete(enrolment=learner, unit=Unit.objects.get(slug=slug))
    completed = services.enrolment_create(learner=UserFactory(), pathway=pathway)
    Enrolment.objects.filter(pk=completed.pk).update(completed_at=dt.datetime.now(dt.UTC))
    UnitProgress.objects.create(
        enrolment=completed, unit=Unit.objects.get(slug="pass-it-on"), completed_at=dt.datetime.now(dt.UTC)
    )
    _change_the_hub_number(course_dir)
    release(course_dir, "2.0", what_changed="The Hub has a new number.")

    load_courses(content_root)

    assert set(learner.unit_progress.values_list("unit__slug", flat=True)) == {"signs"}
    assert completed.unit_progress.count() == 1
    assert services.enrolment_completion_blockers(enrolment=learner)[0] == "2 unit(s) are not complete."


def test_a_later_major_release_reopens_a_unit_an_open_refresher_carried_over(content_root, course_dir, user):
    load_courses(content_root)
    _change_the_hub_number(course_dir)
    release(course_dir, "2.0", what_changed="The Hub has a new number.")
    load_courses(content_root)
    refresher = services.enrolment_create_refresher(
        learner=user, pathway=Pathway.objects.get(slug="taxi-drivers"), refreshes=None, from_major=1
    )
    edit(course_dir / "units/01-signs.yaml", "and no one knows where", "and nobody knows where")
    release(course_dir, "3.0", what_changed="A sign is worded as in the guide.")

    load_courses(content_root)

    carried = refresher.unit_progress.filter(carried_over=True).values_list("unit__slug", flat=True)
    assert set(carried) == {"next-steps"}


DIARY = "Keep a diary of things that concern you."
NUMBERS_IN_PROSE = {
    # (file, the text as first loaded, the text changed)
    "hyphens": (UNIT2, DIARY, f"{DIARY} Call 0292-053-6490.", f"{DIARY} Call 0292-053-6491."),
    "dots": (UNIT2, DIARY, f"{DIARY} Call 0292.053.6490.", f"{DIARY} Call 0292.053.6491."),
    "slash": (UNIT2, DIARY, f"{DIARY} Call 999/101.", f"{DIARY} Call 999/111."),
    "comma": (UNIT2, DIARY, f"{DIARY} Call 101,999.", f"{DIARY} Call 101,998."),
    "tel-target": (
        UNIT2,
        DIARY,
        f"{DIARY} Call [02920 536490](tel:02920536490).",
        f"{DIARY} Call [02920 536490](tel:01632960001).",
    ),
    "heading": (UNIT2, "heading: What to write down", "heading: Call 101", "heading: Call 111"),
    "unit-title": (UNIT2, "title: Pass it on", "title: Pass it on to 101", "title: Pass it on to 111"),
    "course-summary": (
        "content/sample-course/course.yaml",
        "used by the automated tests.",
        "used by the automated tests. Call 101.",
        "used by the automated tests. Call 111.",
    ),
}


@pytest.mark.parametrize("case", NUMBERS_IN_PROSE, ids=list(NUMBERS_IN_PROSE))
def test_a_changed_number_anywhere_in_the_text_needs_a_major_release(content_root, case):
    """Review 26 item 4: numbers split by hyphens, dots, slashes or commas, tel: targets, headings, titles
    and the course summary are material too."""
    relative, anchor, first, changed = NUMBERS_IN_PROSE[case]
    path = content_root.parent / relative
    edit(path, anchor, first)
    load_courses(content_root)
    edit(path, first, changed)

    with pytest.raises(ContentError, match="a material change needs a major version"):
        load_courses(content_root)


def test_a_number_changed_in_a_quiz_file_needs_a_major_release_and_names_the_quiz(content_root, course_dir):
    """Review 26 item 5: quiz feedback teaches routes ("101 is not for immediate danger")."""
    load_courses(content_root)
    edit(course_dir / "quizzes/02-pass-it-on.yaml", "feedback: 101 is not", "feedback: 111 is not")

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    (message,) = caught.value.errors
    assert message.startswith(
        "content/sample-course/quizzes/02-pass-it-on.yaml: question 'danger': a material change needs a "
        "major version: added phone number 111."  # 101 is still named elsewhere in the unit
    ), message
    release(course_dir, "2.0", what_changed="The feedback names 111.")
    load_courses(content_root)
    assert CourseRelease.objects.get(major=2).changed_units == ["pass-it-on"]
