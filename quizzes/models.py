"""Quiz, Scenario, polymorphic Question types (each grades itself), Choice, Attempt and Answer."""

from __future__ import annotations

import random
import uuid
from typing import Any

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from polymorphic.models import PolymorphicModel

from courses.models import Enrolment, Pathway, Unit

from .grading import ChoiceFeedback, FormOption, Grade, InvalidResponse, MatchAnswer, answer_texts, english_of

__all__ = ["ChoiceFeedback", "FormOption", "Grade", "InvalidResponse"]  # re-exported; models follow


class Quiz(models.Model):
    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Per cent needed to pass.")
    max_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Failed attempts before a cooling-off lock. Empty means unlimited."
    )
    cooling_off_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How long the quiz stays locked after the last allowed attempt fails."
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Questions drawn from the pathway's bank per attempt. Empty: all."
    )
    min_scenario_questions = models.PositiveSmallIntegerField(
        default=0, help_text="At least this many of the drawn questions are about a role scenario."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100), name="quizzes_quiz_pass_mark_max_100"
            )
        ]

    def __str__(self) -> str:
        return f"Quiz: {self.unit}"


class Scenario(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="scenarios")
    key = models.SlugField(max_length=80)
    text = models.TextField(help_text="Markdown: a short situation in the learner's role.")
    pathways = models.ManyToManyField(Pathway, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="quizzes_scenario_unique_key")]

    def __str__(self) -> str:
        return self.key


class Question(PolymorphicModel):
    """Base question. Each type parses its own form input and grades itself."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    prompt = models.TextField()
    section = models.CharField(max_length=250, help_text="The unit section this question tests.")
    explanation = models.TextField(help_text="Markdown shown after the attempt.")
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    pathways = models.ManyToManyField(
        Pathway,
        blank=True,
        related_name="+",
        help_text="Empty: every pathway (unless the scenario limits it).",
    )
    is_active = models.BooleanField(default=True)
    tags = models.JSONField(default=list, blank=True, help_text="What it tests: kind:key from tags.yaml.")

    type_name = "question"
    template_name = "quizzes/questions/single.html"

    class Meta:
        ordering = ["order", "id"]  # not by quiz: that would join the quiz into every per-type query
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="quizzes_question_unique_key")]

    def __str__(self) -> str:
        return f"{self.type_name}: {self.key}"

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    # The attempt it is shown in (its public id): set by selectors.questions_with_choices(attempt=...).
    option_salt: str = ""

    def option_value(self, choice: Choice) -> str:
        """What the form sends for this option: opaque, so the page says nothing about which is right, and
        different in every attempt (an HMAC of the attempt, question and option), so a submission captured
        from one attempt names no option of another."""
        return salted_hmac("quizzes.option", f"{self.option_salt}:{self.pk}:{choice.key}").hexdigest()[:16]

    def item_field(self, choice: Choice) -> str:
        """The form field for one item (ordering) or prompt (matching)."""
        return f"{self.field_name}-{self.option_value(choice)}"

    def options_for_display(self, choices: list[Choice], seed: int) -> list[FormOption]:
        """The options in the order this attempt shows them: shuffled per attempt, stable across reloads."""
        shuffled = [FormOption(key=c.key, text=c.text, value=self.option_value(c)) for c in choices]
        random.Random(f"{seed}-{self.pk}").shuffle(shuffled)
        return shuffled

    def set_type_fields(self, **values: Any) -> None:
        """Set the fields only some types have (from a content file); each type takes what it knows."""

    def parse(self, data: Any, choices: list[Choice]) -> tuple[dict, str | None]:
        """Read this question's answer from submitted form data.

        Returns (response, error): error is a message for the learner when the answer is incomplete.
        Raises InvalidResponse when the data names things that do not belong to this question."""
        raise NotImplementedError

    def grade(self, response: dict, choices: list[Choice]) -> Grade:
        raise NotImplementedError

    def render_context(self, choices: list[Choice], seed: int) -> dict:
        return {"options": self.options_for_display(choices, seed)}


def _single_value(data: Any, name: str) -> str | None:
    values = data.getlist(name) if hasattr(data, "getlist") else ([data[name]] if name in data else [])
    if len(values) > 1:
        raise InvalidResponse(f"{name} was sent more than once")
    return values[0] if values else None


class SingleChoiceQuestion(Question):
    type_name = "single"
    template_name = "quizzes/questions/single.html"

    class Meta:
        verbose_name = "single-choice question"

    def parse(self, data: Any, choices: list[Choice]) -> tuple[dict, str | None]:
        value = _single_value(data, self.field_name)
        if value in (None, ""):
            return {"choice": None}, gettext("Choose an answer")
        keys = {self.option_value(c): c.key for c in choices}
        if value not in keys:
            raise InvalidResponse(f"{value!r} is not an option of question {self.key}")
        return {"choice": keys[value]}, None

    def grade(self, response: dict, choices: list[Choice]) -> Grade:
        chosen = response.get("choice")
        if chosen is not None and chosen not in {c.key for c in choices}:
            raise InvalidResponse(f"{chosen!r} is not an option of question {self.key}")
        # The chosen option, and the right one (shown only in a full review, after a pass).
        items = [
            ChoiceFeedback(
                text=c.text,
                chosen="chosen" if c.key == chosen else "not chosen",
                is_right=(c.key == chosen) == c.is_correct,
                feedback=c.feedback,
                picked=c.key == chosen,
                correct=c.is_correct,
            )
            for c in choices
            if c.key == chosen or c.is_correct
        ]
        right = any(c.is_correct and c.key == chosen for c in choices)
        return Grade(score=1.0 if right else 0.0, items=items)


class MultipleResponseQuestion(Question):
    type_name = "multiple"
    template_name = "quizzes/questions/multiple.html"

    class Meta:
        verbose_name = "multiple-response question"

    def parse(self, data: Any, choices: list[Choice]) -> tuple[dict, str | None]:
        values = (
            data.getlist(self.field_name) if hasattr(data, "getlist") else list(data.get(self.field_name, []))
        )
        keys = {self.option_value(c): c.key for c in choices}
        if any(v not in keys for v in values):
            raise InvalidResponse(f"an answer to question {self.key} is not one of its options")
        if len(set(values)) != len(values):
            raise InvalidResponse(f"an option of question {self.key} was sent twice")
        if not values:
            return {"choices": []}, gettext("Select all the answers that apply")
        return {"choices": sorted(keys[v] for v in values)}, None

    def grade(self, response: dict, choices: list[Choice]) -> Grade:
        chosen = set(response.get("choices") or [])
        if not chosen <= {c.key for c in choices}:
            raise InvalidResponse(f"unknown options for question {self.key}")
        correct = {c.key for c in choices if c.is_correct}
        right = len(chosen & correct)
        wrong = len(chosen - correct)
        score = max(0.0, (right - wrong) / len(correct)) if correct else 0.0
        items = []
        for c in choices:
            picked = c.key in chosen
            # Feedback for every option the learner got wrong either way, and for those they picked.
            if picked or c.is_correct:
                items.append(
                    ChoiceFeedback(
                        text=c.text,
                        chosen="selected" if picked else "not selected",
                        is_right=picked == c.is_correct,
                        feedback=c.feedback,
                        picked=picked,
                        correct=c.is_correct,
                    )
                )
        return Grade(score=score, items=items)


class OrderingQuestion(Question):
    type_name = "ordering"
    template_name = "quizzes/questions/ordering.html"

    class Meta:
        verbose_name = "ordering question"

    def parse(self, data: Any, choices: list[Choice]) -> tuple[dict, str | None]:
        positions: dict[str, int] = {}
        missing = False
        allowed = {str(n) for n in range(1, len(choices) + 1)}
        prefix = f"{self.field_name}-"
        expected = {self.item_field(c) for c in choices}
        for name in data:
            if name.startswith(prefix) and name not in expected:
                raise InvalidResponse(f"{name} is not an item of question {self.key}")
        for choice in choices:
            value = _single_value(data, self.item_field(choice))
            if value in (None, ""):
                missing = True
                continue
            if value not in allowed:
                raise InvalidResponse(f"{value!r} is not a position for question {self.key}")
            positions[choice.key] = int(value)
        if missing:
            return {"positions": positions}, gettext("Give every step a position")
        if len(set(positions.values())) != len(positions):
            return {"positions": positions}, gettext("Give each step a different position")
        return {"positions": positions}, None

    def grade(self, response: dict, choices: list[Choice]) -> Grade:
        positions = response.get("positions") or {}
        if not set(positions) <= {c.key for c in choices}:
            raise InvalidResponse(f"unknown items for question {self.key}")
        items = []
        right = 0
        for c in sorted(choices, key=lambda c: c.position):
            given = positions.get(c.key)
            ok = given == c.position
            right += ok
            items.append(
                ChoiceFeedback(
                    text=c.text,
                    chosen=f"you put it at step {given}" if given else "no step given",
                    is_right=ok,
                    feedback=c.feedback,
                )
            )
        return Grade(score=right / len(choices) if choices else 0.0, items=items)


class MatchingQuestion(Question):
    type_name = "matching"
    template_name = "quizzes/questions/matching.html"
    distractors = models.JSONField(default=list, blank=True, help_text="Answers that match nothing.")

    class Meta:
        verbose_name = "matching question"

    def set_type_fields(self, **values: Any) -> None:
        self.distractors = list(values.get("distractors") or [])

    def _answer_texts(self, choices: list[Choice]) -> dict[str, str]:
        return answer_texts(self, choices)  # {English answer: its text in the active language} (MatchAnswer)

    def answers(self, choices: list[Choice]) -> list[str]:
        return sorted(self._answer_texts(choices))

    def render_context(self, choices: list[Choice], seed: int) -> dict:
        texts = self._answer_texts(choices)
        return {
            "options": self.options_for_display(choices, seed),
            "answers": [MatchAnswer(value=answer, text=texts[answer]) for answer in sorted(texts)],
        }

    def parse(self, data: Any, choices: list[Choice]) -> tuple[dict, str | None]:
        answers = set(self.answers(choices))
        prefix = f"{self.field_name}-"
        expected = {self.item_field(c) for c in choices}
        for name in data:
            if name.startswith(prefix) and name not in expected:
                raise InvalidResponse(f"{name} is not a prompt of question {self.key}")
        matches: dict[str, str] = {}
        missing = False
        for choice in choices:
            value = _single_value(data, self.item_field(choice))
            if value in (None, ""):
                missing = True
                continue
            if value not in answers:
                raise InvalidResponse(f"{value!r} is not an answer of question {self.key}")
            matches[choice.key] = value
        return {"matches": matches}, (gettext("Choose an answer for every situation") if missing else None)

    def grade(self, response: dict, choices: list[Choice]) -> Grade:
        matches = response.get("matches") or {}
        if not set(matches) <= {c.key for c in choices}:
            raise InvalidResponse(f"unknown prompts for question {self.key}")
        texts = self._answer_texts(choices)
        items = []
        right = 0
        for c in choices:
            given = matches.get(c.key)
            ok = given == english_of(c, "match")
            right += ok
            chosen = texts.get(given, given) if given else gettext("no answer")
            items.append(ChoiceFeedback(text=c.text, chosen=chosen, is_right=ok, feedback=c.feedback))
        return Grade(score=right / len(choices) if choices else 0.0, items=items)


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_name: cls
    for cls in (SingleChoiceQuestion, MultipleResponseQuestion, OrderingQuestion, MatchingQuestion)
}


class Choice(models.Model):
    """An option (single/multiple), a step (ordering: `position`) or a prompt with its answer (matching)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Ordering: the right step.")
    match = models.CharField(max_length=250, blank=True, help_text="Matching: the right answer.")
    feedback = models.TextField()

    class Meta:
        ordering = ["question", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="quizzes_choice_unique_key")]

    def __str__(self) -> str:
        return self.text[:60]


class Attempt(models.Model):
    """One go at a quiz. Open until submitted; immutable afterwards (only attempt_submit writes it)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    question_ids = models.JSONField(default=list, help_text="The questions set in this attempt, in order.")
    seed = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Per cent.")
    passed = models.BooleanField(null=True)
    # Submitted after the enrolment had passed this quiz: practice, never locked, may show everything.
    is_practice = models.BooleanField(default=False)
    seconds_spent = models.PositiveIntegerField(default=0, help_text="From opening to submitting, capped.")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "quiz"],
                condition=models.Q(submitted_at__isnull=True),
                name="quizzes_attempt_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True)
                | models.Q(score__isnull=False, passed__isnull=False),
                name="quizzes_attempt_submitted_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.public_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, null=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField()
    response = models.JSONField(help_text="What the learner chose, by option key.")
    score = models.FloatField()
    is_correct = models.BooleanField()
    # A copy of what was shown and the feedback, so history reads the same after content edits.
    snapshot = models.JSONField()

    class Meta:
        ordering = ["attempt", "order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "order"], name="quizzes_answer_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.order}"


class LockReset(models.Model):
    """Audit of a cooling-off lock lifted early by a manager of the learner's organisation or by staff:
    who, when. Failed attempts before `created_at` no longer count towards the limit."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_lock_resets")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="lock_resets")
    reset_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    reset_by_name = models.CharField(max_length=250, help_text="Who reset it, as they were then.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Lock reset {self.created_at:%Y-%m-%d %H:%M} by {self.reset_by_name}"


class TopicTag(models.Model):
    """One entry of a course's tag vocabulary (tags.yaml): what a question can test, in the guide's words."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text="kind:key, as questions name it.")
    kind = models.CharField(max_length=20)
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "label"]
        constraints = [models.UniqueConstraint(fields=["course", "name"], name="quizzes_topictag_unique")]

    def __str__(self) -> str:
        return self.name
