"""Hypothesis strategies shared by the targets: hostile values of every JSON/YAML/TOML kind.

The texts include what has broken parsers before: digits that are not ASCII (全角 ``１``,
Arabic-Indic ``١``), NUL and control characters, very long values, ``..`` and absolute
paths; the numbers include the non-finite, the absurdly large and integers of thousands of
digits.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

TRICKY_TEXTS = (
    "",
    " ",
    "１２３４５６７８９０",
    "١٢٣٤٥٦٧٨٩٠",
    "1312345678",
    "a\x00b",
    "\x00",
    "../../outside",
    "/etc/passwd",
    "~nobody-here/x",
    "sqlite:///records.db",
    "sqlite:////tmp/x.db",
    "postgresql://",
    "x" * 5000,
    "nan",
    "inf",
    "1e308",
    "\u202e\u200b",
    "\ud7ff",
    "yes",
    "no",
    "null",
    "standard",
    "scripted:match",
)
TRICKY_NUMBERS: tuple[Any, ...] = (
    0,
    -1,
    1,
    2**63,
    -(2**63) - 1,
    10**30,
    float("inf"),
    float("-inf"),
    float("nan"),
    1e308,
    -0.0,
    5e-324,
    86_400,
    86_401,
)


def texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text without lone surrogates (files are UTF-8), tricky values weighted in."""
    return st.one_of(
        st.sampled_from(TRICKY_TEXTS),
        st.text(st.characters(codec="utf-8"), max_size=max_size),
    )


def numbers() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(TRICKY_NUMBERS),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
    )


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.booleans(), numbers(), texts())


def nested(leaves: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """Scalars, lists and string-keyed mappings of them, a few levels deep."""
    return st.recursive(
        leaves if leaves is not None else scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(texts(12), inner, max_size=4)
        ),
        max_leaves=12,
    )
