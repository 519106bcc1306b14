"""Every patient screen: the expected choice at one place, Japanese never split inside a
word, the language choice, larger text and 「もう一度読む」 everywhere, large method tiles,
the 24-hour fact in plain sight, a face check that shows its progress, its success and why
it failed — and never the previous patient's face."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.reception.ports import FaceFrame, FaceVerdict
from kiosk.texts import catalogue
from kiosk.ui import theme
from kiosk.ui.i18n import Languages
from kiosk.ui.phrases import BREAK, JOIN, PhraseLabel, phrases
from kiosk.ui.screenshots import variants
from kiosk.ui.window import KioskWindow


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    theme.apply(app)
    made = KioskWindow(Languages(app))
    qtbot.addWidget(made)
    made.resize(1280, 800)
    made.show()
    yield made
    made.languages.switch("ja")


def _show(window: KioskWindow, screen_id: str, data: dict[str, Any]) -> Any:
    screen = window.show_screen(screen_id, data)
    QApplication.processEvents()
    return screen


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_expected_choice_keeps_its_place(window, size, language) -> None:
    window.resize(*size)
    window.set_language(language)
    places: dict[tuple[int, int, int], list[str]] = {}
    for name, screen_id, data in variants():
        screen = _show(window, screen_id, data)
        button = screen.primary_button()
        if button is None:
            continue
        corner = button.mapTo(window, button.rect().bottomRight())
        places.setdefault((corner.x(), corner.y(), button.height()), []).append(name)
    assert len(places) == 1, f"the expected choice moves: {places}"
    (right, bottom, height), names = next(iter(places.items()))
    assert len(names) > 10
    assert right > size[0] * 0.9 and bottom > size[1] * 0.9  # bottom right
    assert height >= theme.TOUCH_PX


def _line_ends(label: PhraseLabel) -> list[int]:
    """Where the label's lines end, as offsets in its plain text."""
    shown = label.shown_text()
    layout = QTextLayout(shown, label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    ends = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(label.contentsRect().width())
        ends.append(line.textStart() + line.textLength())
    layout.endLayout()
    plain_at = [0]
    for char in shown:
        plain_at.append(plain_at[-1] + (char not in (JOIN, BREAK)))
    return [plain_at[end] for end in ends[:-1]]


def _boundaries(text: str) -> set[int]:
    at, found = 0, {0}
    for piece in phrases(text):
        at += len(piece)
        found.add(at)
    return found | {i + 1 for i, c in enumerate(text) if c in "\n "}


def test_no_japanese_word_is_split_at_a_line_end(window) -> None:
    window.resize(1280, 800)
    wrapped = 0
    for name, screen_id, data in variants():
        screen = _show(window, screen_id, data)
        for label in screen.findChildren(PhraseLabel):
            if not (label.isVisibleTo(screen) and label.wordWrap() and label.text()):
                continue
            ends = _line_ends(label)
            wrapped += bool(ends)
            text = label.text()
            bad = [text[max(0, e - 3) : e] + "/" + text[e : e + 3] for e in ends]
            bad = [b for b, e in zip(bad, ends, strict=True) if e not in _boundaries(text)]
            assert bad == [], f"{name}: {label.objectName() or 'label'} breaks inside {bad}"
    assert wrapped >= 3  # long sentences did wrap, and only between phrases


def test_every_screen_has_the_language_larger_text_and_read_again(window, qtbot) -> None:
    for name, screen_id, data in variants():
        screen = _show(window, screen_id, data)
        for button in ("lang_ja", "lang_en", "large_text", "repeat"):
            widget = screen.findChild(QPushButton, button)
            assert widget is not None and widget.isVisibleTo(screen), f"{name}: {button}"
            assert widget.height() >= theme.UTILITY_PX - 1
    screen = _show(window, *variants()[0][1:])
    before = screen.title.font().pixelSize()
    qtbot.mouseClick(screen.findChild(QPushButton, "large_text"), Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    after = screen.title.font().pixelSize()
    assert after == pytest.approx(before * theme.LARGE_TEXT, abs=1)
    assert screen.large.text() == catalogue().get("ui.normal_text", "ja")
    window.set_large_text(False)
    QApplication.processEvents()
    assert screen.title.font().pixelSize() == before


def test_method_tiles_are_as_tall_as_intended(window) -> None:
    screen = _show(window, "method", dict(variants_by_name()["method"]))
    for name in ("face", "pin"):
        tile = screen.findChild(QPushButton, name)
        assert tile.height() >= theme.TILE_PX, f"{name} is {tile.height()} px"


def test_the_24_hour_fact_is_not_small_print(window) -> None:
    screen = _show(window, "consent-item", dict(variants_by_name()["consent-medication"]))
    fact = screen.explain
    assert "24" in fact.text()
    assert fact.font().pixelSize() >= screen.question.font().pixelSize()
    assert fact.font().bold()
    assert fact.palette().windowText().color().name() == theme.INK


def variants_by_name() -> dict[str, dict[str, Any]]:
    return {name: data for name, _screen, data in variants()}


def test_face_progress_moves_and_a_match_shows_its_mark(window) -> None:
    screen = _show(window, "face", {"body": (), "options": ()})
    ring = screen.ring
    seen = []
    for guidance, progress in [
        ("face.no_face", 0.0),
        ("face.hold_still", 0.0),  # a face is there, the photo is being compared
        ("face.hold_still", 0.4),
        ("face.blink", 0.8),
    ]:
        screen.show_guidance(guidance, progress)
        seen.append(ring.value())
    assert seen == sorted(seen) and seen[1] > seen[0] and seen[-1] >= 0.8
    assert ring.moving  # the ring turns while the check runs
    assert not screen.success.isVisible()
    screen.show_success()
    assert screen.success.isVisibleTo(screen) and screen.success.text() == "確認できました"
    assert ring.done and not ring.moving


@pytest.mark.parametrize(
    ("reason", "words"),
    [("no_match", "顔写真と一致しません"), ("not_live", "まばたき"), ("timeout", "時間内")],
)
def test_a_failed_face_check_says_why(window, reason, words) -> None:
    data = dict(variants_by_name()["face-failed"])
    data["reason"] = reason
    screen = _show(window, "face-failed", data)
    assert screen.why.isVisibleTo(screen) and words in screen.why.text()
    assert words in screen.spoken_text()


MAGENTA = (255, 0, 255)


def _magenta_pixels(image: QImage) -> int:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    rows = data.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3]
    pixels = rows.reshape(rgb.height(), rgb.width(), 3).astype(int)
    close = np.abs(pixels - np.array(MAGENTA)).sum(axis=2) < 60
    return int(close.sum())


class TwoPatients:
    """The first attempt shows magenta frames and matches when told to; the second waits
    before its first frame until released (a camera slow to start)."""

    def __init__(self) -> None:
        self.attempts = 0
        self.go = threading.Event()
        self.waiting = threading.Event()
        self.release = threading.Event()

    def prepare(self, card_photo: bytes) -> None:
        return None

    def attempt(self, on_frame: Any) -> FaceVerdict:
        self.attempts += 1
        if self.attempts == 1:
            frame = np.zeros((240, 320, 3), dtype=np.uint8)
            frame[:] = MAGENTA
            for _ in range(5):
                if not on_frame(FaceFrame(frame, "face.hold_still", 0.5)):
                    return FaceVerdict(False, "stopped")
            self.go.wait(30)
            return FaceVerdict(True)
        self.waiting.set()
        self.release.wait(30)
        return FaceVerdict(False, "stopped")

    def forget(self) -> None:
        return None


def test_the_next_patient_never_sees_the_previous_face(qtbot, make_app, ui) -> None:
    face = TwoPatients()
    app = make_app(face=face)
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "face")
    ui.wait_screen(app, "face")
    qtbot.waitUntil(lambda: app.window.face_screen.preview.frames_shown > 0, timeout=60_000)
    assert _magenta_pixels(app.window.grab().toImage()) > 1000  # the first patient's frame
    face.go.set()
    ui.wait_screen(app, "consent-item")
    ui.tap(app.window.current(), "cancel")
    ui.tap(app.window.current(), "cancel_yes")
    ui.wait_screen(app, "cancelled")
    app.kiosk.remove_card()
    ui.wait_screen(app, "start")
    assert _magenta_pixels(app.window.grab().toImage()) == 0
    app.kiosk.place_card("virtual:standard")  # the next patient
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "face")
    ui.wait_screen(app, "face")
    assert face.waiting.wait(10)
    try:
        QApplication.processEvents()
        shown = app.window.grab().toImage()
        assert _magenta_pixels(shown) == 0, "the previous patient's face is on the screen"
        assert app.window.face_screen.preview.waiting_text  # the camera is said to be starting
    finally:
        face.go.set()
        face.release.set()
