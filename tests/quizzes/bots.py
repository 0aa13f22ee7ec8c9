"""Simulated learners for the assessment-rules test (test_bots.py): a bot that never reads, answers at random
and learns from everything a result page shows; a bot that answers from the answer key (the guide).

A bot sees what the quiz form shows (prompts, option texts and their opaque form values: `render_context`,
the same call the question templates use) and what the rendered result page says; never `is_correct`,
`position` or `match` (only the answer-key bot reads those)."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from quizzes import selectors
from quizzes.views import result_context


@dataclass
class Seen:
    """One result page's question, as a bot reads it."""

    prompt: str
    status: str  # right | partly | wrong
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (option text, label, feedback)


class ResultPage(HTMLParser):
    """The questions of a rendered result page: prompt, status and the options it names."""

    def __init__(self, html: str):
        super().__init__()
        self.questions: list[Seen] = []
        self._in: str | None = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" and "data-status" in attributes:
            self.questions.append(Seen(prompt="", status=attributes["data-status"]))
        elif self.questions and tag == "h3":
            self._in, self._text = "prompt", ""
        elif self.questions and tag == "li" and "feedback" in (attributes.get("class") or ""):
            self._in, self._text = "item", ""

    def handle_endtag(self, tag):
        if self._in == "prompt" and tag == "h3":
            self.questions[-1].prompt = re.sub(r"^Question \d+: ", "", self._text.strip())
            self._in = None
        elif self._in == "item" and tag == "li":
            first, _, feedback = self._text.strip().partition("\n")
            text, _, label = first.rpartition(" – ")
            self.questions[-1].items.append((text.strip(), label.strip(), feedback.strip()))
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


def render_result(attempt, learner) -> str:
    """The real result page's HTML for this attempt (the view's own context and template)."""
    request = RequestFactory().get("/")
    request.user = learner or AnonymousUser()
    request.session = {}
    return render_to_string("quizzes/result.html", result_context(attempt), request=request)


@dataclass
class Memory:
    """What a bot has learned, by question prompt: option texts known right or wrong, answers that failed."""

    right: dict[str, set[str]] = field(default_factory=dict)  # a full answer seen marked right
    wrong: dict[str, set[str]] = field(default_factory=dict)  # options seen to be wrong
    failed: dict[str, set[tuple]] = field(default_factory=dict)  # whole answers (ordering/matching) not right
    solved: dict[str, tuple] = field(default_factory=dict)  # whole answers marked right

    def learn(self, quiz_id: int, page: ResultPage, given: dict[str, tuple]) -> None:
        for seen in page.questions:
            seen.prompt = f"{quiz_id}|{seen.prompt}"
            answer = given.get(seen.prompt)
            if answer is None:
                continue
            kind, value = answer
            if seen.status == "right":
                self.solved[seen.prompt] = answer
                continue
            self.failed.setdefault(seen.prompt, set()).add(answer)
            named = {text for text, label, _ in seen.items}
            if kind == "single":
                # A failed single choice names the chosen option, which was wrong.
                self.wrong.setdefault(seen.prompt, set()).update(named)
            elif kind == "multiple" and named != set(value):
                # Were a failed page to name only some picks, those would be wrong and the rest right.
                self.wrong.setdefault(seen.prompt, set()).update(named)
                self.right.setdefault(seen.prompt, set()).update(set(value) - named)
            # (Every pick shown alike, as the page does: only "this combination failed", kept in `failed`.)
            for text, _, feedback in seen.items:
                if feedback.lower().startswith("right"):
                    self.right.setdefault(seen.prompt, set()).add(text)


def _form_options(question, choices, seed):
    return question.render_context(choices, seed)


_QUESTIONS: dict[int, tuple] = {}


def questions_of(attempt) -> list[tuple]:
    """The attempt's questions as its quiz page shows them (cached per question: the bots take thousands of
    attempts at seven quizzes), with this attempt's own option values."""
    missing = [pk for pk in attempt.question_ids if pk not in _QUESTIONS]
    if missing:
        for question, choices in selectors.questions_with_choices(question_ids=missing):
            _QUESTIONS[question.pk] = (question, choices)
    shown = [_QUESTIONS[pk] for pk in attempt.question_ids]
    for question, _ in shown:
        question.option_salt = str(attempt.public_id)
    return shown


def forget_questions() -> None:
    _QUESTIONS.clear()


def random_answers(attempt, memory: Memory, rng: random.Random) -> tuple[dict, dict[str, tuple]]:
    """Answer every question of the attempt at random, using what the bot has learned."""
    data: dict = {}
    given: dict[str, tuple] = {}
    for question, choices in questions_of(attempt):
        shown = _form_options(question, choices, attempt.seed)
        options = shown["options"]
        prompt = f"{attempt.quiz_id}|{unescape(question.prompt)}"  # a bot knows which quiz it is on
        solved = memory.solved.get(prompt)
        if question.type_name in ("single", "multiple"):
            by_text = {option.text: option for option in options}
            if solved:
                picked = list(solved[1])
            else:
                known_wrong = memory.wrong.get(prompt, set())
                known_right = memory.right.get(prompt, set()) & set(by_text)
                candidates = [t for t in by_text if t not in known_wrong] or list(by_text)
                if question.type_name == "single":
                    picked = [next(iter(known_right))] if known_right else [rng.choice(candidates)]
                else:
                    rest = [t for t in candidates if t not in known_right]
                    picked = sorted(known_right | set(rng.sample(rest, rng.randint(0, len(rest)))))
                    picked = picked or [rng.choice(candidates)]
            values = [by_text[t].value for t in picked if t in by_text] or [rng.choice(options).value]
            data[question.field_name] = values[0] if question.type_name == "single" else values
            given[prompt] = (question.type_name, tuple(sorted(picked)))
        elif question.type_name == "ordering":
            failed = memory.failed.get(prompt, set())
            orders = [tuple(p) for p in itertools.permutations(range(1, len(options) + 1))]
            fresh = [o for o in orders if ("ordering", o) not in failed] or orders
            order = solved[1] if solved else rng.choice(fresh)
            for option, position in zip(options, order, strict=True):
                data[question.item_field(option)] = str(position)
            given[prompt] = ("ordering", tuple(order))
        else:  # matching: the answers offered in each drop-down
            answers = [answer.value for answer in shown["answers"]]  # what the form sends
            failed = memory.failed.get(prompt, set())
            for _ in range(20):
                pick = solved[1] if solved else tuple(rng.choice(answers) for _ in options)
                if ("matching", pick) not in failed:
                    break
            for option, answer in zip(options, pick, strict=True):
                data[question.item_field(option)] = answer
            given[prompt] = ("matching", tuple(pick))
    return data, given


def key_answers(attempt) -> dict:
    """The answer key: what the guide says (reads is_correct, position and match)."""
    data: dict = {}
    for question, choices in questions_of(attempt):
        options = {option.key: option for option in _form_options(question, choices, attempt.seed)["options"]}
        if question.type_name == "single":
            data[question.field_name] = next(options[c.key].value for c in choices if c.is_correct)
        elif question.type_name == "multiple":
            data[question.field_name] = [options[c.key].value for c in choices if c.is_correct]
        elif question.type_name == "ordering":
            data.update({question.item_field(options[c.key]): str(c.position) for c in choices})
        else:
            data.update({question.item_field(options[c.key]): c.match for c in choices})
    return data
