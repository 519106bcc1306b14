"""Dates as patients say them: the Japanese era (和暦), 昭和43年9月12日.

An era begins on the day its emperor acceded (the law's dates, not the first of January):
令和 on 2019-05-01, 平成 on 1989-01-08, 昭和 on 1926-12-25, 大正 on 1912-07-30, 明治 (as a
calendar of days, from the Gregorian switch) on 1873-01-01. Its first year is 元年. A date
before 明治 6 has no era here: it is given as the Western date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    kanji: str
    romaji: str
    first_day: date


ERAS = (
    Era("令和", "Reiwa", date(2019, 5, 1)),
    Era("平成", "Heisei", date(1989, 1, 8)),
    Era("昭和", "Showa", date(1926, 12, 25)),
    Era("大正", "Taisho", date(1912, 7, 30)),
    Era("明治", "Meiji", date(1873, 1, 1)),
)
"""The eras, newest first; each lasts until the day before the next one's first day."""

MEIJI_START_YEAR = 1868
"""明治元年 is 1868 (the year count starts there, although the days here start in 明治6)."""


def era_of(day: date) -> tuple[Era, int] | None:
    """The era ``day`` falls in and its year in that era (1 for 元年); None before 明治6."""
    for era in ERAS:
        if day >= era.first_day:
            start = MEIJI_START_YEAR if era.kanji == "明治" else era.first_day.year
            return era, day.year - start + 1
    return None


def japanese_date(day: date) -> str:
    """``day`` in 和暦: 昭和43年9月12日, 令和元年5月1日 (the Western date before 明治6)."""
    found = era_of(day)
    if found is None:
        return f"{day.year}年{day.month}月{day.day}日"
    era, year = found
    return f"{era.kanji}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def era_year_en(day: date) -> str:
    """The era's year in English words: Showa 43 ("" before 明治6)."""
    found = era_of(day)
    return "" if found is None else f"{found[0].romaji} {found[1]}"
