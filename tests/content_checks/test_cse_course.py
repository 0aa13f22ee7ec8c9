"""The real CSE-awareness course (issue 4): it loads, every page renders on every pathway, and the guide's
numbers, signs, places and resources are where the guide puts them. Every check reads the loaded models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from courses import selectors, services
from courses.loading import load_courses
from courses.models import (
    Block,
    CalloutBlock,
    ContactBlock,
    Course,
    ResourceBlock,
    SignsBlock,
    Unit,
)
from quizzes.models import Choice, MatchingQuestion, Question, Scenario
from quizzes.templatetags.quiz_tags import without_select_all
from tests.courses.story_paths import story_texts, walk_unit_stories
from tests.elearning.factories import UserFactory

GUIDE = Path(__file__).resolve().parents[3] / "shared" / "guide" / "000_4375a54b67e3568f.txt"

PATHWAYS = {
    "foster-carers": "Foster carers",
    "taxi-drivers": "Taxi and private-hire drivers",
    "hotel-staff": "Hotel and hospitality staff",
    "school-staff": "School staff",
    "parents-carers": "Parents, carers and family",
}
UNITS = {
    "what-is-cse": "What child sexual exploitation is",
    "where-it-happens": "Where it happens",
    "spotting-the-signs": "Spotting the signs",
    "talking-and-keeping-safe": "Talking with children and keeping them safe",
    "pass-it-on": "Pass it on: referral routes",
    "what-happens-next": "What happens next: police, children's services, the meeting and the safety plan",
    "support-and-resources": "Support and resources",
}

# Copied character for character from the guide ("Spot the signs").
SIGNS = [
    "You don't know where your child is",
    "They have a much older boyfriend or girlfriend",
    "They hang out with adults or much older friends",
    "They go to house parties where people drink alcohol and take drugs",
    "They have money or things such as clothing or phones and you don't know where they came from",
    "They get into cars or vans with people you don't know",
    "They take taxis and you don't know who is paying",
    "Their mood or behaviour changes, like becoming secretive, depressed or aggressive",
    "They receive or send sexual images or become secretive about using the internet or their phone",
    "They have met someone in person who they first met online",
    "They are missing school and no one knows where they are",
]
PLACES = [
    "hotels",
    "pubs",
    "clubs",
    "takeaways and fast food outlets",
    "taxis",
    "parks",
    "people's homes",
]
BARNARDOS_GUIDE = "Sexual Exploitation - Sex, Secrets and Lies, Your Guide"
RESOURCES = [
    "Selfie Cop",
    "ZIPIT",
    "Wud U?",
    "Public Health Wales",
    "Say Something",
    "Think you know",
    "CEOP",
    "Internet Watch Foundation",
    "FaceUp2It",
    "BLAST!",
    "Parentinfo.org",
    BARNARDOS_GUIDE,
]
GUIDE_NUMBERS = {"999", "101", "02920 536490", "116000"}

# A phone-like string is a run of digits, possibly broken by spaces ("02920 536490"), holding at least three
# digits in all. A run touching "/" is not one, so "24/7" never matches; ages and times ("5 to 18", "14",
# "11pm") have fewer than three digits in any one run. Every phone number the guide gives has 3+ digits.
PHONE_LIKE = re.compile(r"(?<![\d/])\d[\d ]*\d(?![\d/])")
MIN_PHONE_DIGITS = 3

# The two phrases the guide's DO list puts in quotes for parents to say.
QUOTED_PHRASES = [
    "I really don't know - let's work it out or look it up together",
    "That's a good question, let's talk about it once we get home",
]
# A copied paragraph shows up as a long run of the guide's own words. The exact lists, names and quoted
# phrases the course must copy are cut out of the text first, so quoting them never counts.
COPY_RUN_WORDS = 15
ALLOWED_EXACT = [
    *SIGNS,
    "hotels, pubs, clubs, takeaways and fast food outlets, taxis and parks",
    *RESOURCES,
    *QUOTED_PHRASES,
]
WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


# Helpers -----------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _words(text: str) -> list[str]:
    return WORD.findall(_normalise(text))


def _allowed_pattern() -> re.Pattern:
    phrases = sorted(ALLOWED_EXACT, key=len, reverse=True)
    return re.compile("|".join(r"[\W_]+".join(map(re.escape, _words(p))) for p in phrases))


@cache
def _guide_shingles(n: int = COPY_RUN_WORDS) -> frozenset[tuple[str, ...]]:
    words = _words(GUIDE.read_text(encoding="utf-8"))
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def copied_runs(text: str, n: int = COPY_RUN_WORDS) -> list[str]:
    """Runs of n or more words this text shares with the guide, outside the lists it must copy exactly."""
    shingles = _guide_shingles(n)
    runs = []
    for segment in _allowed_pattern().split(_normalise(text)):
        words = _words(segment)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) in shingles:
                runs.append(" ".join(words[i : i + n]))
    return runs


def phone_like(text: str) -> list[str]:
    found = [m.group().strip() for m in PHONE_LIKE.finditer(text)]
    return [s for s in found if sum(ch.isdigit() for ch in s) >= MIN_PHONE_DIGITS]


def block_texts(block: Block) -> Iterator[str]:
    yield block.heading
    for name in block.content_fields:
        value = getattr(block, name)
        if isinstance(value, list):
            yield from value
        else:
            yield value
    yield from story_texts(getattr(block, "steps", []))  # a story's steps, choices and feedback too


def course_texts(course: Course) -> Iterator[tuple[str, str]]:
    """Every piece of text a learner can see, labelled with where it lives."""
    yield "course.title", course.title
    yield "course.summary", course.summary
    yield "course.content_note", course.content_note
    for pathway in course.pathways.all():
        yield f"pathway {pathway.slug}.title", pathway.title
        yield f"pathway {pathway.slug}.introduction", pathway.introduction
    for unit in course.units.all():
        yield f"unit {unit.slug}.title", unit.title
        for outcome in unit.outcomes:
            yield f"unit {unit.slug}.outcomes", outcome
    for block in Block.objects.filter(unit__course=course).select_related("unit"):
        for text in block_texts(block):
            yield f"unit {block.unit.slug} block {block.order} ({block.type_name})", text
    for scenario in Scenario.objects.filter(quiz__unit__course=course).select_related("quiz__unit"):
        yield f"quiz {scenario.quiz.unit.slug} scenario {scenario.key}", scenario.text
    for question in Question.objects.filter(quiz__unit__course=course).select_related("quiz__unit"):
        where = f"quiz {question.quiz.unit.slug} question {question.key}"
        yield f"{where}.prompt", question.prompt
        yield f"{where}.section", question.section
        yield f"{where}.explanation", question.explanation
        if isinstance(question, MatchingQuestion):
            for distractor in question.distractors:
                yield f"{where}.distractors", distractor
    for choice in Choice.objects.filter(question__quiz__unit__course=course).select_related(
        "question__quiz__unit"
    ):
        where = f"quiz {choice.question.quiz.unit.slug} question {choice.question.key} choice {choice.key}"
        yield f"{where}.text", choice.text
        yield f"{where}.match", choice.match
        yield f"{where}.feedback", choice.feedback


def seen_by_every_pathway(unit: Unit) -> list[Block]:
    """The unit's blocks that every pathway of the course sees, by the same selector the unit page uses."""
    pathways = list(unit.course.pathways.all())
    per_pathway = [
        {b.pk: b for b in selectors.unit_blocks_for_pathway(unit=unit, pathway=p)} for p in pathways
    ]
    common = set.intersection(*(set(seen) for seen in per_pathway))
    return [b for pk, b in per_pathway[0].items() if pk in common]


def limited_to(block: Block) -> set[str]:
    return {p.slug for p in block.pathways.all()}


def unit_text(blocks: list[Block]) -> str:
    return "\n".join(text for block in blocks for text in block_texts(block))


# Fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _loaded_course(django_db_setup, django_db_blocker):
    """Load the real course once for this module (about 2 s) and remove it afterwards."""
    with django_db_blocker.unblock():
        results = load_courses()
        assert [r.slug for r in results] == ["cse-awareness"]
        course_id = Course.objects.get(slug="cse-awareness").pk
    yield course_id
    with django_db_blocker.unblock():
        Course.objects.filter(pk=course_id).delete()


@pytest.fixture
def course(db, _loaded_course) -> Course:
    return Course.objects.get(pk=_loaded_course)


def unit(course: Course, slug: str) -> Unit:
    return course.units.get(slug=slug)


# Structure ---------------------------------------------------------------------------------------------


def test_course_has_the_five_pathways_and_seven_units_in_order(course):
    assert [(p.slug, p.title) for p in course.pathways.order_by("order")] == list(PATHWAYS.items())
    assert [(u.slug, u.title) for u in course.units.order_by("order")] == list(UNITS.items())
    for item in course.units.all():
        assert 2 <= len(item.outcomes) <= 4, item.slug
        assert item.blocks.exists(), item.slug
    # Minutes are checked against each unit's word count in test_cse_professionals.py (issue 16).
    assert all(u.minutes >= 1 for u in course.units.all())


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_every_unit_and_quiz_page_renders_on_the_pathway(course, client, pathway_slug):
    pathway = course.pathways.get(slug=pathway_slug)
    learner = UserFactory()
    services.enrolment_create(learner=learner, pathway=pathway)
    client.force_login(learner)

    for item in course.units.order_by("order"):
        response = client.get(reverse("courses:unit", args=[course.slug, item.slug]))
        assert response.status_code == 200, item.slug
        html = response.content.decode()
        for block in item.blocks.all():
            only_for = limited_to(block)
            if only_for and pathway_slug not in only_for:
                assert f'id="block-{block.pk}"' not in html, (item.slug, block.heading)
            elif only_for:
                assert f'id="block-{block.pk}"' in html, (item.slug, block.heading)
        if item.slug == "spotting-the-signs":
            for sign in SIGNS:
                assert f"<li>{escape(sign)}</li>" in html
        walk_unit_stories(client, course_slug=course.slug, unit=item, pathway=pathway)  # opens the quiz
        response = client.get(reverse("quizzes:take", args=[course.slug, item.slug]))
        assert response.status_code == 200, item.slug
        html = response.content.decode()
        bank = item.quiz.questions.all()
        questions = [q for q in bank if not q.pathways.exists() or q.pathways.filter(pk=pathway.pk).exists()]
        assert len(questions) >= 10, item.slug  # the bank; an attempt draws 5 of it (issue 17)
        assert "<p>5 questions, drawn for this attempt from a larger set" in html, item.slug
        shown_keys = set()
        for question in item.quiz.questions.all():
            shown = re.search(rf'name="{question.field_name}(-[^"]*)?"', html) is not None
            assert not shown or question in questions, (item.slug, question.key)
            if shown:
                shown_keys.add(question.key)
                assert escape(without_select_all(question.prompt)) in html, (item.slug, question.key)
        assert len(shown_keys) == 5, item.slug


def test_every_pathway_has_role_sections_in_at_least_four_units(course):
    units_with_role = {slug: set() for slug in PATHWAYS}
    for block in (
        Block.objects.filter(unit__course=course).prefetch_related("pathways").select_related("unit")
    ):
        only_for = limited_to(block)
        if len(only_for) == 1:
            units_with_role[only_for.pop()].add(block.unit.slug)
    for slug, units in units_with_role.items():
        assert len(units) >= 4, f"{slug} has role sections in only {sorted(units)}"


def test_question_bank_keeps_the_minimums(course):
    questions = list(
        Question.objects.filter(quiz__unit__course=course).prefetch_related("scenario__pathways")
    )
    assert len(questions) >= 50
    assert {q.type_name for q in questions} == {"single", "multiple", "ordering", "matching"}
    for item in course.units.all():
        common = [q for q in item.quiz.questions.all() if not q.pathways.exists()]
        assert len(common) >= 4, item.slug
    for slug in PATHWAYS:
        in_role = [q for q in questions if q.scenario and slug in {p.slug for p in q.scenario.pathways.all()}]
        assert len(in_role) >= 9, slug


# Phone numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call **999** now, or the police on 101.", ["999", "101"]),
        ("Speak to the duty social worker on 02920 536490.", ["02920 536490"]),
        ("Call or text 116000, 24/7.", ["116000"]),
        ("For children and young people aged 5 to 18, at 11pm, in Year 8.", []),
        ("Ring 0800 1111 or 0808 800 5000.", ["0800 1111", "0808 800 5000"]),
    ],
)
def test_phone_like_finds_numbers_but_not_ages_or_24_7(text, expected):
    assert phone_like(text) == expected


def test_every_phone_number_in_the_course_is_one_of_the_guides(course):
    found = {}
    for where, text in course_texts(course):
        for number in phone_like(text):
            found.setdefault(number, where)
    assert set(found) <= GUIDE_NUMBERS, {n: w for n, w in found.items() if n not in GUIDE_NUMBERS}
    assert set(found) == GUIDE_NUMBERS  # and the scan really reads the course
    for block in ContactBlock.objects.filter(unit__course=course).exclude(number=""):
        assert block.number in GUIDE_NUMBERS, block
    for block in ResourceBlock.objects.filter(unit__course=course).exclude(number=""):
        assert block.number in GUIDE_NUMBERS, block


def test_999_is_in_an_emergency_block_for_everyone_and_in_the_referral_unit(course):
    emergency = [
        block
        for item in course.units.all()
        for block in seen_by_every_pathway(item)
        if (isinstance(block, CalloutBlock) and block.style == "emergency" and "999" in block.body)
        or (isinstance(block, ContactBlock) and block.number == "999")
    ]
    assert emergency
    referral = seen_by_every_pathway(unit(course, "pass-it-on"))
    assert any(isinstance(b, ContactBlock) and b.number == "999" for b in referral)


def test_101_and_the_mash_number_are_contacts_for_everyone_in_pass_it_on(course):
    contacts = {
        b.number: b for b in seen_by_every_pathway(unit(course, "pass-it-on")) if isinstance(b, ContactBlock)
    }
    assert "police" in contacts["101"].who.lower()
    assert "Multi-Agency Safeguarding Hub" in contacts["02920 536490"].who


def test_the_mash_number_is_a_contact_for_everyone_in_what_happens_next(course):
    contacts = [
        b
        for b in seen_by_every_pathway(unit(course, "what-happens-next"))
        if isinstance(b, ContactBlock) and b.number == "02920 536490"
    ]
    assert any("Multi-Agency Safeguarding Hub" in f"{b.who} {b.when}" for b in contacts)


def test_say_something_resource_gives_116000_to_everyone(course):
    resources = [
        b
        for b in seen_by_every_pathway(unit(course, "support-and-resources"))
        if isinstance(b, ResourceBlock) and "Say Something" in b.name
    ]
    assert [(b.kind, b.number) for b in resources] == [("helpline", "116000")]


# The guide's lists and names ---------------------------------------------------------------------------


def test_the_exact_lists_in_this_test_are_the_guides(course):
    if not GUIDE.exists():
        pytest.skip(f"the guide is not at {GUIDE}")
    guide = GUIDE.read_text(encoding="utf-8").replace("\u2019", "'").replace("\u2018", "'")
    for phrase in ALLOWED_EXACT:
        assert phrase in guide, phrase
    for number in GUIDE_NUMBERS:
        assert f"**{number}**" in guide, number


def test_every_sign_is_copied_exactly_into_a_signs_block_for_everyone(course):
    shown = [
        sign
        for item in course.units.all()
        for block in seen_by_every_pathway(item)
        if isinstance(block, SignsBlock)
        for sign in block.signs
    ]
    missing = [sign for sign in SIGNS if sign not in shown]
    assert not missing
    for block in SignsBlock.objects.filter(unit__course=course):
        invented = [sign for sign in block.signs if sign not in SIGNS]
        assert not invented, invented


def test_every_place_the_guide_lists_is_in_where_it_happens(course):
    text = _normalise(unit_text(seen_by_every_pathway(unit(course, "where-it-happens"))))
    missing = [place for place in PLACES if not re.search(rf"\b{re.escape(place)}\b", text)]
    assert not missing


def test_every_resource_the_guide_names_is_in_the_support_unit(course):
    names = [
        b.name
        for b in seen_by_every_pathway(unit(course, "support-and-resources"))
        if isinstance(b, ResourceBlock)
    ]
    missing = [resource for resource in RESOURCES if not any(resource in name for name in names)]
    assert not missing


# No copied paragraphs ----------------------------------------------------------------------------------


@pytest.fixture
def guide_text() -> str:
    if not GUIDE.exists():
        pytest.skip(f"the guide is not at {GUIDE}")
    return GUIDE.read_text(encoding="utf-8")


def test_copied_runs_flags_a_guide_paragraph_but_not_the_exact_lists(guide_text):
    paragraph = guide_text.split("## Open communication")[1].split("##")[0]
    assert copied_runs(paragraph)
    assert copied_runs("Remember: " + paragraph.strip()[:200])
    signs = guide_text.split("## Spot the signs")[1].split("If something happens")[0]
    assert copied_runs(signs) == []
    assert copied_runs(f"'{BARNARDOS_GUIDE}' and then: {'; '.join(SIGNS)}.") == []


def test_no_course_text_copies_a_long_run_from_the_guide(course, guide_text):
    copied = {where: runs for where, text in course_texts(course) if (runs := copied_runs(text))}
    assert not copied
