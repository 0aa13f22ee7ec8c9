"""Course files as YAML with the line of every mapping, key and list item, so each error can say where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LList(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = LDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
        data.key_lines[key] = key_node.start_mark.line + 1
    data.update(loader.construct_mapping(node, deep=True))


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):
    data = LList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class ContentError(Exception):
    """One or more problems in content files; `errors` lists them, each naming file, position and problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def read_yaml(path: Path, root: Path, errors: list[str]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(f"{_display(path, root)}: cannot read the file: {exc}")
        return None
    try:
        # _LineLoader is a SafeLoader subclass that only adds line numbers: no arbitrary objects.
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        errors.append(
            f"{_display(path, root)}{where}: not valid YAML: {problem}{f' ({context})' if context else ''}"
        )
        return None


def _display(path: Path, root: Path) -> str:
    """A short path for messages: relative to the working directory if possible, else to the content root."""
    for base in (Path.cwd(), root.parent):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)
