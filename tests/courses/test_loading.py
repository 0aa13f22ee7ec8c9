"""courses.loading: the sample loads; loading is idempotent, atomic and in place; bad files are named."""

from __future__ import annotations

import shutil

import pytest

from courses import services
from courses.loading import ContentError, load_courses
from courses.models import (
    Block,
    CalloutBlock,
    ContactBlock,
    Course,
    Enrolment,
    KeyPointsBlock,
    Pathway,
    ReflectionBlock,
    ResourceBlock,
    SignsBlock,
    TextBlock,
    Unit,
    UnitProgress,
)
from tests.courses.content_edits import BAD_FILES, SAMPLE_CONTENT, copy_sample, edit, release


def snapshot() -> dict:
    """Everything the loader writes for courses, with ids, so a no-op load can be told from a rewrite."""
    return {
        "courses": list(Course.objects.values_list("pk", "slug", "version", "content_hash", "updated_at")),
        "pathways": list(Pathway.objects.order_by("pk").values_list("pk", "slug", "title", "order")),
        "units": list(Unit.objects.order_by("pk").values_list("pk", "slug", "order", "title", "minutes")),
        "blocks": list(
            Block.objects.non_polymorphic()
            .order_by("pk")
            .values_list("pk", "unit_id", "order", "heading", "polymorphic_ctype_id")
        ),
        "block_pathways": sorted(Block.pathways.through.objects.values_list("block_id", "pathway_id")),
    }


def block_summary(unit: Unit) -> list[tuple[str, str]]:
    return [(type(b).__name__, b.heading) for b in unit.blocks.order_by("order")]


# Loading the sample ---------------------------------------------------------------------------------


def test_loads_the_sample_course(db):
    results = load_courses(SAMPLE_CONTENT)

    assert [(r.slug, r.action, r.version) for r in results] == [("sample-course", "created", 1)]
    course = Course.objects.get(slug="sample-course")
    assert course.title == "Sample course — spotting and passing on concerns"
    assert (course.cpd_minutes, course.validity_months, course.version) == (30, 36, 1)
    assert "This topic can be distressing" in course.content_note
    assert list(course.pathways.values_list("slug", "order")) == [("taxi-drivers", 0), ("foster-carers", 1)]
    assert course.pathways.get(slug="foster-carers").introduction.startswith("You know the child")
    assert list(course.units.values_list("order", "slug", "minutes")) == [
        (1, "signs", 5),
        (2, "pass-it-on", 5),
        (3, "next-steps", 4),
    ]
    signs, pass_it_on, next_steps = course.units.order_by("order")
    assert signs.outcomes == ["list signs that a child may be at risk", "say what to do when you notice them"]
    assert block_summary(signs) == [
        ("TextBlock", "Children often show rather than tell"),
        ("SignsBlock", ""),
        ("KeyPointsBlock", ""),
        ("CalloutBlock", "In your role: drivers"),
        ("CalloutBlock", "In your role: foster carers"),
        ("ReflectionBlock", ""),
        ("ContactBlock", ""),
    ]
    assert [type(b) for b in pass_it_on.blocks.order_by("order")] == [
        ContactBlock,
        ContactBlock,
        CalloutBlock,
        TextBlock,
        KeyPointsBlock,
        ResourceBlock,
    ]
    assert next_steps.blocks.count() == 6


def test_block_fields_and_pathways_come_from_the_files(db):
    load_courses(SAMPLE_CONTENT)

    signs = SignsBlock.objects.get()
    assert signs.intro == "Some signs from the guide."
    assert signs.signs == [
        "They take taxis and you don't know who is paying",
        "They are missing school and no one knows where they are",
    ]
    assert KeyPointsBlock.objects.get(heading="What to write down").points == [
        "descriptions of people",
        "names or nick names",
        "car registration numbers",
    ]
    mash = ContactBlock.objects.get(who="Multi-Agency Safeguarding Hub")
    assert (mash.number, mash.when) == ("02920 536490", "For advice and information from a social worker.")
    resource = ResourceBlock.objects.get()
    assert (resource.name, resource.kind, resource.number, resource.url) == (
        "Say Something",
        "helpline",
        "116000",
        "http://www.stop-cse.org/saysomething",
    )
    assert ReflectionBlock.objects.filter(prompt__startswith="Who works with").exists()
    limited = {
        b.heading or b.body: sorted(b.pathways.values_list("slug", flat=True))
        for b in CalloutBlock.objects.filter(style="role")
    }
    assert limited == {
        "In your role: drivers": ["taxi-drivers"],
        "In your role: foster carers": ["foster-carers"],
        "Your own social worker can help.": ["foster-carers"],
    }
    # Blocks without `pathways` are common to every pathway.
    assert TextBlock.objects.filter(pathways__isnull=False).count() == 0


# Idempotent -------------------------------------------------------------------------------------------


def test_second_load_changes_nothing(db, content_root):
    load_courses(content_root)
    before = snapshot()

    results = load_courses(content_root)

    assert [(r.action, r.version) for r in results] == [("unchanged", 1)]
    assert snapshot() == before


def test_loading_an_edited_course_twice_bumps_the_version_once(db, content_root, course_dir):
    load_courses(content_root)
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary", "Keep a written diary")

    first = load_courses(content_root)
    after_first = snapshot()
    second = load_courses(content_root)

    assert [(r.action, r.version) for r in first] == [("updated", 2)]
    assert [(r.action, r.version) for r in second] == [("unchanged", 2)]
    assert snapshot() == after_first
    assert TextBlock.objects.filter(body__startswith="Keep a").count() == 1


# Atomic -----------------------------------------------------------------------------------------------


def test_a_bad_file_in_one_course_loads_no_course_at_all(db, content_root, course_dir):
    # "another-course" sorts first, so a loader that wrote course by course would have written it.
    copy_sample(content_root, as_slug="another-course")
    (course_dir / "units/03-next-steps.yaml").write_text("slug: [", encoding="utf-8")

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    assert len(caught.value.errors) == 1
    assert "sample-course/units/03-next-steps.yaml" in caught.value.errors[0]
    assert Course.objects.count() == Pathway.objects.count() == Unit.objects.count() == 0
    assert Block.objects.count() == 0


def test_a_bad_file_leaves_previously_loaded_data_untouched(db, content_root, course_dir, user):
    load_courses(content_root)
    enrolment = services.enrolment_create(learner=user, pathway=Pathway.objects.get(slug="taxi-drivers"))
    services.unit_complete(enrolment=enrolment, unit=Unit.objects.get(slug="next-steps"))
    before = snapshot()
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary", "Keep a written diary")
    edit(course_dir / "units/03-next-steps.yaml", "type: reflection", "type: thinking")

    with pytest.raises(ContentError):
        load_courses(content_root)

    assert snapshot() == before
    assert TextBlock.objects.filter(body__startswith="Keep a diary").exists()
    assert UnitProgress.objects.filter(enrolment=enrolment).count() == 1


def test_an_error_while_writing_rolls_back_every_course(db, content_root, course_dir, user):
    """Removing a pathway learners are on is only found while writing; courses written before it roll back."""
    copy_sample(content_root, as_slug="another-course")
    load_courses(content_root)
    before = snapshot()
    services.enrolment_create(
        learner=user, pathway=Pathway.objects.get(course__slug="sample-course", slug="foster-carers")
    )
    edit(content_root / "another-course/units/02-pass-it-on.yaml", "Keep a diary", "Keep a written diary")
    remove_pathway(course_dir, "foster-carers")

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    assert caught.value.errors == [
        "content/sample-course/course.yaml: pathways (line 9): pathway 'foster-carers' was removed but "
        "learners are enrolled on it; keep it, or move those learners first"
    ]
    assert snapshot() == before
    assert Course.objects.get(slug="another-course").version == 1


def test_removing_a_pathway_nobody_is_on_deletes_it(db, content_root, course_dir):
    load_courses(content_root)
    remove_pathway(course_dir, "foster-carers")

    load_courses(content_root)

    course = Course.objects.get()
    assert course.version == 2
    assert list(course.pathways.values_list("slug", flat=True)) == ["taxi-drivers"]


def remove_pathway(course_dir, slug: str) -> None:
    """Drop the foster-carers pathway from the sample and move its blocks to taxi-drivers."""
    edit(
        course_dir / "course.yaml",
        f"  - slug: {slug}\n    title: Foster carers\n    introduction: |\n      You know the child in your "
        "care best.\n",
        "",
    )
    edit(course_dir / "units/01-signs.yaml", f"pathways: [{slug}]", "pathways: [taxi-drivers]")
    edit(course_dir / "units/03-next-steps.yaml", f"pathways: [{slug}]", "pathways: [taxi-drivers]")


# In place ---------------------------------------------------------------------------------------------


def test_editing_a_unit_updates_in_place_and_keeps_progress(db, content_root, course_dir, user):
    load_courses(content_root)
    unit_ids = dict(Unit.objects.values_list("slug", "pk"))
    pathway_ids = dict(Pathway.objects.values_list("slug", "pk"))
    enrolment = services.enrolment_create(learner=user, pathway=Pathway.objects.get(slug="taxi-drivers"))
    services.unit_complete(enrolment=enrolment, unit=Unit.objects.get(slug="pass-it-on"))
    services.unit_visit(enrolment=enrolment, unit=Unit.objects.get(slug="pass-it-on"))
    unit2 = course_dir / "units/02-pass-it-on.yaml"
    edit(unit2, "Keep a diary of things that concern you.", "Keep a dated diary of what worries you.")
    edit(unit2, 'number: "02920 536490"', 'number: "029 2053 6490"')
    edit(unit2, "title: Pass it on", "title: Passing it on")

    results = load_courses(content_root)

    assert [(r.action, r.version) for r in results] == [("updated", 2)]
    assert Course.objects.get().version == 2
    assert dict(Unit.objects.values_list("slug", "pk")) == unit_ids
    assert dict(Pathway.objects.values_list("slug", "pk")) == pathway_ids
    unit = Unit.objects.get(slug="pass-it-on")
    assert unit.title == "Passing it on"
    assert list(unit.blocks.instance_of(TextBlock).values_list("textblock__body", flat=True)) == [
        "Keep a dated diary of what worries you."
    ]
    assert ContactBlock.objects.get(who="Multi-Agency Safeguarding Hub").number == "029 2053 6490"
    assert unit.blocks.count() == 6
    assert list(UnitProgress.objects.filter(enrolment=enrolment).values_list("unit__slug", flat=True)) == [
        "pass-it-on"
    ]
    enrolment.refresh_from_db()
    assert enrolment.last_unit_id == unit_ids["pass-it-on"]


def test_adding_and_removing_blocks_and_pathway_limits(db, content_root, course_dir):
    load_courses(content_root)
    unit3 = course_dir / "units/03-next-steps.yaml"
    edit(unit3, "    pathways: [foster-carers]\n", "    pathways: [taxi-drivers, foster-carers]\n")
    edit(
        unit3,
        "  - type: reflection\n    prompt: Who works with the children you meet?\n",
        "  - type: signs\n    signs: [A new sign]\n    pathways: [taxi-drivers]\n",
    )
    release(course_dir, "2.0", what_changed="A new sign for taxi drivers.")  # a new sign is material

    load_courses(content_root)

    unit = Unit.objects.get(slug="next-steps")
    assert [type(b).__name__ for b in unit.blocks.order_by("order")] == [
        "TextBlock",
        "KeyPointsBlock",
        "CalloutBlock",
        "SignsBlock",
        "TextBlock",
        "CalloutBlock",
    ]
    assert list(unit.blocks.instance_of(SignsBlock).get().pathways.values_list("slug", flat=True)) == [
        "taxi-drivers"
    ]
    role = unit.blocks.instance_of(CalloutBlock).get(calloutblock__style="role")
    assert sorted(role.pathways.values_list("slug", flat=True)) == ["foster-carers", "taxi-drivers"]
    assert not ReflectionBlock.objects.filter(unit=unit).exists()


def test_renumbering_unit_files_reorders_units_in_place(db, content_root, course_dir, user):
    load_courses(content_root)
    unit_ids = dict(Unit.objects.values_list("slug", "pk"))
    enrolment = services.enrolment_create(learner=user, pathway=Pathway.objects.get(slug="foster-carers"))
    services.unit_complete(enrolment=enrolment, unit=Unit.objects.get(slug="signs"))
    units = course_dir / "units"
    (units / "01-signs.yaml").rename(units / "03-signs.yaml")
    (course_dir / "quizzes/01-signs.yaml").rename(course_dir / "quizzes/03-signs.yaml")
    (units / "03-next-steps.yaml").rename(units / "01-next-steps.yaml")

    results = load_courses(content_root)

    assert [(r.action, r.version) for r in results] == [("updated", 2)]
    assert list(Unit.objects.order_by("order").values_list("order", "slug")) == [
        (1, "next-steps"),
        (2, "pass-it-on"),
        (3, "signs"),
    ]
    assert dict(Unit.objects.values_list("slug", "pk")) == unit_ids
    assert UnitProgress.objects.get(enrolment=enrolment).unit_id == unit_ids["signs"]
    assert Unit.objects.get(slug="signs").completed_by_quiz is True
    assert Unit.objects.get(slug="next-steps").completed_by_quiz is False


def test_a_unit_whose_file_is_removed_is_deleted(db, content_root, course_dir):
    load_courses(content_root)
    (course_dir / "units/03-next-steps.yaml").unlink()

    load_courses(content_root)

    assert list(Unit.objects.order_by("order").values_list("slug", flat=True)) == ["signs", "pass-it-on"]
    assert Course.objects.get().version == 2


def test_dry_run_writes_nothing(db, content_root, course_dir):
    results = load_courses(content_root, dry_run=True)

    assert [r.action for r in results] == ["created"]
    assert Course.objects.count() == Unit.objects.count() == Block.objects.count() == 0

    load_courses(content_root)
    before = snapshot()
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary", "Keep a written diary")
    assert [r.version for r in load_courses(content_root, dry_run=True)] == [2]
    assert snapshot() == before


# Bad files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.name for bad in BAD_FILES])
def test_each_class_of_bad_file_is_reported_with_file_line_and_problem(db, content_root, course_dir, bad):
    bad.breaks(course_dir)

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    errors = caught.value.errors
    assert len(errors) == 1, errors
    assert errors[0].startswith(bad.error), errors[0]
    assert Course.objects.count() == 0


def test_a_broken_unit_with_a_quiz_gives_one_error_not_a_misleading_second(db, content_root, course_dir):
    (course_dir / "units/01-signs.yaml").write_text("slug: [", encoding="utf-8")

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    assert [error.split(":")[0] for error in caught.value.errors] == [
        "content/sample-course/units/01-signs.yaml (line 1, column 8)"
    ]


def test_every_error_in_every_file_is_reported_at_once(db, content_root, course_dir):
    for bad in BAD_FILES:
        if bad.name in {"unknown-block-type", "bad-phone-number", "slug-folder-mismatch"}:
            bad.breaks(course_dir)

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    assert [error.split(":")[0] for error in caught.value.errors] == [
        "content/sample-course/course.yaml",
        "content/sample-course/units/01-signs.yaml",
        "content/sample-course/units/02-pass-it-on.yaml",
    ]


def test_missing_folders_and_files_are_reported(db, tmp_path, content_root, course_dir):
    with pytest.raises(ContentError, match="content folder not found"):
        load_courses(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ContentError, match="no course folders found"):
        load_courses(tmp_path / "empty")

    (content_root / "stray-folder").mkdir()
    shutil.rmtree(course_dir / "units")
    with pytest.raises(ContentError) as caught:
        load_courses(content_root)
    assert "content/stray-folder: missing course.yaml" in caught.value.errors
    assert "content/sample-course: no unit files under units/" in caught.value.errors
    assert Course.objects.count() == 0


def test_enrolments_survive_a_reload_of_the_same_files(db, sample_course, user):
    """The conftest fixture loaded the sample once; loading it again must not touch learners' rows."""
    enrolment = services.enrolment_create(learner=user, pathway=sample_course.pathways.first())

    assert load_courses(SAMPLE_CONTENT)[0].action == "unchanged"

    assert Enrolment.objects.get() == enrolment


def test_a_unit_with_progress_cannot_be_removed_by_the_files(db, content_root, course_dir):
    from courses import services
    from courses.models import Pathway, Unit, UnitProgress
    from tests.elearning.factories import UserFactory

    load_courses(content_root)
    enrolment = services.enrolment_create(
        learner=UserFactory(), pathway=Pathway.objects.get(slug="taxi-drivers")
    )
    services.unit_complete(enrolment=enrolment, unit=Unit.objects.get(slug="next-steps"))
    (course_dir / "units" / "03-next-steps.yaml").unlink()

    with pytest.raises(ContentError) as caught:
        load_courses(content_root)

    assert (
        "unit 'next-steps' was removed from the files but learners have completed it"
        in caught.value.errors[0]
    )
    assert UnitProgress.objects.count() == 1
