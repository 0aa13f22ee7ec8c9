"""The course for professionals (issue 16): each role learns to recognise and act from its own seat, the
referral routes are the guide's, and the quizzes test judgement without cues. Every check reads the loaded
models, the same content learners see; each one fails on the content as it was before issue 16."""

from __future__ import annotations

import math
import re

import pytest

from courses import selectors as course_selectors
from courses.loading import load_courses
from courses.models import Block, CalloutBlock, ContactBlock, Course, ReflectionBlock
from quizzes import selectors as quiz_selectors
from quizzes.models import Choice, Question, Scenario
from tests.content_checks.test_cse_course import (
    PATHWAYS,
    SIGNS,
    block_texts,
    course_texts,
    limited_to,
    seen_by_every_pathway,
    unit,
    unit_text,
)

PROFESSIONAL = ["foster-carers", "taxi-drivers", "hotel-staff", "school-staff"]
PARENT_PATHWAYS = {"foster-carers", "parents-carers"}
MASH = "02920 536490"

# N: how many questions the assessment issue will draw from each unit's quiz. Every pathway needs a bank
# of at least 2N applicable questions per unit (questions open to all count for every pathway).
QUESTIONS_DRAWN = {
    "what-is-cse": 5,
    "where-it-happens": 5,
    "spotting-the-signs": 5,
    "talking-and-keeping-safe": 5,
    "pass-it-on": 5,
    "what-happens-next": 5,
    "support-and-resources": 5,
}
# Honest minutes: about 200 words a minute, plus a minute for each reflection; a quiz question takes about a
# minute to read, answer and read the feedback for.
WORDS_PER_MINUTE = 200
MINUTES_PER_REFLECTION = 1
MINUTES_PER_QUESTION = 1

# Text that is the guide's advice to parents about their own child (the DO and DON'T lists and the talk about
# sex and relationships). Only parents and foster carers are shown it.
PARENT_ONLY_MARKERS = [
    "let's work it out or look it up together",
    "let's talk about it once we get home",
    "washing up",
    "when they are older",
    "lecture on growing up",
    "bombard",
    "sex and relationships",
]
BOY = re.compile(r"\b(boy|boys|son|lad|lads|nephew|brother)\b", re.IGNORECASE)
GIRL = re.compile(r"\b(girl|girls|daughter|niece|sister)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z0-9]+)*")
# A run of text around each MASH number in which "Cardiff" must appear.
LABEL_WINDOW = 160
# The right option of a single-answer question may be at most this much longer than the longest wrong one,
# and in a multiple-answer question the right and wrong options' average lengths differ at most this much.
LONGEST_RIGHT_RATIO = 1.2
MULTIPLE_MEAN_RATIO = 1.25
# In no quiz may the right option be the single longest in more than this share of single-answer questions
# (chance with four options is about a quarter; review-16 item 10 found 61 of 96).
LONGEST_RIGHT_SHARE = 0.35


@pytest.fixture(scope="module")
def _loaded_course(django_db_setup, django_db_blocker):
    """Load the real course once for this module and remove it afterwards."""
    with django_db_blocker.unblock():
        load_courses()
        course_id = Course.objects.get(slug="cse-awareness").pk
    yield course_id
    with django_db_blocker.unblock():
        Course.objects.filter(pk=course_id).delete()


@pytest.fixture
def course(db, _loaded_course) -> Course:
    return Course.objects.get(pk=_loaded_course)


def _pathway_blocks(course, unit_slug: str, pathway_slug: str) -> list[Block]:
    pathway = course.pathways.get(slug=pathway_slug)
    return list(course_selectors.unit_blocks_for_pathway(unit=unit(course, unit_slug), pathway=pathway))


def _role_text(course, unit_slug: str, pathway_slug: str) -> str:
    """The text of the blocks in this unit limited to this one pathway: its "In your role" section."""
    blocks = Block.objects.filter(unit=unit(course, unit_slug)).prefetch_related("pathways")
    return unit_text([b for b in blocks if limited_to(b) == {pathway_slug}])


def _question_pathways(question: Question) -> set[str]:
    """The pathways a question is limited to (empty: open to every pathway)."""
    return {p.slug for p in question.pathways.all()}


def _questions(course):
    return list(
        Question.objects.filter(quiz__unit__course=course, is_active=True)
        .select_related("quiz__unit")
        .prefetch_related("pathways", "choices")
    )


def _question_texts(question: Question) -> list[str]:
    texts = [question.prompt, question.explanation]
    if question.scenario_id:
        texts.append(question.scenario.text)
    for choice in question.choices.all():
        texts += [choice.text, choice.match, choice.feedback]
    return texts


# The Cardiff number -------------------------------------------------------------------------------------


def test_the_mash_number_is_labelled_cardiffs_wherever_it_appears(course):
    unlabelled = []
    for where, text in course_texts(course):
        if text == MASH:  # a contact card's number field: its label is checked on the card below
            continue
        for match in re.finditer(re.escape(MASH), text):
            window = text[max(0, match.start() - LABEL_WINDOW) : match.end() + LABEL_WINDOW]
            if "Cardiff" not in window:
                unlabelled.append(where)
    for block in ContactBlock.objects.filter(unit__course=course, number=MASH):
        if "Cardiff's Multi-Agency Safeguarding Hub" not in block.who or "Outside Cardiff" not in block.note:
            unlabelled.append(f"contact {block.unit.slug}: {block.who}")
    assert not unlabelled
    assert "Outside Cardiff" in " ".join(course.content_note.split())


# Routes as the guide gives them -------------------------------------------------------------------------


def test_pass_it_on_gives_the_four_suspicion_routes_to_everyone_as_equal_choices(course):
    blocks = seen_by_every_pathway(unit(course, "pass-it-on"))
    contacts = [b for b in blocks if isinstance(b, ContactBlock)]
    suspicion = [b for b in contacts if "suspect" in b.when.lower()]
    assert {b.number for b in suspicion} >= {"101", MASH}
    whos = " ".join(b.who.lower() for b in contacts)
    assert "your own social worker" in whos
    assert "child protection teacher" in whos
    text = unit_text(blocks).lower()
    assert "equal choices" in text
    assert "how urgent" not in text


def test_no_question_makes_one_number_the_answer_to_a_suspicion(course):
    """When the prompt is only "you suspect…", no single route may be marked as the answer."""
    bad = []
    for question in _questions(course):
        for choice in question.choices.all():
            prompt = choice.text if question.type_name == "matching" else question.prompt
            answer = choice.match if question.type_name == "matching" else choice.text
            if question.type_name == "single" and not choice.is_correct:
                continue
            if question.type_name not in ("single", "matching"):
                continue
            names_channel = re.search(r"police|social worker|advice", prompt, re.IGNORECASE)
            routes = [n for n in ("101", MASH) if n in answer]
            if "suspect" in prompt.lower() and not names_channel and len(routes) == 1:
                bad.append(f"{question.quiz.unit.slug}/{question.key}: {answer}")
    assert not bad


# Parent-only advice --------------------------------------------------------------------------------------


def test_parenting_advice_is_only_for_parents_and_foster_carers(course):
    shown_to_others = []
    blocks = Block.objects.filter(unit__course=course).prefetch_related("pathways").select_related("unit")
    for block in blocks:
        text = "\n".join(block_texts(block)).lower()
        is_parenting = block.heading.strip() in ("DO", "DON'T") or any(m in text for m in PARENT_ONLY_MARKERS)
        only_for = limited_to(block)
        if is_parenting and (not only_for or not only_for <= PARENT_PATHWAYS):
            shown_to_others.append(f"{block.unit.slug}: {block.heading}")
    for question in _questions(course):
        text = "\n".join(_question_texts(question)).lower()
        only_for = _question_pathways(question)
        if any(m in text for m in PARENT_ONLY_MARKERS) and (not only_for or not only_for <= PARENT_PATHWAYS):
            shown_to_others.append(f"quiz {question.quiz.unit.slug}: {question.key}")
    for item in course.units.all():
        for outcome in item.outcomes:
            if "DO and DON'T" in outcome:
                shown_to_others.append(f"outcome {item.slug}: {outcome}")
    assert not shown_to_others


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_every_pathway_learns_what_to_do_if_a_young_person_talks_to_them(course, pathway_slug):
    blocks = _pathway_blocks(course, "talking-and-keeping-safe", pathway_slug)
    talk = [b for b in blocks if b.heading == "If a young person talks to you"]
    assert talk
    text = unit_text(talk).lower()
    for point in ("listen rather than judge", "not their fault", "999", "pass it on"):
        assert point in text, point


# Signs and diary from each role's seat ------------------------------------------------------------------


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_each_pathways_role_section_on_signs_reads_all_11_signs(course, pathway_slug):
    text = _role_text(course, "spotting-the-signs", pathway_slug).replace("\u2019", "'")
    missing = [sign for sign in SIGNS if sign not in text]
    assert not missing


SHARED_RUN_WORDS = 8
MAX_SHARED_SHARE = 0.2
# Wording every role must share: the signs, copied exactly, and the routes and their Cardiff label.
COMMON_WORDING = [
    *SIGNS,
    "(Cardiff's Multi-Agency Safeguarding Hub; outside Cardiff, your own council's children's services)",
    "if you think a child is in immediate danger",
    "if you think any child is in immediate danger, always call **999**",
    "if you suspect a child is being exploited, you can talk to the police on **101** or call",
]


@pytest.mark.parametrize("unit_slug", list(QUESTIONS_DRAWN))
def test_taxi_and_hotel_role_sections_are_not_the_same_text(course, unit_slug):
    """Each job sees a different part of a child's life: no more than a fifth of the hotel section's 8-word
    runs may also be in the taxi section."""

    def runs(text: str) -> set[tuple[str, ...]]:
        words = WORD.findall(text.lower())
        return {tuple(words[i : i + SHARED_RUN_WORDS]) for i in range(len(words) - SHARED_RUN_WORDS + 1)}

    def role_text(pathway_slug: str) -> str:
        text = " ".join(_role_text(course, unit_slug, pathway_slug).replace("\u2019", "'").split())
        for wording in COMMON_WORDING:
            text = re.sub(re.escape(wording), " / ", text, flags=re.IGNORECASE)
        return text

    taxi = runs(role_text("taxi-drivers"))
    hotel = runs(role_text("hotel-staff"))
    assert hotel and taxi
    assert len(taxi & hotel) <= MAX_SHARED_SHARE * len(hotel)


def test_the_taxi_reading_of_who_is_paying_is_from_the_drivers_seat(course):
    text = " ".join(_role_text(course, "spotting-the-signs", "taxi-drivers").split())
    # The guide's sign is not narrowed to strangers (review-16 item 1): a known booking by a parent or carer
    # is not, on its own, the sign; an adult who is not their parent or carer paying is, even one they know.
    assert "is not, on its own, this sign" in text
    assert "an adult who is not their parent or carer pays" in text
    assert "even one the child seems to know" in text
    assert "is normal" not in text
    assert "doesn't seem to know paying" not in text


@pytest.mark.parametrize(
    ("pathway_slug", "diary"),
    [
        ("taxi-drivers", "journey note"),
        ("hotel-staff", "shift note"),
        ("foster-carers", "record your fostering service asks you to keep"),
        ("school-staff", "record of concern"),
    ],
)
def test_the_diary_is_in_each_roles_words(course, pathway_slug, diary):
    text = _role_text(course, "pass-it-on", pathway_slug)
    assert diary in text
    assert "own words" in text
    assert "nick names" in text


def test_nick_names_is_spelled_one_way(course):
    assert not [where for where, text in course_texts(course) if re.search(r"nicknames?", text, re.I)]


# Who is at risk and who harms ---------------------------------------------------------------------------


@pytest.mark.parametrize("pathway_slug", list(PATHWAYS))
def test_boys_and_girls_are_in_each_pathways_scenarios(course, pathway_slug):
    scenarios = Scenario.objects.filter(quiz__unit__course=course, pathways__slug=pathway_slug)
    text = "\n".join(s.text for s in scenarios)
    assert BOY.search(text), "no boy in this pathway's scenarios"
    assert GIRL.search(text), "no girl in this pathway's scenarios"


def test_peer_group_exploitation_is_taught_to_everyone_in_the_guides_words(course):
    text = unit_text(seen_by_every_pathway(unit(course, "what-is-cse")))
    assert "groups of friends of a similar age" in text
    assert "coerced" in text


# The meeting --------------------------------------------------------------------------------------------


def test_the_meeting_is_for_a_family_that_needs_a_social_worker(course):
    text = unit_text(seen_by_every_pathway(unit(course, "what-happens-next")))
    # The guide ties the meeting to a family that needs a social worker; it says nothing about which reports
    # lead to one, so the course makes no such claim either (review-16 item 7).
    assert "needs a social worker" in text
    assert "Not every worry leads to a meeting" not in text
    assert "result of every report" not in text
    ordering = Question.objects.get(quiz__unit__slug="what-happens-next", key="meeting-order-family")
    assert _question_pathways(ordering) == PARENT_PATHWAYS


# Judgement, cues and feedback ----------------------------------------------------------------------------


@pytest.mark.parametrize("pathway_slug", PROFESSIONAL)
def test_each_professional_pathway_has_a_note_it_and_keep_watching_scenario(course, pathway_slug):
    found = [
        q.key
        for q in _questions(course)
        if q.scenario_id
        and _question_pathways(q) == {pathway_slug}
        and any(c.is_correct and re.search(r"keep (watching|an eye)", c.text) for c in q.choices.all())
    ]
    assert found


def test_no_option_is_all_or_none_of_the_above(course):
    choices = Choice.objects.filter(question__quiz__unit__course=course)
    above = choices.filter(text__iregex=r"(all|none|both) of the above")
    assert not above.exists()


def test_the_right_option_is_never_given_away_by_its_length(course):
    cued = []
    for question in _questions(course):
        if question.type_name not in ("single", "multiple"):
            continue
        right = [len(c.text) for c in question.choices.all() if c.is_correct]
        wrong = [len(c.text) for c in question.choices.all() if not c.is_correct]
        if question.type_name == "single":
            if right[0] > LONGEST_RIGHT_RATIO * max(wrong):
                cued.append(f"{question.quiz.unit.slug}/{question.key}: {right} vs {wrong}")
        else:
            mean_right, mean_wrong = sum(right) / len(right), sum(wrong) / len(wrong)
            if max(mean_right, mean_wrong) > MULTIPLE_MEAN_RATIO * min(mean_right, mean_wrong):
                cued.append(f"{question.quiz.unit.slug}/{question.key}: {mean_right:.0f} vs {mean_wrong:.0f}")
    assert not cued


def test_the_right_option_is_not_usually_the_longest(course):
    per_quiz: dict[str, list[bool]] = {}
    for question in _questions(course):
        if question.type_name != "single":
            continue
        right = [len(c.text) for c in question.choices.all() if c.is_correct]
        wrong = [len(c.text) for c in question.choices.all() if not c.is_correct]
        per_quiz.setdefault(question.quiz.unit.slug, []).append(right[0] > max(wrong))
    assert per_quiz
    too_often = {
        slug: f"{sum(hits)} of {len(hits)}"
        for slug, hits in per_quiz.items()
        if sum(hits) > LONGEST_RIGHT_SHARE * len(hits)
    }
    assert not too_often


def test_feedback_never_says_not_quite(course):
    soft = Choice.objects.filter(question__quiz__unit__course=course, feedback__icontains="not quite")
    assert not [f"{c.question.key}/{c.key}" for c in soft]


# Question pools for the assessment issue ---------------------------------------------------------------


def test_every_pathway_has_a_bank_of_at_least_2n_questions_per_unit(course):
    assert set(QUESTIONS_DRAWN) == {u.slug for u in course.units.all()}
    short = []
    for item in course.units.all():
        for pathway in course.pathways.all():
            bank = len(quiz_selectors.question_ids_for_pathway(quiz=item.quiz, pathway=pathway))
            if bank < 2 * QUESTIONS_DRAWN[item.slug]:
                short.append(f"{item.slug} / {pathway.slug}: {bank} < {2 * QUESTIONS_DRAWN[item.slug]}")
    assert not short
    assert all(n >= 4 for n in QUESTIONS_DRAWN.values())


# Support for the learner -------------------------------------------------------------------------------


@pytest.mark.parametrize("unit_slug", ["spotting-the-signs", "pass-it-on", "what-happens-next"])
def test_a_content_note_opens_the_hardest_units(course, unit_slug):
    first = seen_by_every_pathway(unit(course, unit_slug))[0]
    assert isinstance(first, CalloutBlock) and first.heading == "Content note"
    assert "../support-and-resources/" in first.body


def test_every_unit_page_has_a_lasting_if_this_affects_you_link(course):
    for item in course.units.exclude(slug="support-and-resources"):
        blocks = [b for b in seen_by_every_pathway(item) if b.heading == "If this affects you"]
        assert blocks, item.slug
        assert "../support-and-resources/" in blocks[0].body
        body = " ".join(blocks[0].body.split())
        assert "116000" in body and "young person yourself" in body


def test_under_18_staff_are_told_say_something_is_for_them(course):
    text = unit_text(seen_by_every_pathway(unit(course, "support-and-resources")))
    assert "apprentices" in " ".join(text.split()) and "116000" in text
    # The guide gives Say Something no age limit: "for children and young people" (review-16 item 15).
    assert "young person yourself" in " ".join(course.content_note.split())


# Honest minutes ---------------------------------------------------------------------------------------


def _reading_minutes(course, item) -> int:
    longest = 0
    for pathway in course.pathways.all():
        blocks = list(course_selectors.unit_blocks_for_pathway(unit=item, pathway=pathway))
        words = len(WORD.findall(" ".join([item.title, *item.outcomes, unit_text(blocks)])))
        reflections = sum(isinstance(b, ReflectionBlock) for b in blocks)
        longest = max(longest, math.ceil(words / WORDS_PER_MINUTE) + MINUTES_PER_REFLECTION * reflections)
    return longest


def test_unit_minutes_are_the_reading_time_of_the_longest_pathway(course):
    wrong = {
        item.slug: (item.minutes, minutes)
        for item in course.units.all()
        if abs(item.minutes - (minutes := _reading_minutes(course, item))) > 1
    }
    assert not wrong


def test_cpd_minutes_are_reading_plus_quiz_time(course):
    reading = sum(item.minutes for item in course.units.all())
    quizzes = MINUTES_PER_QUESTION * sum(QUESTIONS_DRAWN.values())
    assert abs(course.cpd_minutes - (reading + quizzes)) <= 5
