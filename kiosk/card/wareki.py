"""Japanese era dates (和暦) as the My Number card prints and the chip keys them.

The card front prints the birth date in the era (「昭和60年 3月 1日生」, year 1 as 「元年」)
and the expiry in the Gregorian calendar (「2035年 3月 1日まで有効」); 照合番号B keys the birth
date as era YYMMDD. :func:`era_date` turns a printed era date back into a calendar date and
refuses one that does not exist in that era (e.g. 昭和65年, 平成31年 5月).
"""

from __future__ import annotations

from datetime import date

ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)),
    ("明治", date(1868, 1, 25)),
)
"""Era names and their first days, newest first."""

ERA_NAMES = tuple(name for name, _ in ERAS)


def era_of(day: date) -> tuple[str, int]:
    """The era and the year in it of ``day`` (明治 for anything before 大正)."""
    for name, start in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    return ERAS[-1][0], day.year - ERAS[-1][1].year + 1


def era_yymmdd(day: date) -> str:
    """``day`` as YYMMDD in its era, the form 照合番号B uses: 1985-03-01 -> ``600301``."""
    _, year = era_of(day)
    return f"{year:02d}{day.month:02d}{day.day:02d}"


_FULL_WIDTH = str.maketrans("0123456789 ", "０１２３４５６７８９\u3000")


def printed_birth(day: date) -> str:
    """The birth line of the card front, in full-width digits as printed:
    ``昭和６０年　３月　１日生`` (昭和60年 3月 1日生; 元年 for year 1)."""
    era, year = era_of(day)
    shown = "元" if year == 1 else f"{year:2d}"
    return f"{era}{shown}年{day.month:2d}月{day.day:2d}日生".translate(_FULL_WIDTH)


def printed_expiry(day: date) -> str:
    """The expiry line of the card front, in full-width digits as printed:
    ``２０３５年　３月　１日まで有効`` (2035年 3月 1日まで有効)."""
    return f"{day.year}年{day.month:2d}月{day.day:2d}日まで有効".translate(_FULL_WIDTH)


def era_date(era: str, year: int, month: int, day: int) -> date:
    """The calendar date of an era date; ValueError when that era has no such day."""
    names = dict(ERAS)
    if era not in names or year < 1:
        raise ValueError(f"no era date {era}{year}")
    start = names[era]
    result = date(start.year + year - 1, month, day)  # ValueError for 2月30日 and the like
    index = ERA_NAMES.index(era)
    end = ERAS[index - 1][1] if index > 0 else None
    if result < start or (end is not None and result >= end):
        raise ValueError(f"{era}{year}年{month}月{day}日 is outside the {era} era")
    return result
