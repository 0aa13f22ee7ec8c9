"""Export a course file's English texts that have no Welsh twin yet, and write Welsh twins back in (issue 21).

    python scripts/welsh_strings.py export courses/content/cse-awareness/units/01-what-is-cse.yaml > 01.json
    (fill in each item's "cy": a text, or a list as long as "en")
    python scripts/welsh_strings.py import courses/content/cse-awareness/units/01-what-is-cse.yaml 01.json
    python scripts/welsh_strings.py check courses/content/cse-awareness/units/*.yaml

`import` adds `<field>_cy` right after each English field, keeping the file's comments and layout, and refuses
(changing nothing) when an item does not pass the checks of courses/loading/welsh.py. `check` lists every
learner-facing field without a Welsh twin, and every twin that does not pass. For a fluent reviewer:
`export --all` gives every English text with its Welsh beside it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "courses" / "loading"))
import welsh  # noqa: E402  (pure module: no Django needed)


def _fields(text: str):
    """(key node, value node, English, Welsh or None, mapping path) for every translatable field."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    found = []

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            for key_node, value_node in node.value:
                key = key_node.value
                if key in welsh.TRANSLATABLE:
                    twin = keys.get(welsh.welsh_key(key))
                    found.append(
                        (
                            key_node,
                            value_node,
                            _construct(value_node),
                            _construct(twin) if twin else None,
                            f"{path}.{key}".lstrip("."),
                        )
                    )
                walk(value_node, f"{path}.{key}")
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{path}[{index}]")

    if root is not None:
        walk(root, "")
    return found


def _construct(node):
    constructor = yaml.SafeLoader("")
    try:
        return constructor.construct_object(node, deep=True)
    finally:
        constructor.dispose()


def _render(key: str, value, column: int) -> list[str]:
    pad = " " * column
    if isinstance(value, list):
        lines = [f"{pad}{key}:"]
        lines += [f"{pad}  - {json.dumps(str(item), ensure_ascii=False)}" for item in value]
        return lines
    value = str(value)
    if "\n" in value.strip():
        chomp = "|" if value.endswith("\n") else "|-"
        lines = [f"{pad}{key}: {chomp}"]
        lines += [f"{pad}  {line}".rstrip() for line in value.rstrip("\n").split("\n")]
        return lines
    return [f"{pad}{key}: {json.dumps(value.strip(), ensure_ascii=False)}"]


def export(path: Path, everything: bool = False) -> list[dict]:
    items = []
    for index, (key_node, _, english, cy, where) in enumerate(_fields(path.read_text(encoding="utf-8"))):
        if english in (None, "", []) or (cy is not None and not everything):
            continue
        items.append(
            {
                "id": index,
                "where": f"{where} (line {key_node.start_mark.line + 1})",
                "en": english,
                "cy": cy if cy is not None else ("" if not isinstance(english, list) else []),
            }
        )
    return items


def import_(path: Path, items: list[dict]) -> list[str]:
    text = path.read_text(encoding="utf-8")
    fields = _fields(text)
    problems, inserts = [], []
    for item in items:
        key_node, value_node, english, existing, where = fields[item["id"]]
        if existing is not None or item.get("cy") in (None, "", []):
            continue
        if english != item["en"]:
            problems.append(f"{where}: the English changed since the export; export again")
            continue
        problems += [f"{where}: {p}" for p in welsh.value_problems(english, item["cy"])]
        end = value_node.end_mark
        # A block list or text ends where the next token starts (column 0, or its indentation): insert
        # before that line; a one-line value ends on its own line: insert after it.
        before = text.split("\n")[end.line][: end.column] if end.line < text.count("\n") + 1 else ""
        line = end.line if not before.strip() else end.line + 1
        inserts.append(
            (line, _render(welsh.welsh_key(key_node.value), item["cy"], key_node.start_mark.column))
        )
    if problems:
        return problems
    lines = text.split("\n")
    for line, new in sorted(inserts, key=lambda pair: pair[0], reverse=True):
        # Keep a block's blank separator line after the twin, not between the English and its twin.
        while line > 0 and not lines[line - 1].strip():
            line -= 1
        lines[line:line] = new
    new_text = "\n".join(lines)
    try:  # one-line {key: …, text: …} mappings cannot take a line of their own: refuse, change nothing
        if len(_fields(new_text)) != len(fields) + len(inserts):
            raise yaml.YAMLError("the twins did not land where expected")
    except yaml.YAMLError as exc:
        return [f"{path}: cannot add the Welsh here ({exc}); write one-line mappings as blocks first"]
    path.write_text(new_text, encoding="utf-8")
    return []


def check(path: Path) -> list[str]:
    problems = []
    for key_node, _, english, cy, where in _fields(path.read_text(encoding="utf-8")):
        if english in (None, "", []):
            continue
        label = f"{path}: {where} (line {key_node.start_mark.line + 1})"
        if cy is None:
            problems.append(f"{label}: no {welsh.welsh_key(key_node.value)}")
        else:
            problems += [f"{label}_cy: {p}" for p in welsh.value_problems(english, cy)]
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"export", "import", "check"}:
        print(__doc__)
        return 2
    if argv[0] == "export":
        everything = "--all" in argv
        paths = [Path(a) for a in argv[1:] if a != "--all"]
        print(json.dumps(export(paths[0], everything), ensure_ascii=False, indent=1))
        return 0
    if argv[0] == "import":
        problems = import_(Path(argv[1]), json.loads(Path(argv[2]).read_text(encoding="utf-8")))
    else:
        problems = [p for a in argv[1:] for p in check(Path(a))]
    print("\n".join(problems) or "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
