"""Japanese first, English on request: every screen's text comes from the one catalogue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

import kiosk.ui
from helpers.literals import JAPANESE, japanese_literals
from kiosk.texts import catalogue
from kiosk.ui.screenshots import variants

SELF_NAMED = {"日本語"}  # the language switch names each language in itself
UI = Path(kiosk.ui.__file__).parent
UI_MODULES = sorted(UI.rglob("*.py"))


OWN_WORDS = {"patient_name"}  # the patient's name, in the script it is written in


def visible_texts(widget) -> list[str]:
    texts = []
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        if child.objectName() in OWN_WORDS:
            continue
        if child.isVisibleTo(widget) and child.text():
            texts.append(child.text())
    return texts


def test_no_ui_module_holds_a_japanese_sentence() -> None:
    found = {str(p.relative_to(UI)): japanese_literals(p) for p in UI_MODULES}
    assert len(found) > 30 and "screens/pin.py" in found
    assert {name: texts for name, texts in found.items() if texts} == {}


def test_the_literal_check_sees_a_sentence(tmp_path) -> None:
    module = tmp_path / "screen.py"
    module.write_text('"""docstring 日本語"""\nTEXT = "カードを置いてください"\n', encoding="utf-8")
    assert japanese_literals(module) == ["カードを置いてください"]


def test_japanese_screens_say_the_catalogues_words(qtbot, make_kiosk) -> None:
    window = make_kiosk().window
    lines = catalogue().lines("start.body", "ja")
    assert window.screens["start"].title.text() == lines[0].removesuffix("。")  # a heading
    assert window.screens["start"].hint.text() == lines[1]


def test_every_screen_switches_to_english_and_back(qtbot, make_kiosk) -> None:
    kiosk = make_kiosk()
    window = kiosk.window
    start = window.screens["start"]
    qtbot.mouseClick(start.findChild(QAbstractButton, "lang_en"), Qt.MouseButton.LeftButton)
    assert window.languages.current == "en"
    for name, screen_id, data in variants():
        screen = window.show_screen(screen_id, data)
        assert screen.title.text(), name
        japanese = [t for t in visible_texts(screen) if JAPANESE.search(t) and t not in SELF_NAMED]
        assert japanese == [], f"{name}: untranslated {japanese}"
    english = catalogue().lines("start.body", "en")[0]
    assert window.screens["start"].title.text() == english.removesuffix(".")
    assert window.windowTitle() == catalogue().get("window.title", "en")
    window.set_language("ja")
    assert window.screens["start"].title.text() == "マイナンバーカードを置いてください"
    method = window.screens["method"]
    assert method.title.text() == "本人確認の方法を選んでください"


def test_staff_side_keeps_the_facility_language_whatever_the_patient_chooses(
    qtbot, make_app
) -> None:
    app = make_app()
    app.window.set_language("en")  # a patient reads English …
    assert app.window.screens["start"].title.text() == "Please place your My Number card"
    # … the staff still read Japanese
    assert app.kiosk.console.windowTitle() == "職員用画面"
    assert app.kiosk.console.login.text() == "ログイン"
    assert app.kiosk.panel.windowTitle() == "操作パネル（シミュレーター）"
    assert app.kiosk.panel.place.text() == "カードを置く"


def test_staff_side_speaks_english_in_an_english_facility(qtbot, make_app) -> None:
    app = make_app(language="en")
    app.window.set_language("ja")  # a patient reads Japanese …
    for widget in (app.kiosk.panel, app.kiosk.console):  # … the staff read English
        assert not JAPANESE.search(widget.windowTitle())
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
