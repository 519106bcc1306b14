"""A screen's buttons are the flow's options: shown, labelled and enabled as the flow says,
and each sends its own event and value back, unchanged."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from helpers.doubles import FakeCard
from kiosk.reception import Event, Option
from kiosk.texts import catalogue


def _window(qtbot, make_kiosk):  # type: ignore[no-untyped-def]
    return make_kiosk().window


def test_buttons_are_the_options_given(qtbot, make_kiosk) -> None:
    window = _window(qtbot, make_kiosk)
    options = (
        Option(Event.HIGH_COST, "option.use", "yes, please"),
        Option(Event.HIGH_COST, "option.not_use", False, enabled=False),
        Option(Event.CANCEL, "option.cancel"),
    )
    screen = window.show_screen("high-cost", {"options": options, "stage": "high-cost"})
    use = screen.findChild(QPushButton, "use")
    not_use = screen.findChild(QPushButton, "not_use")
    assert use.text() == catalogue().get("option.use", "ja")
    assert use.isVisible() and use.isEnabled()
    assert not_use.isVisible() and not not_use.isEnabled()
    assert screen.cancel.isVisible()
    with qtbot.waitSignal(window.chosen, timeout=60_000) as sent:
        qtbot.mouseClick(use, Qt.MouseButton.LeftButton)
    assert sent.args == [Event.HIGH_COST, "yes, please"]
    with qtbot.assertNotEmitted(window.chosen):
        qtbot.mouseClick(not_use, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.chosen, timeout=60_000) as sent:
        qtbot.mouseClick(screen.cancel, Qt.MouseButton.LeftButton)
    assert sent.args == [Event.CANCEL, None]


def test_fewer_options_leave_no_stale_button(qtbot, make_kiosk) -> None:
    window = _window(qtbot, make_kiosk)
    three = (
        Option(Event.RETRY_FACE, "option.retry_face"),
        Option(Event.CHOOSE_PIN, "option.pin"),
        Option(Event.CALL_STAFF, "option.call_staff"),
    )
    screen = window.show_screen("face-failed", {"options": three})
    assert screen.findChild(QPushButton, "pin").isVisible()
    screen = window.show_screen("face-failed", {"options": (three[2],)})
    assert screen.findChild(QPushButton, "pin") is None
    assert screen.findChild(QPushButton, "retry_face") is None
    assert screen.findChild(QPushButton, "call_staff").isVisible()
    assert not screen.cancel.isVisible()  # the flow offered no cancel


def test_the_keypad_sends_the_pin_once_and_forgets_it(qtbot, make_kiosk) -> None:
    window = _window(qtbot, make_kiosk)
    screen = window.show_screen("pin", {"tries_left": 3})
    for digit in "2580":
        qtbot.mouseClick(screen.findChild(QPushButton, f"key_{digit}"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.chosen, timeout=60_000) as sent:
        qtbot.mouseClick(screen.findChild(QPushButton, "key_ok"), Qt.MouseButton.LeftButton)
    assert sent.args == [Event.PIN_ENTERED, "2580"]
    assert screen.dots.text() == "○○○○"
    assert not [text for text in _held_text(screen) if "2580" in text]


def _held_text(widget: object) -> list[str]:
    """The text a widget keeps in its own attributes: strings, bytes and sequences of them
    (digits typed one by one), not object reprs, whose memory addresses may hold any digits."""
    held: list[str] = []
    for value in vars(widget).values():
        if isinstance(value, str):
            held.append(value)
        elif isinstance(value, bytes | bytearray):
            held.append(value.decode("latin-1"))
        elif isinstance(value, list | tuple) and all(isinstance(v, str | int) for v in value):
            held.append("".join(str(v) for v in value))
    return held


def test_a_tapped_option_reaches_the_flow(qtbot, make_kiosk, ui) -> None:
    kiosk = make_kiosk(card=FakeCard(pin="7351"))
    kiosk.controller.place_card()
    ui.wait_screen(kiosk, "method")
    ui.tap(kiosk.window.current(), "call_staff")
    ui.wait_screen(kiosk, "staff-wait")
    assert kiosk.flow.state == "staff-wait"
