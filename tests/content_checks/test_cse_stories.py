"""The real course's stories (issue 25): one per pathway, in the learner's own role, ending well only through
the guide's actions, with realistic wrong turns, boys and girls, no graphic detail, and only the guide's
facts and numbers (Cardiff's labelled as Cardiff's), no procedure of our own. Reads the loaded models; the
checks every text gets (numbers, the Cardiff label, copied runs, reading time) cover stories through
`block_texts`."""

from __future__ import annotations

import re

import pytest

from courses.loading import load_courses
from courses.loading.stories import story_texts
from courses.models import Course, StoryBlock
from tests.content_checks.test_cse_course import GUIDE_NUMBERS, PATHWAYS, phone_like
from tests.content_checks.test_cse_professionals import BOY, GIRL, LABEL_WINDOW, MASH

# What the learner is, in the first step of their story: the scene is in their own role.
ROLE_WORDS = {
    "taxi-drivers": re.compile(r"\b(driving|fare|passengers?)\b", re.I),
    "hotel-staff": re.compile(r"\b(night desk|room|booking|housekeeping)\b", re.I),
    "foster-carers": re.compile(r"\bfoster\b", re.I),
    "school-staff": re.compile(r"\b(teach|class|school|Year \d+)\b", re.I),
    "parents-carers": re.compile(r"\b(parent|your (son|daughter))\b", re.I),
}
# A choice that is one of the guide's actions: talk and reassure, keep a diary, pass it on by the guide's
# routes, report a child missing, 999 in immediate danger.
GUIDE_ACTION = re.compile(
    r"999|101|02920 536490|report (him|her|them) missing|social worker|child protection teacher"
    r"|not (his|her|their) fault|diary|note|write|talk|chat",
    re.I,
)
# Procedures and contacts the guide does not give: only an organisation's own contacts may name them.
NOT_THE_GUIDES = re.compile(
    r"designated safeguarding|\bDSL\b|safeguarding lead|licensing officer|duty manager|\bLADO\b|Childline"
    r"|NSPCC helpline|0800|within \d+ hours|referral form|Ask for Angela|\bMASH referral",
    re.I,
)
GRAPHIC = re.compile(r"\b(rape[ds]?|naked|nude|undress\w*|blood\w*|injur\w*|bruis\w*|sex with)\b", re.I)


@pytest.fixture(scope="module")
def _loaded_course(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_courses()
        course_id = Course.objects.get(slug="cse-awareness").pk
    yield course_id
    with django_db_blocker.unblock():
        Course.objects.filter(pk=course_id).delete()


@pytest.fixture
def stories(db, _loaded_course) -> dict[str, StoryBlock]:
    blocks = StoryBlock.objects.filter(unit__course_id=_loaded_course).prefetch_related("pathways")
    result = {}
    for block in blocks:
        slugs = [p.slug for p in block.pathways.all()]
        assert len(slugs) == 1, (block.key, slugs)  # a story is one role's
        assert slugs[0] not in result, f"two stories for {slugs[0]}"
        result[slugs[0]] = block
    return result


def _reachable(steps: list[dict], *, skip_choice=lambda choice: False) -> set[str]:
    by_key = {step["key"]: step for step in steps}
    seen, todo = {steps[0]["key"]}, [steps[0]["key"]]
    while todo:
        for choice in by_key[todo.pop()].get("choices", []):
            if not skip_choice(choice) and choice["next"] not in seen:
                seen.add(choice["next"])
                todo.append(choice["next"])
    return seen


def test_each_pathway_has_one_story_in_pass_it_on(stories):
    assert set(stories) == set(PATHWAYS)
    assert {block.unit.slug for block in stories.values()} == {"pass-it-on"}


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_the_story_is_set_in_the_learners_own_role(stories, pathway_slug):
    block = stories[pathway_slug]
    opening = " ".join([block.intro, block.steps[0]["text"]])
    assert ROLE_WORDS[pathway_slug].search(opening), opening[:200]


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_the_story_ends_well_only_through_the_guides_actions(stories, pathway_slug):
    steps = stories[pathway_slug].steps
    good = {step["key"] for step in steps if step.get("ending") == "good"}
    assert good & _reachable(steps)
    # Take away every choice that is one of the guide's actions: no good end can be reached any more.
    without = _reachable(steps, skip_choice=lambda choice: bool(GUIDE_ACTION.search(choice["text"])))
    assert not good & without, "a good end is reachable without the guide's actions"
    for step in steps:
        if step.get("ending") == "good":
            assert "999" in step["why"], "the good end says when to call 999"


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_the_story_has_realistic_wrong_turns_that_end_poorly(stories, pathway_slug):
    steps = stories[pathway_slug].steps
    reachable = _reachable(steps)
    poor = [step for step in steps if step.get("ending") == "poor" and step["key"] in reachable]
    assert len(poor) >= 2, "at least two different wrong turns"
    for step in steps:
        for choice in step.get("choices", []):
            assert len(choice["feedback"].split()) >= 5, (step["key"], choice["key"])  # says why
    # At least three steps with a choice between the guide's action and something else.
    decisions = [
        step
        for step in steps
        if any(GUIDE_ACTION.search(c["text"]) for c in step.get("choices", []))
        and any(not GUIDE_ACTION.search(c["text"]) for c in step.get("choices", []))
    ]
    assert len(decisions) >= 3


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_the_story_has_boys_and_girls_and_no_graphic_detail(stories, pathway_slug):
    block = stories[pathway_slug]
    text = "\n".join([block.intro, *story_texts(block.steps)])
    assert BOY.search(text) or re.search(r"\b(Kai|Josh|Sam)\b", text), "no boy in this story"
    assert GIRL.search(text), "no girl in this story"
    assert not GRAPHIC.findall(text)


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_the_story_uses_only_the_guides_numbers_labels_cardiffs_and_invents_no_procedure(
    stories, pathway_slug
):
    block = stories[pathway_slug]
    texts = [block.title, block.intro, *story_texts(block.steps)]
    numbers = {number for text in texts for number in phone_like(text)}
    assert numbers <= GUIDE_NUMBERS, numbers - GUIDE_NUMBERS
    assert "999" in numbers
    for text in texts:
        for match in re.finditer(re.escape(MASH), text):
            window = text[max(0, match.start() - LABEL_WINDOW) : match.end() + LABEL_WINDOW]
            assert "Cardiff" in window, text
        assert not NOT_THE_GUIDES.findall(text), text


def test_the_checks_catch_what_they_are_for():
    """The patterns above find what they must (so the tests can fail)."""
    assert NOT_THE_GUIDES.search("Tell the designated safeguarding lead within 24 hours")
    assert GRAPHIC.search("she was bruised")
    assert GUIDE_ACTION.search("Stop somewhere safe and call 999")
    assert not GUIDE_ACTION.search("Drive away")
    steps = [
        {"key": "a", "choices": [{"text": "Call 999", "next": "good"}, {"text": "Leave", "next": "bad"}]},
        {"key": "good", "ending": "good"},
        {"key": "bad", "ending": "poor"},
    ]
    assert _reachable(steps, skip_choice=lambda c: bool(GUIDE_ACTION.search(c["text"]))) == {"a", "bad"}
