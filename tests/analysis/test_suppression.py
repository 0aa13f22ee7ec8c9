"""The suppression rule on plain tables (analysis.suppression)."""

from analysis.suppression import suppressed_cells, total_hidden

COLS = ["a", "b", "c"]


def test_primary_threshold_is_ten():
    assert suppressed_cells({"r": {"a": 9, "b": 10, "c": 0}}, COLS, totals=False) == {("r", "a")}


def test_secondary_suppresses_next_smallest_in_the_row():
    assert suppressed_cells({"r": {"a": 30, "b": 4, "c": 12}}, COLS) == {("r", "b"), ("r", "c")}


def test_two_suppressed_cells_need_no_more():
    assert suppressed_cells({"r": {"a": 30, "b": 4, "c": 3}}, COLS) == {("r", "b"), ("r", "c")}


def test_empty_cells_protect_nothing():
    # b is 0 (shown as empty): a's 5 needs c hidden as well.
    assert suppressed_cells({"r": {"a": 5, "b": 0, "c": 40}}, COLS) == {("r", "a"), ("r", "c")}


def test_ties_take_the_first_column():
    assert suppressed_cells({"r": {"a": 20, "b": 20, "c": 2}}, COLS) == {("r", "a"), ("r", "c")}


def test_small_total_is_hidden():
    assert total_hidden({"a": 4, "b": 3}, ["a", "b"])
    assert not total_hidden({"a": 0, "b": 0}, ["a", "b"])
    assert not total_hidden({"a": 4, "b": 6}, ["a", "b"])


def test_no_cell_can_be_recovered_from_the_total():
    """Brute force: for every row, a hidden cell never stands alone among the cells with learners."""
    import itertools

    for values in itertools.product([0, 1, 5, 9, 10, 11, 25], repeat=3):
        row = dict(zip(COLS, values, strict=True))
        hidden = {c for _, c in suppressed_cells({"r": row}, COLS)}
        if sum(values) >= 10 and hidden:
            assert len(hidden) >= 2, row
