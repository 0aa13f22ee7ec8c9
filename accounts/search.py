"""Text folded for search — lower case, accents and similar marks dropped ("Siân" finds "sian") — the same
in Python, in PostgreSQL (a SQL function created by migration 0004) and in SQLite (the Python function,
registered on each connection). Any app may use `Fold` in a query and `fold` on what was typed."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from django.db.models import Func, TextField

FUNCTION = "cse_fold"
# Letters whose accent-free form is not their Unicode decomposition.
EXTRA = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i", "ŧ": "t",
    "Ŧ": "T", "ð": "d", "Ð": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
}
# Latin-1 Supplement, Latin Extended-A and -B, and Latin Extended Additional (Welsh ẁ ẃ ẅ ỳ, Vietnamese).
RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


@lru_cache(maxsize=1)
def fold_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for low, high in RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            if char in EXTRA:
                mapping[char] = EXTRA[char]
            elif base and base != char and base.isascii() and base.isalpha():
                mapping[char] = base
    return mapping


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    return str.maketrans(fold_map())


def fold(text: str | None) -> str | None:
    """Lower case with accents dropped; None stays None (SQL NULL)."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text).translate(_table()).lower()


class Fold(Func):
    """`cse_fold(expression)` in SQL: `fold` done by the database."""

    function = FUNCTION
    output_field = TextField()


def postgresql_function_sql() -> str:
    """CREATE FUNCTION for PostgreSQL: the multi-letter folds with replace(), the rest with translate()."""
    mapping = fold_map()
    single = {k: v for k, v in mapping.items() if len(v) == 1}
    multi = {k: v for k, v in mapping.items() if len(v) > 1}
    expression = "normalize($1, NFC)"
    for char, replacement in sorted(multi.items()):
        expression = f"replace({expression}, '{char}', '{replacement}')"
    sources, targets = "".join(single), "".join(single.values())
    expression = f"lower(translate({expression}, '{sources}', '{targets}'))"
    return (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text AS $$ SELECT {expression} $$ "
        "LANGUAGE SQL IMMUTABLE STRICT PARALLEL SAFE"
    )


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite gets `cse_fold` as the Python function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)
