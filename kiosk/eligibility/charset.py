"""The characters the eligibility service carries in a name, and the ● it sends for the rest.

Clinics see names arrive with ● (「●が出る」): the service holds a character its messages
cannot carry — a 𠮷, a 髙, a 邉 written with a variation selector — and puts ● in its place,
one ● per character. Which set the real service allows is not public (unverified); the
kiosk makes it a facility setting, ``[eligibility] name_charset``:

``jisx0208`` (the default)
    JIS X 0208 with JIS X 0201 (ASCII and half-width katakana): exactly what Python's
    ``shift_jis`` codec encodes. No NEC or IBM extensions (those are ``cp932``).
``cp932``
    Windows-31J: JIS X 0208 plus the NEC special and NEC/IBM extended characters (髙, ①).
``jisx0213``
    JIS X 0213 (``euc_jis_2004``): the third and fourth levels too (ヷ).
``unicode``
    everything passes (a service that carries any character).

A character followed by a variation selector (U+FE00–FE0F, U+E0100–E01EF: a 異体字 chosen by
IVS) is one character here: no set above carries the selector, so the pair becomes one ●.

The kana field (``NameKana``) is half-width katakana: the service carries there only what
JIS X 0201 has (ASCII and ｱ–ﾝ, ﾞ, ﾟ); a kana with no half-width form (ヰ, ヱ, ヵ) arrives as ●
whatever the set (except ``unicode``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum

MARU = "●"
"""What the service sends in place of a character it cannot carry (U+25CF BLACK CIRCLE)."""


class NameCharset(StrEnum):
    """``[eligibility] name_charset``: the characters the service carries in a name."""

    JISX0208 = "jisx0208"
    CP932 = "cp932"
    JISX0213 = "jisx0213"
    UNICODE = "unicode"


_CODECS = {
    NameCharset.JISX0208: "shift_jis",
    NameCharset.CP932: "cp932",
    NameCharset.JISX0213: "euc_jis_2004",
}


def _is_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


@functools.lru_cache(maxsize=4096)
def carried(char: str, charset: NameCharset) -> bool:
    """Whether the service carries ``char`` (one code point) in ``charset``."""
    if charset is NameCharset.UNICODE:
        return True
    if _is_selector(char) or (ord(char) < 0x20 or ord(char) == 0x7F):
        return False
    try:
        char.encode(_CODECS[charset])
    except UnicodeEncodeError:
        return False
    return True


def as_carried(text: str, charset: NameCharset | str = NameCharset.JISX0208) -> str:
    """``text`` as the service sends it: every character it cannot carry is ●."""
    charset = NameCharset(charset)
    return _with_maru(text, charset, lambda char: carried(char, charset))


def _half_width(char: str) -> bool:
    code = ord(char)
    return 0x20 <= code < 0x7F or 0xFF61 <= code <= 0xFF9F


def as_carried_kana(text: str, charset: NameCharset | str = NameCharset.JISX0208) -> str:
    """The half-width kana field as the service sends it: ● for what JIS X 0201 lacks."""
    return _with_maru(text, NameCharset(charset), _half_width)


def _with_maru(text: str, charset: NameCharset, keeps: Callable[[str], bool]) -> str:
    """``text`` with ● for each character ``keeps`` refuses; a character with its variation
    selector is one ●. Unicode carries everything."""
    if charset is NameCharset.UNICODE:
        return text
    out: list[str] = []
    for char in text:
        if _is_selector(char):
            if out:
                out[-1] = MARU
            continue
        out.append(char if keeps(char) else MARU)
    return "".join(out)
