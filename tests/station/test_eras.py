"""Birth dates as patients say them (和暦): each era from the day it began, 元年 for its
first year, the year before in the old era."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.station.eras import era_date, era_year
from kiosk.station.holder import age_on
from kiosk.station.media import Holder


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (date(1968, 9, 12), "昭和43年9月12日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 12, 31), "平成元年12月31日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1873, 1, 1), "明治6年1月1日"),
        (date(1872, 12, 31), "1872年12月31日"),  # before the solar calendar: no era here
    ],
)
def test_the_era_changes_on_its_first_day(day: date, said: str) -> None:
    assert era_date(day, "ja") == said


def test_the_era_in_english_and_on_the_desk() -> None:
    assert era_year(date(1968, 9, 12), "en") == "Showa 43"
    assert era_year(date(2019, 5, 1), "en") == "Reiwa 1"
    assert era_year(date(1872, 1, 1), "en") == ""
    holder = Holder(name="架空　一郎", birth_date="1968-09-12", age=58).to_dict()
    assert (holder["birth_ja"], holder["birth_era_en"]) == ("昭和43年9月12日", "Showa 43")
    assert Holder(birth_date="").to_dict()["birth_ja"] == ""


def test_the_age_turns_on_the_birthday() -> None:
    born = date(1968, 9, 12)
    assert age_on(born, date(2026, 9, 11)) == 57
    assert age_on(born, date(2026, 9, 12)) == 58
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25
