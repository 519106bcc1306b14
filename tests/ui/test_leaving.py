"""Leaving a reception: the card taken away midway, cancel, and inactivity (injected clock)."""

from __future__ import annotations


def _to_consent(app, ui) -> None:
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "method_face")
    ui.wait_screen(app, "consent-item")


def test_card_removed_midway_cancels_and_records_nothing(qtbot, make_app, ui) -> None:
    app = make_app()
    _to_consent(app, ui)
    ui.tap(app.window.current(), "agree")  # one consent given, then the card is taken
    qtbot.waitUntil(lambda: app.window.current().data.get("index") == 2, timeout=5000)
    app.kiosk.remove_card()
    ui.wait_screen(app, "cancelled")
    assert app.records.receptions == []
    assert not app.window.current().cancel.isVisible()
    app.kiosk.bridge.request("card_removed")  # already gone: back to the start
    ui.wait_screen(app, "start")


def test_cancel_button_ends_the_reception(qtbot, make_app, ui) -> None:
    app = make_app()
    _to_consent(app, ui)
    ui.tap(app.window.current(), "cancel")
    ui.wait_screen(app, "cancelled")
    assert app.records.receptions == []


def test_inactivity_warns_then_returns_to_start(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    policy = app.flow.policy
    app.clock.advance(policy.idle_timeout_s + 1)
    app.kiosk.bridge.tick()
    ui.wait_screen(app, "idle-warning")
    warning = app.window.current()
    assert warning.go_on.minimumHeight() >= 90
    assert warning.data["seconds_left"] >= 20
    ui.tap(warning, "continue")
    ui.wait_screen(app, "method")  # back where the patient was
    app.clock.advance(policy.idle_timeout_s + 1)
    app.kiosk.bridge.tick()
    ui.wait_screen(app, "idle-warning")
    app.clock.advance(5)
    app.kiosk.bridge.tick()
    qtbot.waitUntil(
        lambda: app.window.current().data.get("seconds_left") == round(policy.idle_warning_s - 5),
        timeout=5000,
    )
    app.clock.advance(policy.idle_warning_s)
    app.kiosk.bridge.tick()
    ui.wait_screen(app, "start")
    assert app.records.receptions == []
