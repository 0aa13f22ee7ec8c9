"""Topic tags: what a question tests (a sign, a place, a route, a response, a resource, a fact).

A course's vocabulary is `<course>/tags.yaml`, one list per kind, each entry a `key` and its `label` (the
guide's words). A question's `tags:` names entries as `kind:key`; the loader refuses a tag not in the
vocabulary, with the file and line. Tags are metadata for the item analysis: learners never see them, so
they are not material and adding or changing them needs no release (see courses/content/README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from courses.loading import Reader, _display, read_yaml

TAGS_FILE = "tags.yaml"
KINDS = ("sign", "place", "route", "response", "resource", "fact")


@dataclass(frozen=True)
class TagSpec:
    kind: str
    key: str
    label: str
    label_cy: str | None = None  # Welsh (issue 21)

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.key}"


def parse_vocabulary(
    directory: Path, root: Path, errors: list[str], *, welsh_required: bool = False
) -> dict[str, TagSpec] | None:
    """The course's tags by name (`kind:key`); None when the course has no tags.yaml (no tags allowed)."""
    path = directory / TAGS_FILE
    if not path.is_file():
        return None
    start = len(errors)
    data = read_yaml(path, root, errors)
    if len(errors) > start:
        return {}
    reader = Reader(
        file=_display(path, root), data=data, path="", errors=errors, welsh_required=welsh_required
    )
    if not reader.is_mapping("the course's topic tags"):
        return {}
    reader.check_unknown(KINDS)
    vocabulary: dict[str, TagSpec] = {}
    for kind in KINDS:
        for item_path, item in reader.mapping_list(kind, required=False):
            sub = reader.child(item_path, item)
            if not sub.is_mapping("a tag"):
                continue
            sub.check_unknown(["key", "label"])
            tag = TagSpec(kind=kind, key=sub.slug("key"), label=sub.text("label", max_length=200))
            tag = TagSpec(tag.kind, tag.key, tag.label, sub.welsh.get("label"))
            if tag.name in vocabulary:
                sub.error(f"tag {tag.name!r} is defined twice", "key")
            vocabulary[tag.name] = tag
    return vocabulary


def question_tags(reader: Reader, vocabulary: dict[str, TagSpec] | None) -> list[str]:
    """A question's `tags:` checked against the vocabulary (file and line on an unknown one)."""
    if "tags" not in reader.data:
        return []
    names = reader.string_list("tags")
    if vocabulary is None:
        reader.error(f"this course has no {TAGS_FILE}: define the tags there before using them", "tags")
        return []
    unknown = [name for name in names if name not in vocabulary]
    if unknown:
        reader.error(
            f"unknown tag {unknown[0]!r}; tags are kind:key from {TAGS_FILE} (kinds: {', '.join(KINDS)})",
            "tags",
        )
        return []
    if len(set(names)) != len(names):
        reader.error("a tag is given twice", "tags")
    return list(dict.fromkeys(names))


def apply_vocabulary(course, vocabulary: dict[str, TagSpec] | None) -> None:
    """Make the course's TopicTag rows match its tags.yaml (inside the loader's transaction)."""
    from .models import TopicTag  # models import nothing from here; kept local for the loader's parse step

    vocabulary = vocabulary or {}
    existing = {t.name: t for t in TopicTag.objects.filter(course=course)}
    for name, spec in vocabulary.items():
        row = existing.pop(name, None) or TopicTag(course=course, name=name)
        if (row.kind, row.label_en, row.label_cy) != (spec.kind, spec.label, spec.label_cy) or row.pk is None:
            row.kind, row.label_en, row.label_cy = spec.kind, spec.label, spec.label_cy
            row.save()
    TopicTag.objects.filter(pk__in=[t.pk for t in existing.values()]).delete()
