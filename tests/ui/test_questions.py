"""No nudging and no accidental ending on a question: 同意する and 同意しない (and the other
yes/no answers of the consent and high-cost questions) look alike — same role, size and font,
neither highlighted as the expected choice — and sit in the body, away from 「やめる」; the
staff-wait and done screens say what happens next."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.ui import theme
from kiosk.ui.i18n import Languages
from kiosk.ui.screenshots import variants
from kiosk.ui.window import KioskWindow

QUESTIONS = {
    "consent-medication": ("agree", "disagree"),
    "consent-checkups": ("agree", "disagree"),
    "high-cost": ("use", "not_use"),
    "limit-consent": ("share", "not_share"),
    "specific-disease": ("share", "not_share"),
}

FINGER_PX = 34
"""9 mm at 96 dpi, as tests/ui/test_no_overlap.py measures a finger."""


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    theme.apply(app)
    made = KioskWindow(Languages(app))
    qtbot.addWidget(made)
    made.show()
    yield made
    made.languages.switch("ja")


def _shown(window: KioskWindow, wanted: str) -> Any:
    _, screen_id, data = next(v for v in variants() if v[0] == wanted)
    screen = window.show_screen(screen_id, data)
    QApplication.processEvents()
    return screen


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_the_two_answers_are_alike_and_away_from_cancel(window, size, language, name) -> None:
    window.resize(*size)
    window.set_language(language)
    screen = _shown(window, name)
    yes, no = (screen.findChild(QPushButton, n) for n in QUESTIONS[name])
    assert yes.isVisible() and no.isVisible()
    assert yes.property("role") == no.property("role") == "answer"
    assert screen.primary_button() is None  # neither answer is pushed
    assert (yes.width(), yes.height()) == (no.width(), no.height())
    assert yes.font().bold() == no.font().bold()
    assert yes.font().pixelSize() == no.font().pixelSize()
    cancel = screen.cancel
    assert cancel.isVisible()
    top_of_cancel = cancel.mapTo(window, cancel.rect().topLeft()).y()
    for answer in (yes, no):
        bottom = answer.mapTo(window, answer.rect().bottomLeft()).y()
        assert top_of_cancel - bottom >= FINGER_PX  # a row apart, not beside 同意しない


def test_staff_wait_says_the_staff_were_called(window) -> None:
    window.resize(1280, 800)
    screen = _shown(window, "staff-wait")
    assert screen.title.text() == "職員をお呼びしました"
    window.set_language("en")
    assert screen.title.text() == "We have called a staff member"


def test_staff_wait_called_by_the_kiosk_says_why(window) -> None:
    window.resize(1280, 800)
    screen = _shown(window, "staff-wait-face-only")
    assert screen.title.text() == "職員をお呼びしました"
    assert "顔認証で確認できなかった" in screen.hint.text()
    assert screen.hint.text().endswith("そのままお待ちください。")  # the one thing to do, last


def test_an_invalid_insurance_shows_no_success_mark(window) -> None:
    window.resize(1280, 800)
    done = _shown(window, "done")
    assert done.mark.isVisible() and "完了" in done.title.text()
    not_done = _shown(window, "done-not-qualified")
    assert not not_done.mark.isVisible()
    assert "完了" not in not_done.title.text() + not_done.hint.text()
    assert "職員をお呼びしました" in not_done.hint.text()


def test_staff_wait_without_the_station_sends_the_patient_to_the_desk(window) -> None:
    window.resize(1280, 800)
    screen = _shown(window, "staff-wait")
    screen.set_desk_reachable(False)
    assert screen.title.text() == "職員を呼び出せませんでした"
    assert "お待ちください" not in screen.hint.text()  # one instruction: go to the desk
    assert screen.desk_notice.text() == "受付窓口にお越しください。"
    screen.set_desk_reachable(True)
    assert screen.title.text() == "職員をお呼びしました"
