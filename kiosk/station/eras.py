"""Dates as patients say them: the Japanese era (和暦), 昭和43年9月12日.

An era begins on the day its emperor acceded (the law's dates, not the first of January):
令和 on 2019-05-01, 平成 on 1989-01-08, 昭和 on 1926-12-25, 大正 on 1912-07-30, 明治 (as a
calendar of days, from the Gregorian switch) on 1873-01-01. Its first year is 元年. A date
before 明治6 has no era here: it is given as the Western date. The eras' names and the
date's shape are words of the catalogue (``station.era``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.station.words import word


@dataclass(frozen=True)
class Era:
    key: str  # station.era.<key>
    first_day: date
    first_year: int  # the Western year of its year 1


ERAS = (
    Era("reiwa", date(2019, 5, 1), 2019),
    Era("heisei", date(1989, 1, 8), 1989),
    Era("showa", date(1926, 12, 25), 1926),
    Era("taisho", date(1912, 7, 30), 1912),
    Era("meiji", date(1873, 1, 1), 1868),  # its years count from 1868, its days here from 1873
)
"""The eras, newest first; each lasts until the day before the next one's first day."""


def era_of(day: date) -> tuple[Era, int] | None:
    """The era ``day`` falls in and its year in that era (1 for 元年); None before 明治6."""
    for era in ERAS:
        if day >= era.first_day:
            return era, day.year - era.first_year + 1
    return None


def era_date(day: date, language: str = "ja") -> str:
    """``day`` in 和暦: 昭和43年9月12日, 令和元年5月1日 (the Western date before 明治6)."""
    found = era_of(day)
    if found is None:
        return word("era.western", language, year=day.year, month=day.month, day=day.day)
    era, year = found
    return word(
        "era.date",
        language,
        era=word(f"era.{era.key}", language),
        year=word("era.first_year", language) if year == 1 else year,
        month=day.month,
        day=day.day,
    )


def era_year(day: date, language: str = "en") -> str:
    """The era's year: Showa 43 ("" before 明治6)."""
    found = era_of(day)
    if found is None:
        return ""
    era, year = found
    return word("era.year", language, era=word(f"era.{era.key}", language), year=year)
