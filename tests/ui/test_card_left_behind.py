"""The card left behind: after every ending the kiosk asks for the card, with a chime, until
it is taken, and alerts the staff after a while; a card pulled mid-flow is named as such;
error screens say what to do and have a button."""

from __future__ import annotations

from kiosk.reception import Event, State, Visit
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.screens import build_screen
from kiosk.ui.present import present
from kiosk.vocabulary import ReaderError


def _finish(app, ui) -> None:
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "face")
    ui.answer_consents(app, [True, True])


def test_the_card_left_screen_holds_while_the_card_is_there(qtbot, make_app, ui) -> None:
    app = make_app()
    played = app.kiosk.voice.played
    _finish(app, ui)
    assert "beep" in played  # the card was detected
    policy = app.flow.policy
    ui.tick(app, policy.display_s + 1)
    ui.wait_screen(app, "take-card")
    screen = app.window.current()
    assert screen.title.text() == "カードをお取りください"
    assert "chime" in played
    for _ in range(3):  # time passes, the card stays: the screen stays, the staff not alerted
        ui.tick(app, policy.card_left_alert_s / 4)
        assert app.window.current_id == "take-card"
        assert app.window.current().data.get("stage") != "card-left"
    ui.tick(app, policy.card_left_alert_s)
    qtbot.waitUntil(lambda: app.window.current().data.get("stage") == "card-left", timeout=60_000)
    assert "職員" in screen.hint.text()  # the staff were alerted, and the patient is told
    assert app.window.current_id == "take-card"
    app.kiosk.remove_card()
    ui.wait_screen(app, "start")
    chimes = played.count("chime")
    assert not app.kiosk.controller.chime.isActive()  # the chime stops with the card taken
    ui.tick(app, 60)
    assert played.count("chime") == chimes


def test_a_card_pulled_mid_flow_says_it_was_removed(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    app.kiosk.remove_card()
    ui.wait_screen(app, "cancelled")
    screen = app.window.current()
    assert screen.title.text() == "カードが取り外されました"
    assert "お取りください" not in screen.spoken_text()
    assert screen.data.get("ended_by") == "card_removed"


def test_the_unreadable_card_screen_offers_to_read_again(qtbot, make_kiosk, ui) -> None:
    kiosk = make_kiosk()
    visit = Visit(error=ReaderError.NOT_RECOGNISED, ended_by="error")
    shown = present(build_screen(State.CARD_ERROR, visit, FlowPolicy.of()))
    assert shown is not None
    screen = kiosk.window.show_screen(*shown)
    button = screen.primary_button()
    assert button is not None and button.objectName() == "retry_read"
    assert button.text() == "もう一度読み取る"
    assert screen.hint.text() == "置き直してください。"  # what to do
    chosen = []
    kiosk.window.chosen.connect(lambda event, value: chosen.append(event))
    ui.tap(screen, "retry_read")
    assert chosen == [Event.RETRY_READ]


def test_a_card_error_holds_until_the_card_is_taken(qtbot, make_app, ui) -> None:
    app = make_app()
    app.kiosk.place_card("virtual:not-my-number")
    ui.wait_screen(app, "card-error")
    screen = app.window.current()
    staff = screen.primary_button()
    assert staff is not None and staff.objectName() == "call_staff"
    ui.tick(app, app.flow.policy.display_s + 1)
    ui.wait_screen(app, "take-card")  # the card is still there: asked for, not forgotten
    app.kiosk.remove_card()
    ui.wait_screen(app, "start")
