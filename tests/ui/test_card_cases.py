"""What the patient sees for the deck's special cards, through the real flow and widgets."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton


def _button(screen, name: str) -> QPushButton | None:
    return screen.findChild(QPushButton, name)


@pytest.mark.parametrize(
    ("profile", "code"),
    [("not-my-number", "002"), ("expired-certificate", "006"), ("revoked-certificate", "006")],
)
def test_card_errors_show_their_code(qtbot, make_app, ui, profile: str, code: str) -> None:
    app = make_app()
    app.kiosk.place_card(f"virtual:{profile}")
    ui.wait_screen(app, "card-error")
    screen = app.window.current()
    assert screen.code.text() == f"【{code}】"
    assert not screen.cancel.isVisible()  # an end screen: it returns to the start by itself
    assert screen.title.text()
    app.kiosk.remove_card()
    ui.wait_screen(app, "start")


def test_face_only_card_offers_no_pin(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:face-only")
    ui.wait_screen(app, "method")
    screen = app.window.current()
    assert _button(screen, "face").isVisible()
    assert _button(screen, "pin") is None  # the flow offers no PIN


def test_locked_auth_pin_is_shown_disabled_with_the_reason(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:auth-pin-locked")
    ui.wait_screen(app, "method")
    screen = app.window.current()
    pin = _button(screen, "pin")
    assert pin.isVisible() and not pin.isEnabled()
    assert "利用者証明用" in screen.reason.text() and "市区町村" in screen.reason.text()
    assert screen.reason.text() == app.flow.screen().option("choose_pin").reason_in("ja")


def test_expiring_certificate_alerts_then_continues(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:expiring-soon")
    ui.wait_screen(app, "expiry-alert")
    screen = app.window.current()
    assert "年" in screen.when.text() and "月" in screen.when.text()
    ui.tap(screen, "next")
    qtbot.waitUntil(lambda: app.window.current_id in ("method", "register"), timeout=60_000)


def test_unregistered_card_registers_then_checks_in(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:unregistered")
    ui.wait_screen(app, "register")
    ui.tap(app.window.current(), "register")
    ui.wait_screen(app, "method")
