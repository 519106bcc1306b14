"""The docs the code cites exist and say what the catalogue says; nothing cites the old
background notes, which readers of the repository do not have."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import kiosk
from kiosk.reception import Reception, State
from kiosk.reception.events import FOLLOW_UPS, Event
from kiosk.texts import Text, catalogue

ROOT = Path(kiosk.__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# the background notes' names, spelled apart so that this file does not cite them itself
NOTES = ("RECEPTION" + "_FLOW", "SCREENS" + ".md", "CARD" + "_PROTOCOL")
OLD_NOTES = re.compile("|".join(re.escape(name) for name in NOTES))
CITED = re.compile(r"docs/([a-z-]+\.md)")


def _files(folder: str) -> list[Path]:
    return [p for p in sorted((ROOT / folder).rglob("*")) if p.is_file() and p.suffix != ".pyc"]


def test_no_file_of_the_kiosk_cites_the_old_notes() -> None:
    files = _files("kiosk") + _files("assets/texts") + [ROOT / "assets" / "deck.toml"]
    assert len(files) > 100
    citing = [
        str(p.relative_to(ROOT)) for p in files if OLD_NOTES.search(p.read_text(errors="ignore"))
    ]
    assert citing == []


def test_the_check_sees_a_citation() -> None:
    for name in NOTES:
        assert OLD_NOTES.search(f'"""Rules ({name}):"""')
    assert not OLD_NOTES.search('"""Rules (docs/card-protocol.md):"""')


def test_every_cited_doc_exists() -> None:
    cited = {name for p in _files("kiosk") for name in CITED.findall(p.read_text(errors="ignore"))}
    assert {"reception.md", "screens.md", "card-protocol.md"} <= cited
    assert [name for name in cited if not (DOCS / name).is_file()] == []


def test_the_screen_catalogue_names_every_screen_and_its_words() -> None:
    doc = (DOCS / "screens.md").read_text(encoding="utf-8")
    texts = catalogue()
    missing = [
        state.value
        for state in State
        if f"`{state.value}`" not in doc and f"### {state.value}" not in doc
    ]
    assert missing == []
    samples = {
        "expiry-alert.body": {"date": date(2027, 1, 31)},
        "consent-item.body": {
            "name": Text("consent.medication"),
            "what": Text("consent-what.medication"),
        },
        "consent-item.explain": {"hours": 24},
    }
    tables = {state.value for state in State} | {"option", "reason"}
    keys = [key for key in texts.keys("ja") if key.split(".")[0] in tables]
    absent = []
    for key in keys:
        if key in samples:
            said = texts.get(key, "ja", **samples[key])
        elif "{" in texts.get(key, "ja"):
            continue  # a number filled in (tries, seconds, step)
        else:
            said = texts.get(key, "ja")
        if said not in doc:
            absent.append(key)
    assert absent == []


def _table_rows(doc: str, heading: str) -> list[str]:
    """The first cells (back-quoted names) of the table under ``## heading``."""
    section = doc.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_-]+)`", section, re.M)


def test_docs_reception_lists_every_state_of_the_table_and_no_other() -> None:
    doc = (DOCS / "reception.md").read_text(encoding="utf-8")
    listed = _table_rows(doc, "States")
    declared = {t.source.value for t in Reception.TRANSITIONS} | {
        t.target.value for t in Reception.TRANSITIONS if isinstance(t.target, State)
    }
    assert sorted(listed) == sorted(s.value for s in State)
    assert set(listed) == declared


def test_docs_reception_lists_every_outside_event_and_no_other() -> None:
    doc = (DOCS / "reception.md").read_text(encoding="utf-8")
    listed = set(_table_rows(doc, "Events"))
    outside = {e.value for e in Event if e not in FOLLOW_UPS}
    assert listed == outside
    for follow_up in FOLLOW_UPS:
        assert f"`{follow_up.value}`" in doc
