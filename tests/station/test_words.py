"""The station's words come from the one text catalogue (assets/texts, the [station] tables):
no station module holds a Japanese literal, and every word the desk's script asks for is there
in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import kiosk.station
from helpers.literals import japanese_literals
from kiosk.station import words
from kiosk.texts import LANGUAGES, catalogue

STATION = Path(kiosk.station.__file__).parent
ASKED = re.compile(r'say\("([a-z_.-]+)"\s*[,)]')
"""The fixed keys station.js asks for (not those it builds, e.g. ``"state." + k.state``)."""


def test_no_station_module_holds_a_japanese_literal() -> None:
    found = {
        str(p.relative_to(STATION)): japanese_literals(p) for p in sorted(STATION.rglob("*.py"))
    }
    assert "words.py" in found and "pages.py" in found
    assert {name: texts for name, texts in found.items() if texts} == {}


def test_every_word_the_desk_asks_for_is_in_both_languages() -> None:
    asked = set(ASKED.findall((STATION / "static" / "station.js").read_text(encoding="utf-8")))
    assert {"title", "calls.none", "view.answered", "today.page"} <= asked
    for language in LANGUAGES:
        assert asked - set(words.catalogue(language)) == set(), language


def test_words_are_the_catalogues() -> None:
    assert words.word("login.title", "ja") == catalogue().get("station.login.title", "ja")
    assert words.word("login.title", "en") == "Staff sign-in"
    assert words.word("login.wait", "en", wait="5 min").endswith("try again in 5 min.")
    assert words.word("login.title", "fr") == words.word("login.title", "ja")
    assert words.word("outcome.nothing", "en") == "outcome.nothing"  # an unknown key as it is
    for item in ("medication", "checkups", "treatment", "surgery"):
        for language in LANGUAGES:
            said = catalogue().get(f"consent.{item}", language)
            assert words.consent_label(item, language) == said
    assert words.language_name("ja") == "日本語" and words.language_name("en") == "English"
