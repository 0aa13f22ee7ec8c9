"""The item analysis report: statistics from analysis.stats, suppression from analysis.suppression, and
the content (pathways, units, questions, options, tags) in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from courses.models import Pathway, Unit
from quizzes.models import Choice, Question, TopicTag

from . import stats
from .suppression import THRESHOLD, suppressed_cells, total_hidden

LOW_FACILITY = 0.30  # "everyone fails it"
HIGH_FACILITY = 0.95  # "nobody fails it"
DEAD_DISTRACTOR = 0.02  # a wrong option picked by fewer than 2 %
TOTAL = "all"


@dataclass
class Cell:
    """One group's statistics. `hidden`: shown as "fewer than 10" (primary or secondary suppression)."""

    learners: int = 0
    hidden: bool = False
    n: int = 0
    facility: float | None = None
    discrimination: float | None = None
    options: list[tuple[Choice, float]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    first_pass_rate: float | None = None
    median_tries: float | None = None
    median_seconds: float | None = None

    @property
    def empty(self) -> bool:
        return self.learners == 0


@dataclass
class ItemRow:
    question: Question
    tags: list[TopicTag]
    cells: dict[Any, Cell]  # pathway id (and TOTAL) -> Cell


@dataclass
class UnitRow:
    unit: Unit
    cells: dict[Any, Cell]


@dataclass
class TagRow:
    tag: TopicTag
    cells: dict[Any, Cell]


@dataclass
class Report:
    pathways: list[Pathway]
    items: list[ItemRow]
    units: list[UnitRow]
    tags: list[TagRow]
    all_attempts: bool
    threshold: int = THRESHOLD
    computed_at: Any = None  # set when cached (analysis.precompute)

    def signs(self) -> list[TagRow]:
        return [row for row in self.tags if row.tag.kind == "sign"]

    def least_recognised(self) -> list[tuple[Pathway, TagRow, Cell]]:
        """Per audience, the sign with the lowest facility among the cells shown."""
        found = []
        for pathway in self.pathways:
            shown = [(row, row.cells[pathway.pk]) for row in self.signs() if _shown(row.cells[pathway.pk])]
            if shown:
                row, cell = min(shown, key=lambda pair: (pair[1].facility, pair[0].tag.label))
                found.append((pathway, row, cell))
        return found


def _shown(cell: Cell) -> bool:
    return not cell.hidden and not cell.empty


def _item_cell(row: dict | None, options: list[Choice], picks: dict) -> Cell:
    if row is None:
        return Cell()
    n = int(row["n"])
    cell = Cell(learners=int(row["learners"]), n=n, facility=int(row["sx"]) / n if n else None)
    cell.discrimination = stats.discrimination(
        n, *(float(row[key]) for key in ("sx", "sy", "sxy", "sxx", "syy"))
    )
    cell.options = [(choice, picks.get(choice.pk, 0) / n) for choice in options] if n else []
    if cell.facility is not None and cell.facility < LOW_FACILITY:
        cell.flags.append("everyone fails it")
    if cell.facility is not None and cell.facility > HIGH_FACILITY:
        cell.flags.append("nobody fails it")
    if any(not choice.is_correct and rate < DEAD_DISTRACTOR for choice, rate in cell.options):
        cell.flags.append("a distractor nobody picks")
    if cell.discrimination is not None and cell.discrimination < 0:
        cell.flags.append("negative discrimination")
    return cell


def _add(rows: list[dict | None]) -> dict | None:
    present = [row for row in rows if row]
    if not present:
        return None
    return {
        key: sum(row[key] for row in present) for key in ("learners", "n", "sx", "sy", "sxy", "sxx", "syy")
    }


def _hide(table: dict[Any, dict[Any, Cell]], columns: list[int], *, totals: bool) -> None:
    grid = {key: {col: cells[col].learners for col in columns} for key, cells in table.items()}
    for key, col in suppressed_cells(grid, columns, totals=totals):
        table[key][col].hidden = True
    if totals:
        for key, cells in table.items():
            cells[TOTAL].hidden = total_hidden(grid[key], columns)


def build(scope: stats.Scope, *, pathway_id: int | None = None) -> Report:
    """The report for a scope. pathway_id narrows what is shown, after suppression over every audience."""
    course = scope.course
    pathways = list(Pathway.objects.filter(course=course).order_by("order", "id"))
    columns = [p.pk for p in pathways]
    questions = list(
        Question.objects.non_polymorphic()
        .filter(quiz__unit__course=course, quiz__is_active=True, is_active=True)
        .select_related("quiz__unit", "polymorphic_ctype")
        .order_by("quiz__unit__order", "order", "id")
    )
    choices: dict[int, list[Choice]] = defaultdict(list)
    for choice in Choice.objects.filter(question__in=[q.pk for q in questions]).order_by("order", "id"):
        choices[choice.question_id].append(choice)
    tags = {t.name: t for t in TopicTag.objects.filter(course=course)}
    units = list(Unit.objects.filter(course=course, quiz__is_active=True).order_by("order"))

    items_raw = {(r["question"], r["pathway"]): r for r in stats.item_sums(scope)}
    picks: dict[int, dict[int, int]] = defaultdict(dict)  # pathway -> choice -> picked
    for r in stats.option_counts(scope):
        picks[r["pathway"]][r["choice"]] = int(r["picked"])
    with_options = {"singlechoicequestion", "multipleresponsequestion"}

    item_rows = []
    for question in questions:
        options = choices[question.pk] if question.polymorphic_ctype.model in with_options else []
        raw = {col: items_raw.get((question.pk, col)) for col in columns}
        cells = {col: _item_cell(raw[col], options, picks[col]) for col in columns}
        all_picks = defaultdict(int)
        for col in columns:
            for choice_id, count in picks[col].items():
                all_picks[choice_id] += count
        cells[TOTAL] = _item_cell(_add(list(raw.values())), options, all_picks)
        item_rows.append(
            ItemRow(question=question, tags=[tags[t] for t in question.tags if t in tags], cells=cells)
        )
    _hide({i: row.cells for i, row in enumerate(item_rows)}, columns, totals=True)

    units_raw = {(r["unit"], r["pathway"]): r for r in stats.unit_sums(scope)}
    unit_rows = []
    for unit in units:
        cells = {}
        for col in columns:
            r = units_raw.get((unit.pk, col))
            cells[col] = Cell() if r is None else _unit_cell(r)
        present = [units_raw[(unit.pk, col)] for col in columns if (unit.pk, col) in units_raw]
        cells[TOTAL] = Cell(
            learners=sum(int(r["learners"]) for r in present),
            n=sum(int(r["n"]) for r in present),
        )
        if cells[TOTAL].n:
            cells[TOTAL].first_pass_rate = sum(int(r["first_passed"]) for r in present) / cells[TOTAL].n
        unit_rows.append(UnitRow(unit=unit, cells=cells))
    _hide({i: row.cells for i, row in enumerate(unit_rows)}, columns, totals=True)

    tags_raw = {(r["tag"], r["pathway"]): r for r in stats.tag_sums(scope)}
    tag_rows = []
    for tag in sorted(tags.values(), key=lambda t: (t.kind, t.label)):
        cells = {}
        for col in columns:
            r = tags_raw.get((tag.name, col))
            cells[col] = (
                Cell()
                if r is None
                else Cell(learners=int(r["learners"]), n=int(r["n"]), facility=int(r["sx"]) / int(r["n"]))
            )
        tag_rows.append(TagRow(tag=tag, cells=cells))
    # Tags overlap (a question has several), so no total is shown: primary suppression, and a topic cell is
    # hidden wherever one of its questions' cells is (else a topic of one question would show a cell the
    # question table hid to protect another).
    _hide({i: row.cells for i, row in enumerate(tag_rows)}, columns, totals=False)
    for row in tag_rows:
        for col in columns:
            if any(item.cells[col].hidden for item in item_rows if row.tag.name in item.question.tags):
                row.cells[col].hidden = True

    shown = [p for p in pathways if pathway_id is None or p.pk == pathway_id]
    return Report(
        pathways=shown, items=item_rows, units=unit_rows, tags=tag_rows, all_attempts=scope.all_attempts
    )


def _unit_cell(r: dict) -> Cell:
    n = int(r["n"])
    return Cell(
        learners=int(r["learners"]),
        n=n,
        first_pass_rate=int(r["first_passed"]) / n if n else None,
        median_tries=float(r["median_tries"]) if r["median_tries"] is not None else None,
        median_seconds=float(r["median_seconds"]) if r["median_seconds"] is not None else None,
    )
