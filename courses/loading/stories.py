"""Reads and checks a story block's steps (`type: story`, format in courses/content/README.md): every step
reachable from the first, 2–4 choices each leading to a known step, no dead end that is not an end step and
no loop without a way out to an end. Each problem is recorded with its file, path and line."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders

from .validate import SLUG_RE, Reader

ENDINGS = ("good", "poor")
MIN_CHOICES, MAX_CHOICES = 2, 4
STEP_FIELDS = ["key", "heading", "text", "image", "alt", "choices", "ending", "why"]
CHOICE_FIELDS = ["key", "text", "next", "feedback"]


def parse_story_steps(reader: Reader) -> list[dict[str, Any]]:
    """The block's `steps` as stored on StoryBlock.steps (a list of plain dicts, first step first)."""
    steps: list[dict[str, Any]] = []
    welsh_steps: list[dict[str, Any]] = []  # the same steps with their Welsh texts (issue 21)
    readers: dict[str, Reader] = {}
    next_readers: list[tuple[Reader, str]] = []
    for path, item in reader.mapping_list("steps"):
        sub = reader.child(path, item)
        if not sub.is_mapping("a step"):
            continue
        sub.check_unknown(STEP_FIELDS)
        key = sub.slug("key")
        if key in readers:
            sub.error(f"step {key!r} appears twice; each step needs its own key", "key")
            continue
        step: dict[str, Any] = {
            "key": key,
            "heading": sub.text("heading", max_length=200),
            "text": sub.text("text"),
        }
        image = sub.text("image", required=False, max_length=200)
        if image:
            step["image"], step["alt"] = image, sub.text("alt", max_length=300)
            if not finders.find(image):
                sub.error(f"no static file {image!r} (a path under static/, e.g. stories/party.svg)", "image")
        elif "alt" in item:
            sub.error("alt text without an image; give the image too, or remove alt", "alt")
        ending = sub.text("ending", required=False)
        if ending:
            if ending not in ENDINGS:
                sub.error(f"{ending!r} is not allowed; expected one of: {', '.join(ENDINGS)}", "ending")
            if "choices" in item:
                sub.error("an end step has no choices; remove them, or remove `ending`", "choices")
            step["ending"], step["why"] = ending, sub.text("why")
        else:
            if "why" in item:
                sub.error("only an end step (with `ending`) has `why`", "why")
            step["choices"], welsh_choices = _choices(sub, key, next_readers)
        if key:
            readers[key] = sub
        steps.append(step)
        welsh_step = {**step, **sub.welsh}
        if "choices" in step:
            welsh_step["choices"] = welsh_choices
        welsh_steps.append(welsh_step)
    if not steps:
        if "steps" in reader.data:
            reader.error("needs at least two steps: one with choices and an end step", "steps")
        return steps
    for choice_reader, target in next_readers:
        if target and target not in readers:
            choice_reader.error(
                f"leads to step {target!r}, which this story does not have; it has: "
                f"{', '.join(sorted(readers))}",
                "next",
            )
    _check_graph(reader, steps, readers)
    if any(step_reader.welsh for step_reader in readers.values()):
        reader.welsh["steps"] = welsh_steps
    return steps


def _choices(
    sub: Reader, step_key: str, next_readers: list[tuple[Reader, str]]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The step's choices, and the same choices with their Welsh texts."""
    items = sub.mapping_list("choices", required=False)
    if "choices" not in sub.data:
        sub.error(
            f"dead end: step {step_key!r} has no choices and is not an end step; give it "
            f"{MIN_CHOICES} to {MAX_CHOICES} choices, or make it an end step with `ending` and `why`",
        )
        return [], []
    if not MIN_CHOICES <= len(items) <= MAX_CHOICES:
        sub.error(f"has {len(items)} choice(s); a step needs {MIN_CHOICES} to {MAX_CHOICES}", "choices")
    choices: list[dict[str, str]] = []
    welsh_choices: list[dict[str, str]] = []
    for index, (path, item) in enumerate(items):
        choice_reader = sub.child(path, item)
        if not choice_reader.is_mapping("a choice"):
            continue
        choice_reader.check_unknown(CHOICE_FIELDS)
        key = choice_reader.text("key", required=False) or "abcd"[index % 4]
        if not SLUG_RE.match(key):
            choice_reader.error(f"{key!r} is not a key: use lower-case letters, digits and hyphens", "key")
        if key in {choice["key"] for choice in choices}:
            choice_reader.error(f"choice {key!r} appears twice in this step", "key")
        choice = {
            "key": key,
            "text": choice_reader.text("text", max_length=300),
            "next": choice_reader.text("next"),
            "feedback": choice_reader.text("feedback"),
        }
        next_readers.append((choice_reader, choice["next"]))
        choices.append(choice)
        welsh_choices.append({**choice, **choice_reader.welsh})
    return choices, welsh_choices


def _check_graph(reader: Reader, steps: list[dict[str, Any]], readers: dict[str, Reader]) -> None:
    """Every step reachable from the first; from every reachable step an end reachable (else a loop)."""
    targets = {
        step["key"]: [c["next"] for c in step.get("choices", []) if c["next"] in readers] for step in steps
    }
    start = steps[0]["key"]
    reachable = _closure([start], targets)
    for step in steps:
        if step["key"] and step["key"] not in reachable:
            readers[step["key"]].error(
                f"step {step['key']!r} cannot be reached: no choice leads to it from the first step {start!r}"
            )
    ends = [step["key"] for step in steps if step.get("ending")]
    if not any(step.get("ending") == "good" for step in steps):
        reader.error("needs at least one end step with `ending: good` (the guide's way through)", "steps")
    sources: dict[str, list[str]] = {}
    for source, nexts in targets.items():
        for target in nexts:
            sources.setdefault(target, []).append(source)
    can_end = _closure(ends, sources)
    for step in steps:
        key = step["key"]
        if key in reachable and key not in can_end and step.get("choices"):
            readers[key].error(
                f"loop without an exit: from step {key!r} no choice ever leads to an end step; "
                "give one of the steps on this loop a choice that leads on to an end"
            )


def _closure(start: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for target in edges.get(todo.pop(), []):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def story_texts(steps: list[dict[str, Any]]) -> list[str]:
    """Every text of a story's steps (headings, text, alt, why, choices and feedback): where numbers live."""
    texts: list[str] = []
    for step in steps or []:
        texts += [str(step.get(name) or "") for name in ("heading", "text", "alt", "why")]
        for choice in step.get("choices", []):
            texts += [str(choice.get("text") or ""), str(choice.get("feedback") or "")]
    return texts
