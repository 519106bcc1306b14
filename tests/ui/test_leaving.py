"""Leaving a reception: the card taken away midway, cancel, and inactivity (injected clock)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from kiosk.ui import theme


def _to_consent(app, ui) -> None:
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "face")
    ui.wait_screen(app, "consent-item")


def test_card_removed_midway_cancels_and_records_nothing(qtbot, make_app, ui) -> None:
    app = make_app()
    _to_consent(app, ui)
    ui.tap(app.window.current(), "agree")  # one consent given, then the card is taken
    qtbot.waitUntil(lambda: app.window.current().data.get("index") == 2, timeout=60_000)
    app.kiosk.remove_card()
    ui.wait_screen(app, "cancelled")
    assert app.records.receptions == []
    assert not app.window.current().cancel.isVisible()
    app.kiosk.bridge.request("card_removed")  # already gone: back to the start
    ui.wait_screen(app, "start")


def test_cancel_button_asks_first_then_ends_the_reception(qtbot, make_app, ui) -> None:
    app = make_app()
    _to_consent(app, ui)
    screen = app.window.current()
    ui.tap(screen, "cancel")
    question = screen.ask_first
    assert question.isVisible() and question.question.text() == "受付をやめますか？"
    assert question.yes.height() == question.no.height() >= theme.TOUCH_PX
    ui.tap(screen, "cancel_no")  # いいえ: nothing is sent, the consent question stays
    assert not question.isVisible()
    assert app.flow.state.value == "consent-item"
    ui.tap(screen, "cancel")
    ui.tap(screen, "cancel_yes")
    ui.wait_screen(app, "cancelled")
    assert app.records.receptions == []


def test_an_open_cancel_question_goes_when_the_screen_changes(qtbot, make_app, ui) -> None:
    app = make_app()
    _to_consent(app, ui)
    screen = app.window.current()
    ui.tap(screen, "cancel")
    assert screen.ask_first.isVisible()
    ui.tap(screen, "cancel_no")
    ui.tap(screen, "cancel")
    app.kiosk.remove_card()  # the card taken instead: the question no longer applies
    ui.wait_screen(app, "cancelled")
    assert not screen.ask_first.isVisibleTo(screen)


def test_inactivity_warns_then_asks_for_the_card(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    policy = app.flow.policy
    app.clock.advance(policy.idle_timeout_s + 1)
    app.kiosk.bridge.tick()
    ui.wait_screen(app, "idle-warning")
    warning = app.window.current()
    assert warning.findChild(QPushButton, "continue").minimumHeight() >= 90
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
        timeout=60_000,
    )
    app.clock.advance(policy.idle_warning_s)
    app.kiosk.bridge.tick()
    qtbot.waitUntil(lambda: app.flow.state.value == "take-card", timeout=30000)
    ui.wait_screen(app, "take-card")
    assert "カードをお取りください" in app.window.current().spoken_text()
    assert app.records.receptions == []
    app.kiosk.remove_card()
    ui.wait_screen(app, "start")


def test_a_failing_camera_leaves_the_pin_and_staff(qtbot, make_app, ui) -> None:
    from kiosk.face.errors import FaceError

    class BrokenFace:
        def prepare(self, card_photo: bytes) -> None:
            return None

        def attempt(self, on_frame):  # type: ignore[no-untyped-def]
            raise FaceError("the camera stopped")

        def forget(self) -> None:
            return None

    app = make_app(face=BrokenFace())
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "face")
    ui.wait_screen(app, "face-failed")  # the flow turns a broken camera into a failed attempt
    screen = app.window.current()
    assert screen.hint.text().startswith("カメラを使用できません。")
    ui.tap(screen, "pin")
    ui.wait_screen(app, "pin")
    assert app.records.receptions == []


def test_an_unexpected_failure_cancels_without_recording(qtbot, make_app, ui, monkeypatch) -> None:
    from kiosk.errors import KioskError

    app = make_app()
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")

    from kiosk.reception import Event

    send = app.flow.send

    def broken(event: Event, value: object = None) -> object:
        if event is Event.CHOOSE_PIN:
            raise KioskError("the eligibility service is down")
        return send(event, value)

    monkeypatch.setattr(app.flow, "send", broken)
    with qtbot.waitSignal(app.kiosk.bridge.failed, timeout=60_000):
        ui.tap(app.window.current(), "pin")
    ui.wait_screen(app, "cancelled")
    assert app.records.receptions == []
