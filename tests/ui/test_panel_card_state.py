"""The operator panel's card-state group: a trainer sets the placed card's PIN counters and
its certificate state on the card itself, and the kiosk shows what that patient meets; every
change is a line of the redacted trace."""

from __future__ import annotations

from helpers.qt import TIMEOUT_MS
from kiosk.vocabulary import PinKind


def test_a_pin_locked_on_the_placed_card_shows_at_once(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    card = app.kiosk.tray.current.inner
    group = app.kiosk.card_state
    panel = app.kiosk.panel
    group.choose("auth", 0)
    assert group.tries.text() == "0（ロック）"
    ui.tap(group, "set_tries")
    qtbot.waitUntil(lambda: panel.counter_text("auth").startswith("0 / 3"), timeout=TIMEOUT_MS)
    assert card.state.pins[PinKind.AUTH].tries_left == 0  # the same card, changed
    assert "利用者証明用" in panel.trace.toPlainText() and "0 / 3" in panel.trace.toPlainText()
    ui.tap(app.window.current(), "pin")
    ui.wait_screen(app, "pin")
    ui.type_pin(app, "1234")  # the right PIN: the card itself refuses it now
    ui.wait_screen(app, "pin-locked")
    group.choose("sign", 1)
    ui.tap(group, "set_tries")
    qtbot.waitUntil(lambda: panel.counter_text("sign").startswith("1 / 5"), timeout=TIMEOUT_MS)


def _traced(qtbot, app, text: str) -> None:
    panel = app.kiosk.panel
    qtbot.waitUntil(lambda: text in panel.trace.toPlainText(), timeout=TIMEOUT_MS)


def _placed_again(qtbot, app, ui) -> None:
    """The card taken away and, once the kiosk is back at the start, placed again."""
    app.kiosk.remove_card()
    qtbot.waitUntil(lambda: app.window.current_id in ("cancelled", "start"), timeout=TIMEOUT_MS)
    ui.tick(app, 30)  # an end screen's time, if one was shown
    ui.wait_screen(app, "start")
    app.kiosk.place_card("virtual:standard")


def test_a_certificate_state_is_set_and_read_at_the_next_placing(qtbot, make_app, ui) -> None:
    app = make_app()
    group = app.kiosk.card_state
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    card = app.kiosk.tray.current.inner
    group.choose_certificate("expired")
    ui.tap(group, "set_certificate")
    _traced(qtbot, app, "期限切れ（猶予後・エラー006）")
    _placed_again(qtbot, app, ui)
    ui.wait_screen(app, "card-error")
    assert app.flow.screen().details.get("error_code") == "006"
    group.choose_certificate("grace")
    ui.tap(group, "set_certificate")
    _traced(qtbot, app, "3か月の猶予中")
    _placed_again(qtbot, app, ui)
    ui.wait_screen(app, "expiry-alert")
    assert app.kiosk.tray.current.inner is card  # the same card all along, no new one


def test_without_a_virtual_card_the_trace_says_so(qtbot, make_app, ui) -> None:
    app = make_app()
    ui.tap(app.kiosk.card_state, "set_tries")
    panel = app.kiosk.panel
    qtbot.waitUntil(
        lambda: "仮想カードがありません" in panel.trace.toPlainText(), timeout=TIMEOUT_MS
    )
