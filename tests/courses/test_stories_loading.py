"""courses.loading for stories: a good story loads (idempotent, in place), and every bad shape is refused with
its file and line, atomically (nothing written)."""

from __future__ import annotations

import pytest
from django.utils.timezone import now

from courses.loading import ContentError, load_courses
from courses.models import Block, StoryBlock, StoryRun
from tests.courses.content_edits import release
from tests.courses.view_helpers import enrol_in_sample

UNIT = "units/02-pass-it-on.yaml"
SHOWN = "content/sample-course/units/02-pass-it-on.yaml"

# Appended to the unit's blocks. Line numbers below count from the unit file's last line (LINE0).
STORY = """\
  - type: story
    key: late-fare
    title: A late fare
    heading: A story from your working day
    pathways: [taxi-drivers]
    intro: You are driving late on a Saturday.
    steps:
      - key: pick-up
        heading: The pick-up
        text: A girl of about 14 and a boy get in. An adult pays.
        choices:
          - key: watch
            text: Take the job and watch
            next: on-the-way
            feedback: You are paying attention.
          - key: leave
            text: Drive away
            next: drove-away
            feedback: No one is told.
      - key: on-the-way
        heading: On the way
        text: The girl looks frightened.
        choices:
          - key: call
            text: Stop somewhere safe and call 999
            next: good-end
            feedback: Always call 999 if you think any child is in immediate danger.
          - key: drop
            text: Drop them off
            next: drove-away
            feedback: She goes with a man.
      - key: good-end
        heading: The guide's way
        ending: good
        text: The police came.
        why: You called 999.
      - key: drove-away
        heading: You drove away
        ending: poor
        text: Nobody knew.
        why: The guide says pass it on.
"""


def add_story(course_dir, text: str = STORY) -> int:
    """Append the story to unit 2's blocks; returns the line of the story's first line in the file."""
    path = course_dir / UNIT
    existing = path.read_text(encoding="utf-8")
    if not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + text, encoding="utf-8")
    return len(existing.splitlines()) + 1


def line_of(course_dir, needle: str, after: int = 0) -> int:
    lines = (course_dir / UNIT).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if number > after and needle in line)


def load_error(content_root) -> list[str]:
    with pytest.raises(ContentError) as refused:
        load_courses(content_root)
    return refused.value.errors


def test_a_good_story_loads_as_a_story_block_with_its_steps(db, content_root, course_dir):
    add_story(course_dir)

    load_courses(content_root)

    block = StoryBlock.objects.get()
    assert (block.key, block.title, block.heading) == (
        "late-fare",
        "A late fare",
        "A story from your working day",
    )
    assert [p.slug for p in block.pathways.all()] == ["taxi-drivers"]
    assert [step["key"] for step in block.steps] == ["pick-up", "on-the-way", "good-end", "drove-away"]
    assert block.steps[0]["choices"][0] == {
        "key": "watch",
        "text": "Take the job and watch",
        "next": "on-the-way",
        "feedback": "You are paying attention.",
    }
    assert block.steps[2] == {
        "key": "good-end",
        "heading": "The guide's way",
        "text": "The police came.",
        "ending": "good",
        "why": "You called 999.",
    }


def test_loading_twice_changes_nothing_and_a_reload_keeps_the_learners_runs(
    db, content_root, course_dir, user
):
    add_story(course_dir)
    load_courses(content_root)
    block = StoryBlock.objects.get()
    enrolment = enrol_in_sample(user, block.unit.course)
    StoryRun.objects.create(
        enrolment=enrolment,
        unit=block.unit,
        story_key="late-fare",
        started_at=now(),
        current_step="on-the-way",
    )

    assert [r.action for r in load_courses(content_root)] == ["unchanged"]
    (course_dir / UNIT).write_text(
        (course_dir / UNIT)
        .read_text(encoding="utf-8")
        .replace("The police came.", "The police came quickly."),
        encoding="utf-8",
    )
    assert [r.action for r in load_courses(content_root)] == ["updated"]  # wording: a minor change

    assert StoryRun.objects.get().current_step == "on-the-way"  # kept by the story's key, not the block row
    assert StoryBlock.objects.get().steps[2]["text"] == "The police came quickly."


def test_a_changed_number_in_a_story_needs_a_major_release(db, content_root, course_dir):
    add_story(course_dir)
    load_courses(content_root)
    story = (course_dir / UNIT).read_text(encoding="utf-8")
    (course_dir / UNIT).write_text(story.replace("feedback: No one is told.", "feedback: Ring 101."), "utf-8")

    errors = load_error(content_root)

    assert any("a material change needs a major version: added phone number 101" in e for e in errors), errors
    release(course_dir, "2.0", what_changed="The story teaches 101.")
    assert [r.action for r in load_courses(content_root)] == ["updated"]


BAD_STORIES = [
    pytest.param(
        "            next: drove-away\n            feedback: No one is told.",
        "            next: drove-awy\n            feedback: No one is told.",
        "next: drove-awy",
        "steps[0].choices[1].next (line {line}): leads to step 'drove-awy', which this story does not have",
        id="missing-target",
    ),
    pytest.param(
        "      - key: drove-away\n        heading: You drove away\n        ending: poor\n",
        "      - key: drove-away\n        heading: You drove away\n",
        "- key: drove-away",
        "steps[3] (line {line}): dead end: step 'drove-away' has no choices and is not an end step",
        id="dead-end",
    ),
    pytest.param(
        "      - key: drove-away\n",
        "      - key: lost\n        heading: Lost\n        ending: poor\n        text: x\n        why: y\n"
        "      - key: drove-away\n",
        "- key: lost",
        "steps[3] (line {line}): step 'lost' cannot be reached: no choice leads to it from the first step",
        id="unreachable",
    ),
    pytest.param(
        "          - key: leave\n            text: Drive away\n            next: drove-away\n"
        "            feedback: No one is told.\n",
        "",
        "        choices:",
        "steps[0].choices (line {line}): has 1 choice(s); a step needs 2 to 4",
        id="one-choice",
    ),
    pytest.param(
        "          - key: leave\n",
        "".join(
            f"          - key: extra-{n}\n            text: Extra\n            next: drove-away\n"
            f"            feedback: More.\n"
            for n in range(3)
        )
        + "          - key: leave\n",
        "        choices:",
        "steps[0].choices (line {line}): has 5 choice(s); a step needs 2 to 4",
        id="five-choices",
    ),
    pytest.param(
        "      - key: on-the-way\n",
        "      - key: pick-up\n",
        "heading: On the way",
        "steps[1].key (line {prev}): step 'pick-up' appears twice",
        id="duplicate-step",
    ),
    pytest.param(
        "        ending: good\n",
        "        ending: poor\n",
        "    steps:",
        "steps (line {line}): needs at least one end step with `ending: good`",
        id="no-good-end",
    ),
    pytest.param(
        "        text: The girl looks frightened.\n",
        "        text: The girl looks frightened.\n        image: stories/none.svg\n        alt: A car\n",
        "image: stories/none.svg",
        "steps[1].image (line {line}): no static file 'stories/none.svg'",
        id="image-not-found",
    ),
    pytest.param(
        "        ending: poor\n        text: Nobody knew.\n",
        "        ending: poor\n        text: Nobody knew.\n        choices: []\n",
        "choices: []",
        "steps[3].choices (line {line}): an end step has no choices",
        id="end-with-choices",
    ),
]


@pytest.mark.parametrize(("old", "new", "where", "error"), BAD_STORIES)
def test_a_bad_story_is_refused_with_file_and_line_and_nothing_is_written(
    db, content_root, course_dir, old, new, where, error
):
    start = add_story(course_dir, STORY.replace(old, new, 1) if old in STORY else pytest.fail(old))
    line = line_of(course_dir, where, after=start - 1)

    errors = load_error(content_root)

    assert Block.objects.count() == 0  # atomic: not even the good units were written
    expected = f"{SHOWN}: blocks[6].{error.format(line=line, prev=line - 1)}"
    assert any(e.startswith(expected) for e in errors), (expected, errors)


def test_a_loop_without_an_exit_is_refused_naming_each_step_on_it(db, content_root, course_dir):
    """pick-up and on-the-way lead only to each other: neither end can be reached from them."""
    looped = (
        STORY.replace("next: drove-away", "next: on-the-way", 1)
        .replace("next: good-end", "next: pick-up")
        .replace("next: drove-away", "next: pick-up")
    )
    start = add_story(course_dir, looped)

    errors = load_error(content_root)

    for index, key in ((0, "pick-up"), (1, "on-the-way")):
        line = line_of(course_dir, f"- key: {key}", after=start - 1)
        assert (
            f"{SHOWN}: blocks[6].steps[{index}] (line {line}): loop without an exit: from step {key!r} no "
            "choice ever leads to an end step"
        ) in " ".join(errors), errors
    assert any("step 'good-end' cannot be reached" in e for e in errors)


def test_a_loop_that_has_a_way_out_loads(db, content_root, course_dir):
    """A wrong turn may lead back to an earlier step, as long as some choice leads on to an end."""
    add_story(
        course_dir,
        STORY.replace(
            "next: drove-away\n            feedback: She", "next: pick-up\n            feedback: She"
        ),
    )

    load_courses(content_root)

    assert StoryBlock.objects.get().steps[1]["choices"][1]["next"] == "pick-up"


def test_two_stories_with_one_key_in_a_unit_are_refused(db, content_root, course_dir):
    add_story(course_dir)
    start = add_story(course_dir)

    errors = load_error(content_root)

    assert (
        f"{SHOWN}: blocks[7].key (line {start + 1}): story 'late-fare' appears twice in this unit"
        in errors[0]
    )
