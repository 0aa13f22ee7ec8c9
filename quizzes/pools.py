"""The loader's part of the assessment rules: a course's `assessment.yaml` (attempt limit, cooling-off) and a
quiz file's pool (`questions_per_attempt`, `scenario_questions`), checked with file and line.

Kept apart from the quiz file's questions (quizzes.loading) so the rules read in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courses.loading import Reader, _display, read_yaml

QuizSpec = Any  # quizzes.loading.QuizSpec (not imported: loading imports this module)

ASSESSMENT_FILE = "assessment.yaml"
POOL_FIELDS = ["questions_per_attempt", "scenario_questions"]
# The bank must hold at least this many times the questions an attempt draws, for every pathway.
BANK_FACTOR = 2


@dataclass(frozen=True)
class AssessmentRules:
    attempts: int | None = 3  # failed attempts before a cooling-off lock; None: no limit
    cooling_off_hours: int = 24


def parse_assessment(directory: Path, root: Path, errors: list[str]) -> AssessmentRules:
    """The course's assessment rules from `<course>/assessment.yaml`; defaults when the file is absent."""
    path = directory / ASSESSMENT_FILE
    if not path.is_file():
        return AssessmentRules()
    start = len(errors)
    data = read_yaml(path, root, errors)
    if len(errors) > start:
        return AssessmentRules()
    reader = Reader(file=_display(path, root), data=data, path="", errors=errors)
    if not reader.is_mapping("the course's assessment rules"):
        return AssessmentRules()
    reader.check_unknown(["attempts", "cooling_off_hours"])
    unlimited = "attempts" in data and data["attempts"] is None
    return AssessmentRules(
        attempts=None
        if unlimited
        else reader.integer("attempts", required=False, default=3, minimum=1, maximum=20),
        cooling_off_hours=reader.integer(
            "cooling_off_hours", required=False, default=24, minimum=1, maximum=24 * 30
        ),
    )


def parse_pool(reader: Reader, quiz: QuizSpec) -> None:
    """Read the pool fields of a quiz file into `quiz` (before its questions are read)."""
    count = reader.integer("questions_per_attempt", required=False, default=0, minimum=1, maximum=100)
    quiz.questions_per_attempt = count or None
    quiz.scenario_questions = reader.integer(
        "scenario_questions", required=False, default=0, minimum=0, maximum=100
    )
    if quiz.questions_per_attempt and quiz.scenario_questions > quiz.questions_per_attempt:
        reader.error(
            f"asks for {quiz.scenario_questions} scenario questions but an attempt has only "
            f"{quiz.questions_per_attempt}",
            "scenario_questions",
        )


def check_banks(reader: Reader, quiz: QuizSpec, pathway_slugs: set[str], visible) -> None:
    """Refuse a bank smaller than BANK_FACTOR × questions_per_attempt for any pathway, and a bank without
    the scenario questions the mix asks for. `visible(question, pathway)` says who is set a question."""
    count = quiz.questions_per_attempt
    if count is None:
        return
    needed = BANK_FACTOR * count
    for slug in sorted(pathway_slugs):
        bank = [question for question in quiz.questions if visible(question, slug)]
        if len(bank) < needed:
            reader.error(
                f"pathway {slug!r} has {len(bank)} question(s) in this quiz; drawing {count} per attempt "
                f"needs a bank of at least {needed} ({BANK_FACTOR} × {count}) for every pathway",
                "questions_per_attempt",
            )
        about_scenario = sum(1 for question in bank if question.scenario)
        if about_scenario < quiz.scenario_questions:
            reader.error(
                f"pathway {slug!r} has {about_scenario} scenario question(s) in this quiz; each attempt "
                f"needs {quiz.scenario_questions}",
                "scenario_questions",
            )
