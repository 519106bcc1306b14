"""Japanese first; English through QTranslator + the compiled catalogue, for every screen."""

from __future__ import annotations

import re
import subprocess

from PySide6.QtWidgets import QAbstractButton, QLabel

from kiosk.ui.i18n_tool import lrelease, read_translations, source_texts, ts_path
from kiosk.ui.screenshots import VARIANTS

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")
SELF_NAMED = {"日本語"}  # the language switch names each language in itself


def visible_texts(widget) -> list[str]:
    texts = []
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        if child.isVisibleTo(widget) and child.text():
            texts.append(child.text())
    return texts


def test_every_source_text_has_an_english_translation() -> None:
    translated = read_translations(ts_path("en"))
    missing = [text for text in source_texts() if text not in translated]
    assert missing == []


def test_committed_catalogue_matches_its_source(tmp_path) -> None:
    """The .qm in the repository is what lrelease makes of the .ts (git keeps no mtimes)."""
    ts = ts_path("en")
    fresh = tmp_path / "kiosk_en.qm"
    subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(fresh)], check=True)
    assert ts.with_suffix(".qm").read_bytes() == fresh.read_bytes()


def test_every_screen_switches_to_english_and_back(qtbot, make_kiosk) -> None:
    kiosk = make_kiosk()
    window = kiosk.window
    start = window.screens["start"]
    qtbot.mouseClick(
        start.findChild(QAbstractButton, "lang_en"),
        __import__("PySide6").QtCore.Qt.MouseButton.LeftButton,
    )
    assert window.languages.current == "en"
    for name, screen_id, data in VARIANTS:
        screen = window.show_screen(screen_id, data)
        qtbot.waitUntil(lambda s=screen: s.title.text() != "", timeout=60_000)
        japanese = [t for t in visible_texts(screen) if JAPANESE.search(t) and t not in SELF_NAMED]
        assert japanese == [], f"{name}: untranslated {japanese}"
    assert window.screens["start"].title.text() == "Please place your My Number card."
    window.set_language("ja")
    qtbot.waitUntil(
        lambda: window.screens["start"].title.text() == "マイナンバーカードを置いてください。",
        timeout=60_000,
    )


def test_operator_panel_and_staff_console_translate(qtbot, make_app) -> None:
    app = make_app()
    app.window.set_language("en")
    for widget in (app.kiosk.panel, app.kiosk.console):
        qtbot.waitUntil(lambda w=widget: not JAPANESE.search(w.windowTitle()), timeout=60_000)
        texts = [t for t in visible_texts(widget) if JAPANESE.search(t)]
        assert texts == []


def test_next_patient_starts_in_japanese(qtbot, make_app, ui) -> None:
    app = make_app()
    app.window.set_language("en")
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    assert app.window.current().title.text() == "Choose how to confirm your identity"
    app.kiosk.remove_card()
    ui.wait_screen(app, "cancelled")
    app.kiosk.bridge.request("card_removed")
    qtbot.waitUntil(lambda: app.window.languages.current == "ja", timeout=60_000)
