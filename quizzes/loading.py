"""Reads quiz files (courses/content/<course>/quizzes/NN-<unit>.yaml) for `load_courses`.

Registered with courses.loading as an extension, so courses never imports quizzes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from courses.loading import CourseSpec, Reader, _display, pathway_list, read_yaml
from courses.loading.apply import apply_welsh
from courses.models import Course, Pathway, Unit

from . import pools, tags
from .models import QUESTION_TYPES, Attempt, Choice, Question, Quiz, Scenario

_PAIR_FIELDS = {"prompt": "text", "answer": "match"}
KEY_FIELDS = {"key", "type", "scenario", "pathways", "prompt", "section", "explanation", "tags"}
TYPE_FIELDS = {
    "single": {"options"},
    "multiple": {"options"},
    "ordering": {"items"},
    "matching": {"pairs", "distractors"},
}


@dataclass
class ChoiceSpec:
    key: str
    text: str
    feedback: str
    is_correct: bool = False
    position: int | None = None
    match: str = ""
    welsh: dict[str, Any] = field(default_factory=dict)  # model field -> Welsh (courses/loading/welsh.py)


@dataclass
class QuestionSpec:
    key: str
    type_name: str
    prompt: str
    section: str
    explanation: str
    scenario: str | None
    pathways: list[str]
    choices: list[ChoiceSpec]
    distractors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # kind:key from the course's tags.yaml
    welsh: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScenarioSpec:
    key: str
    text: str
    pathways: list[str]
    welsh: dict[str, Any] = field(default_factory=dict)


@dataclass
class QuizSpec:
    unit_slug: str
    pass_mark: int
    max_attempts: int | None
    scenarios: list[ScenarioSpec]
    questions: list[QuestionSpec]
    questions_per_attempt: int | None = None  # the pool: questions drawn per attempt (None: all)
    scenario_questions: int = 0  # at least this many drawn are about a role scenario
    rules: pools.AssessmentRules = field(default_factory=pools.AssessmentRules)
    vocabulary: dict[str, tags.TagSpec] | None = None


class QuizContent:
    name = "quizzes"

    def parse(self, spec: CourseSpec, root: Path, errors: list[str]) -> list[QuizSpec]:
        quiz_dir = spec.directory / "quizzes"
        if not quiz_dir.is_dir():
            return []
        units_by_stem = {unit.file_stem: unit.slug for unit in spec.units}
        unit_stems = {path.stem for path in (spec.directory / "units").glob("*.y*ml")}
        rules = pools.parse_assessment(spec.directory, root, errors)
        vocabulary = tags.parse_vocabulary(spec.directory, root, errors, welsh_required=spec.welsh_required)
        quizzes = []
        for quiz_file in sorted(quiz_dir.glob("*.y*ml")):
            display = _display(quiz_file, root)
            if quiz_file.stem not in unit_stems:
                errors.append(
                    f"{display}: no unit file units/{quiz_file.stem}.yaml for this quiz "
                    "(a quiz file takes the same name as its unit's file)"
                )
                continue
            # A unit file that could not be read has its own error; still check its quiz.
            quiz = parse_quiz(
                quiz_file,
                display,
                units_by_stem.get(quiz_file.stem, ""),
                spec.pathway_slugs,
                root,
                errors,
                vocabulary=vocabulary,
                welsh_required=spec.welsh_required,
            )
            if quiz is not None:
                quiz.rules = rules
                quizzes.append(quiz)
        return quizzes

    def material_texts(self, parsed: Any) -> list[tuple[str, str, str]]:
        """The quiz text whose phone numbers are material (feedback teaches routes too), for
        courses.loading.versions: (unit slug, text, where in the unit's quiz file)."""
        texts: list[tuple[str, str, str]] = []
        for quiz in parsed or []:
            for scenario in quiz.scenarios:
                texts.append((quiz.unit_slug, scenario.text, f"scenario {scenario.key!r}"))
            for question in quiz.questions:
                where = f"question {question.key!r}"
                parts = [question.prompt, question.section, question.explanation, *question.distractors]
                for choice in question.choices:
                    parts += [choice.text, choice.feedback, choice.match]
                texts += [(quiz.unit_slug, text, where) for text in parts if text]
        return texts

    def loaded_material_texts(self, course: Course) -> list[tuple[str, str]]:
        """The same text as loaded (unit slug, text), for content whose release recorded no material."""
        active = {"quiz__is_active": True, "quiz__unit__course": course}
        texts = [
            (slug, text)
            for slug, text in Scenario.objects.filter(**active).values_list("quiz__unit__slug", "text")
        ]
        for question in Question.objects.filter(**active).select_related("quiz__unit"):
            parts = [
                question.prompt,
                question.section,
                question.explanation,
                *getattr(question, "distractors", []),
            ]
            texts += [(question.quiz.unit.slug, text) for text in parts if text]
        choices = Choice.objects.filter(question__quiz__is_active=True, question__quiz__unit__course=course)
        for slug, *parts in choices.values_list("question__quiz__unit__slug", "text", "feedback", "match"):
            texts += [(slug, text) for text in parts if text]
        return texts

    def unit_removal_blockers(self, unit: Unit) -> list[str]:
        """A unit whose quiz has attempts keeps them: the loader must not delete learners' records."""
        if Attempt.objects.filter(quiz__unit=unit).exists():
            return ["learners have quiz attempts on it"]
        return []

    def apply(self, *, course: Course, spec: CourseSpec, parsed: Any) -> None:
        units = {u.slug: u for u in course.units.all()}
        pathways = {p.slug: p for p in course.pathways.all()}
        with_quiz = set()
        tags.apply_vocabulary(course, next((q.vocabulary for q in parsed or []), None))
        for quiz_spec in parsed or []:
            apply_quiz(units[quiz_spec.unit_slug], quiz_spec, pathways)
            with_quiz.add(quiz_spec.unit_slug)
        for slug, unit in units.items():
            if slug not in with_quiz:
                # A quiz file was removed: keep the history, stop asking for it.
                Quiz.objects.filter(unit=unit).update(is_active=False)
                if unit.completed_by_quiz:
                    unit.completed_by_quiz = False
                    unit.save(update_fields=["completed_by_quiz"])


def parse_quiz(
    path: Path,
    display: str,
    unit_slug: str,
    pathway_slugs: set[str],
    root: Path,
    errors: list[str],
    *,
    vocabulary: dict[str, tags.TagSpec] | None = None,
    welsh_required: bool = False,
) -> QuizSpec | None:
    start = len(errors)
    data = read_yaml(path, root, errors)
    if data is None and len(errors) > start:
        return None
    reader = Reader(file=display, data=data, path="", errors=errors, welsh_required=welsh_required)
    if not reader.is_mapping("a quiz"):
        return None
    reader.check_unknown(["pass_mark", "max_attempts", "scenarios", "questions", *pools.POOL_FIELDS])
    quiz = QuizSpec(
        unit_slug=unit_slug,
        pass_mark=reader.integer("pass_mark", required=False, default=80, minimum=1, maximum=100),
        max_attempts=reader.integer("max_attempts", required=False, default=0, minimum=1, maximum=100)
        or None,
        scenarios=[],
        questions=[],
        vocabulary=vocabulary,
    )
    pools.parse_pool(reader, quiz)
    for item_path, item in reader.mapping_list("scenarios", required=False):
        sub = reader.child(item_path, item)
        if not sub.is_mapping("a scenario"):
            continue
        sub.check_unknown(["key", "text", "pathways"])
        scenario = ScenarioSpec(
            sub.slug("key"), sub.text("text"), pathway_list(sub, "pathways", pathway_slugs), sub.welsh
        )
        if scenario.key and scenario.key in {s.key for s in quiz.scenarios}:
            sub.error(f"scenario key {scenario.key!r} is used twice", "key")
        quiz.scenarios.append(scenario)
    scenario_keys = {s.key for s in quiz.scenarios}
    for item_path, item in reader.mapping_list("questions"):
        sub = reader.child(item_path, item)
        if not sub.is_mapping("a question"):
            continue
        question = parse_question(sub, pathway_slugs, scenario_keys, vocabulary)
        if question is None:
            continue
        if question.key in {q.key for q in quiz.questions}:
            sub.error(f"question key {question.key!r} is used twice", "key")
        quiz.questions.append(question)
    if not quiz.questions and len(errors) == start:
        reader.error("a quiz needs at least one question", "questions")
    scenario_pathways = {s.key: set(s.pathways) for s in quiz.scenarios}
    for question in quiz.questions:
        limits = scenario_pathways.get(question.scenario or "", set())
        if question.pathways and limits and not set(question.pathways) <= limits:
            reader.error(
                f"question {question.key!r} is limited to pathways that its scenario "
                f"{question.scenario!r} is not for",
                "questions",
            )
    if quiz.questions and len(errors) == start:
        for slug in sorted(pathway_slugs):
            if not any(_visible_to(question, slug, scenario_pathways) for question in quiz.questions):
                reader.error(f"no question in this quiz is for pathway {slug!r}", "questions")
        pools.check_banks(
            reader, quiz, pathway_slugs, lambda question, slug: _visible_to(question, slug, scenario_pathways)
        )
    return quiz


def _visible_to(question: QuestionSpec, pathway: str, scenario_pathways: dict[str, set[str]]) -> bool:
    limits = set(question.pathways) or scenario_pathways.get(question.scenario or "", set())
    return not limits or pathway in limits


def parse_question(
    reader: Reader,
    pathway_slugs: set[str],
    scenario_keys: set[str],
    vocabulary: dict[str, tags.TagSpec] | None = None,
) -> QuestionSpec | None:
    type_name = reader.text("type")
    if type_name and type_name not in QUESTION_TYPES:
        reader.error(
            f"unknown question type {type_name!r}; expected one of: {', '.join(sorted(QUESTION_TYPES))}",
            "type",
        )
        return None
    if not type_name:
        return None
    reader.check_unknown(KEY_FIELDS | TYPE_FIELDS[type_name])
    scenario = reader.text("scenario", required=False) or None
    if scenario and scenario not in scenario_keys:
        reader.error(f"unknown scenario {scenario!r}; define it under scenarios:", "scenario")
    question = QuestionSpec(
        key=reader.slug("key"),
        type_name=type_name,
        prompt=reader.text("prompt"),
        section=reader.text("section", max_length=250),
        explanation=reader.text("explanation"),
        scenario=scenario,
        pathways=pathway_list(reader, "pathways", pathway_slugs),
        choices=[],
        tags=tags.question_tags(reader, vocabulary),
    )
    if type_name in {"single", "multiple"}:
        for index, (item_path, item) in enumerate(reader.mapping_list("options")):
            sub = reader.child(item_path, item)
            if not sub.is_mapping("an option"):
                continue
            sub.check_unknown(["key", "text", "correct", "feedback"])
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                sub.error(f"must be true or false, got {correct!r}", "correct")
            question.choices.append(
                ChoiceSpec(
                    key=_choice_key(sub, index),
                    text=sub.text("text"),
                    feedback=sub.text("feedback"),
                    is_correct=correct is True,
                    welsh=sub.welsh,
                )
            )
        right = sum(c.is_correct for c in question.choices)
        if question.choices and len(question.choices) < 2:
            reader.error("needs at least two options", "options")
        if type_name == "single" and question.choices and right != 1:
            reader.error(
                f"a single-choice question needs exactly one correct option, found {right}", "options"
            )
        if type_name == "multiple" and question.choices and right < 1:
            reader.error("a multiple-response question needs at least one correct option", "options")
    elif type_name == "ordering":
        for index, (item_path, item) in enumerate(reader.mapping_list("items")):
            sub = reader.child(item_path, item)
            if not sub.is_mapping("an item"):
                continue
            sub.check_unknown(["key", "text", "feedback"])
            question.choices.append(
                ChoiceSpec(
                    key=_choice_key(sub, index),
                    text=sub.text("text"),
                    feedback=sub.text("feedback"),
                    position=index + 1,
                    welsh=sub.welsh,
                )
            )
        if question.choices and len(question.choices) < 2:
            reader.error("needs at least two items", "items")
    else:  # matching
        for index, (item_path, item) in enumerate(reader.mapping_list("pairs")):
            sub = reader.child(item_path, item)
            if not sub.is_mapping("a pair"):
                continue
            sub.check_unknown(["key", "prompt", "answer", "feedback"])
            question.choices.append(
                ChoiceSpec(
                    key=_choice_key(sub, index),
                    text=sub.text("prompt"),
                    feedback=sub.text("feedback"),
                    match=sub.text("answer", max_length=250),
                    # A pair's `prompt` and `answer` are the choice's text and match.
                    welsh={_PAIR_FIELDS.get(name, name): text for name, text in sub.welsh.items()},
                )
            )
        question.distractors = reader.string_list("distractors", required=False)
        if question.choices and len(question.choices) < 2:
            reader.error("needs at least two pairs", "pairs")
    question.welsh = reader.welsh
    keys = [c.key for c in question.choices]
    if len(set(keys)) != len(keys):
        reader.error("two options share the same key", None)
    return question


def _choice_key(reader: Reader, index: int) -> str:
    if "key" in reader.data:
        return reader.slug("key")
    return _letters(index)


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def apply_quiz(unit: Unit, spec: QuizSpec, pathways: dict[str, Pathway]) -> Quiz:
    quiz, _ = Quiz.objects.update_or_create(
        unit=unit,
        defaults={
            "pass_mark": spec.pass_mark,
            "max_attempts": spec.max_attempts or spec.rules.attempts,
            "cooling_off_hours": spec.rules.cooling_off_hours,
            "questions_per_attempt": spec.questions_per_attempt,
            "min_scenario_questions": spec.scenario_questions,
            "is_active": True,
        },
    )
    if not unit.completed_by_quiz:
        unit.completed_by_quiz = True
        unit.save(update_fields=["completed_by_quiz"])
    scenarios: dict[str, Scenario] = {}
    existing_scenarios = {s.key: s for s in quiz.scenarios.all()}
    for item in spec.scenarios:
        scenario = existing_scenarios.pop(item.key, None) or Scenario(quiz=quiz, key=item.key)
        scenario.text = item.text
        apply_welsh(scenario, item.welsh)
        scenario.save()
        scenario.pathways.set([pathways[slug] for slug in item.pathways])
        scenarios[item.key] = scenario
    for scenario in existing_scenarios.values():
        scenario.delete()

    existing = {q.key: q for q in Question.objects.filter(quiz=quiz)}
    for order, item in enumerate(spec.questions, start=1):
        question_class = QUESTION_TYPES[item.type_name]
        question = existing.pop(item.key, None)
        if question is not None and type(question) is not question_class:
            # The type changed: the old question goes (answers keep their snapshot), a new one is made.
            question.delete()
            question = None
        if question is None:
            question = question_class(quiz=quiz, key=item.key)
        question.order = order
        question.prompt = item.prompt
        question.section = item.section
        question.explanation = item.explanation
        question.tags = item.tags
        question.scenario = scenarios.get(item.scenario) if item.scenario else None
        question.is_active = True
        question.set_type_fields(distractors=item.distractors)
        apply_welsh(question, item.welsh)
        question.save()
        limited_to = item.pathways or (
            next(s for s in spec.scenarios if s.key == item.scenario).pathways if item.scenario else []
        )
        question.pathways.set([pathways[slug] for slug in limited_to])
        _apply_choices(question, item.choices)
    for question in existing.values():
        question.is_active = False
        question.save(update_fields=["is_active"])
    return quiz


def _apply_choices(question: Question, specs: list[ChoiceSpec]) -> None:
    existing = {c.key: c for c in question.choices.all()}
    for order, item in enumerate(specs, start=1):
        choice = existing.pop(item.key, None) or Choice(question=question, key=item.key)
        choice.order = order
        choice.text = item.text
        choice.feedback = item.feedback
        choice.is_correct = item.is_correct
        choice.position = item.position
        choice.match = item.match
        apply_welsh(choice, item.welsh)
        choice.save()
    for choice in existing.values():
        choice.delete()
