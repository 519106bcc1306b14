"""The text catalogue: Japanese and English say the same things with the same fields."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path

import pytest

from kiosk.texts import Catalogue, CatalogueError, Text, catalogue


def fields(lines: tuple[str, ...]) -> set[str]:
    """The ``{name}`` fields of a text."""
    return {name for line in lines for _, name, _, _ in string.Formatter().parse(line) if name}


def test_japanese_and_english_have_the_same_keys() -> None:
    ja, en = catalogue().keys("ja"), catalogue().keys("en")
    assert ja - en == set(), "not translated"
    assert en - ja == set(), "no Japanese source"
    assert len(ja) > 100


def test_every_text_has_the_same_fields_and_lines_in_both_languages() -> None:
    texts = catalogue()
    for key in texts.keys("ja"):
        ja, en = texts.template(key, "ja"), texts.template(key, "en")
        if key == "format.date":  # each language picks from the date's parts
            assert fields(ja) | fields(en) <= {"year", "month", "month_name", "day"}
            continue
        assert fields(ja) == fields(en), key
        assert len(ja) == len(en), key
        assert [bool(line) for line in ja] == [bool(line) for line in en], key


def test_the_check_sees_a_missing_field(tmp_path: Path) -> None:
    (tmp_path / "ja.toml").write_text('[pin]\ntries = "残り {n} 回"\n', encoding="utf-8")
    (tmp_path / "en.toml").write_text('[pin]\ntries = "Tries left"\n', encoding="utf-8")
    texts = Catalogue.load(tmp_path)
    assert fields(texts.template("pin.tries", "ja")) != fields(texts.template("pin.tries", "en"))


def test_lines_join_as_each_language_writes_sentences() -> None:
    texts = catalogue()
    assert texts.lines("done.body", "ja") == ("受付が完了しました。", "カードをお取りください。")
    assert texts.get("done.body", "ja") == "受付が完了しました。カードをお取りください。"
    assert texts.get("done.body", "en") == "Check-in complete. Please take your card."
    assert texts.get("card-error.900", "en") == (
        "Check-in failed. Something went wrong with this machine."
    )


def test_parameters_and_dates_are_filled_in() -> None:
    texts = catalogue()
    when = texts.lines("expiry-alert.body", "ja", date=date(2027, 1, 31))[1]
    assert when == "期限は2027年1月31日です。"
    assert "January 31, 2027" in texts.get("expiry-alert.body", "en", date=date(2027, 1, 31))
    item = Text("consent-item.body", {"name": Text("consent.medication"), "what": "X"})
    assert texts.render(item, "ja") == "〔薬剤情報〕Xを当院に提供することに同意しますか？"


def test_a_bad_key_or_parameter_is_a_clear_error() -> None:
    with pytest.raises(CatalogueError, match="no text"):
        catalogue().get("pin.nothing", "ja")
    with pytest.raises(CatalogueError, match="bad parameters"):
        catalogue().get("pin.tries", "en", tries=1)
    with pytest.raises(CatalogueError, match="unknown language"):
        catalogue().get("pin.body", "fr")
