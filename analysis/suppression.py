"""Small-number suppression, after UK public-sector statistical disclosure practice (ONS and GSS guidance on
tables from administrative data): a threshold on the learners a cell is built from, and complementary
(secondary) suppression so a suppressed cell cannot be worked out from a total and its other cells.

The rule (also in analysis/README.md):

1. Primary: a cell built from 1 to 9 learners (fewer than THRESHOLD) is shown as "fewer than 10", with every
   statistic of it (count, facility, rates, medians).
2. Secondary: in every line of a table whose total is shown (a question's or unit's row across audiences), a
   line may not hold exactly one suppressed cell: the next smallest cell of the line is suppressed as well
   (ties: the first audience in course order). Repeated until no line holds exactly one.
3. A total built from fewer than THRESHOLD learners is itself suppressed (its cells then are too, by 1).
4. Empty cells (no learner) are shown as empty: they hold no one, so they protect nothing and are never
   counted as the second suppressed cell.

Every view computes suppression on the whole table (all audiences) and only then filters what it shows, so a
filtered view never shows a cell the full table hides.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

THRESHOLD = 10
FEWER = "fewer than 10"


def suppressed_cells(
    grid: Mapping[Hashable, Mapping[Hashable, int]],
    columns: list[Hashable],
    *,
    threshold: int = THRESHOLD,
    totals: bool = True,
) -> set[tuple[Hashable, Hashable]]:
    """The (row, column) cells to hide. grid[row][column] is the number of learners of that cell."""
    hidden = {
        (row, col) for row, cells in grid.items() for col in columns if 0 < cells.get(col, 0) < threshold
    }
    if not totals:
        return hidden
    changed = True
    while changed:
        changed = False
        for row, cells in grid.items():
            if sum(cells.get(col, 0) for col in columns) < threshold:
                continue  # the total is suppressed too: nothing to subtract from
            in_line = [col for col in columns if (row, col) in hidden]
            if len(in_line) != 1:
                continue
            candidates = [col for col in columns if cells.get(col, 0) > 0 and (row, col) not in hidden]
            if candidates:
                smallest = min(candidates, key=lambda col: (cells[col], columns.index(col)))
                hidden.add((row, smallest))
                changed = True
    return hidden


def total_hidden(cells: Mapping[Hashable, int], columns: list[Hashable], threshold: int = THRESHOLD) -> bool:
    return 0 < sum(cells.get(col, 0) for col in columns) < threshold
