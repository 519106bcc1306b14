"""The PIN path through the real widgets, the real flow and a virtual card: wrong entries
count down on the card, the third locks it, and the patient finishes by face."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.simcard.deck import get_profile
from kiosk.vocabulary import IdentityMethod


def _other_pin(pin: str) -> str:
    return "1111" if pin != "1111" else "2222"


def test_wrong_pins_lock_the_auth_pin_then_face_finishes(qtbot, make_app, ui) -> None:
    app = make_app()
    real = get_profile("standard").auth_pin
    wrong = _other_pin(real)
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "pin")
    ui.wait_screen(app, "pin")
    pin_screen = app.window.current()
    assert pin_screen.tries.text() == "残り 3 回"
    ui.type_pin(app, wrong)
    qtbot.waitUntil(lambda: pin_screen.data.get("tries_left") == 2, timeout=60_000)
    assert pin_screen.message.text() == "暗証番号が違います。あと2回間違えるとロックされます。"
    assert pin_screen.dots.text() == "○○○○"  # the digits are gone
    ui.type_pin(app, wrong)
    qtbot.waitUntil(lambda: pin_screen.data.get("tries_left") == 1, timeout=60_000)
    # one try left: a prominent warning that offers face authentication
    assert pin_screen.last_try.isVisible() and pin_screen.last_try.property("role") == "warning"
    assert "ロック" in pin_screen.last_try.text() and "顔認証" in pin_screen.last_try.text()
    face = pin_screen.ways.button_for(Event.CHOOSE_FACE)
    assert face is not None and face.isVisible() and face.isEnabled()
    ui.type_pin(app, wrong)
    ui.wait_screen(app, "pin-locked")
    locked = app.window.current()
    assert locked.title.text() == "暗証番号がロックされました"
    assert "利用者証明用" in locked.what.text() and "3回" in locked.what.text()  # what happened
    assert "顔認証" in locked.hint.text() and "市区町村" in locked.hint.text()  # what to do
    # the operator panel shows the card's own counter: auth locked, the others untouched
    panel = app.kiosk.panel
    qtbot.waitUntil(lambda: panel.counter_text("auth").startswith("0 / 3"), timeout=60_000)
    assert panel.counter_text("hojo") == "3 / 3"
    assert panel.counter_text("sign") == "5 / 5"
    ui.tap(locked, "face")
    ui.answer_consents(app, [True, True])
    assert [r.method for r in app.records.receptions] == [IdentityMethod.FACE]
    # the redacted trace never shows a PIN
    trace = panel.trace.toPlainText()
    verify_lines = [line for line in trace.splitlines() if line.startswith("> 00 20 ")]
    assert any("redacted" in line for line in verify_lines)
    assert all("redacted" in line or "Lc=" not in line for line in verify_lines)
    assert wrong.encode().hex() not in trace.replace(" ", "").lower()


def test_a_right_pin_after_a_wrong_one_checks_in_by_pin(qtbot, make_app, ui, caplog) -> None:
    caplog.set_level(1)  # everything, down to the APDU trace
    app = make_app()
    real = get_profile("standard").auth_pin
    app.kiosk.place_card("virtual:standard")
    ui.wait_screen(app, "method")
    ui.tap(app.window.current(), "pin")
    ui.wait_screen(app, "pin")
    pin_screen = app.window.current()
    ui.type_pin(app, _other_pin(real))
    qtbot.waitUntil(lambda: pin_screen.data.get("tries_left") == 2, timeout=60_000)
    ui.type_pin(app, real)
    ui.answer_consents(app, [False, False])
    assert [r.method for r in app.records.receptions] == [IdentityMethod.PIN]
    assert app.kiosk.panel.counter_text("auth") == "3 / 3"  # one right entry restores it
    trace = app.kiosk.panel.trace.toPlainText().replace(" ", "").lower()
    for pin in (real, _other_pin(real)):
        assert pin not in caplog.text
        assert pin.encode().hex() not in caplog.text.replace(" ", "").lower()
        assert pin.encode().hex() not in trace
