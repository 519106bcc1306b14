"""目視確認 at the kiosk itself: the staff button on the waiting screen, the staff keypad over
the kiosk window (pytest-qt, offscreen), the records' waits after failures and audit, the chip
photo, the answer, and nothing left unlocked for the next patient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from helpers.clock import HandClock
from helpers.qt import tap
from kiosk.config import Settings, set_staff_password
from kiosk.reception import Event, State
from kiosk.records.store import RecordStore
from kiosk.station.kiosk_link import LinkStaff
from kiosk.station.on_reader import KioskStaffCheck
from kiosk.station_tables.staff_accounts import PAIR_BACKOFF
from kiosk.wiring.services import build_services

FACILITY_PASSWORD = "kiosk staff 2025"
TIMEOUT_MS = 30_000


@dataclass
class Reader:
    """A kiosk window over the real flow and records, with the on-reader staff path."""

    services: Any
    flow: Any
    window: Any
    bridge: Any
    controller: Any
    staff: Any  # kiosk.ui.staff_keypad.OnReaderStaff
    check: KioskStaffCheck
    clock: HandClock

    @property
    def keypad(self) -> Any:
        return self.staff.keypad


@pytest.fixture
def reader(qtbot: Any, sqlite_url: str) -> Iterator[Reader]:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui import theme
    from kiosk.ui.bridge import FlowBridge
    from kiosk.ui.controller import KioskController
    from kiosk.ui.i18n import Languages
    from kiosk.ui.staff_keypad import OnReaderStaff
    from kiosk.ui.window import KioskWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app)
    settings = Settings(kiosk_id="reception-9")
    set_staff_password(settings, FACILITY_PASSWORD)
    services = build_services(
        settings, card="virtual:auth-pin-locked", camera="scripted:no-match", records=sqlite_url
    )
    flow = services.reception()
    window = KioskWindow(Languages(app))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    bridge = FlowBridge(flow)
    controller = KioskController(window, bridge, tick_ms=0)
    clock = HandClock()
    check = KioskStaffCheck(sqlite_url, settings, "reception-9", LinkStaff.on(flow), clock=clock)
    staff = OnReaderStaff(window, bridge, check)
    controller.start()
    yield Reader(services, flow, window, bridge, controller, staff, check, clock)
    controller.stop()
    check.close()
    services.close()


def type_on(qtbot: Any, keypad: Any, text: str) -> None:
    """Type ``text`` with the keypad's own keys (lower-case letters, digits, spaces)."""
    from kiosk.ui.staff_keypad import key_name

    for char in text:
        tap(qtbot, keypad, "key_space" if char == " " else key_name(char))


def to_staff_wait(qtbot: Any, kiosk: Reader) -> None:
    """The patient places the card and presses 職員を呼ぶ."""
    kiosk.bridge.request(Event.CARD_PLACED)
    qtbot.waitUntil(lambda: kiosk.window.current_id == "method", timeout=TIMEOUT_MS)
    tap(qtbot, kiosk.window.current(), "call_staff")
    qtbot.waitUntil(lambda: kiosk.window.current_id == "staff-wait", timeout=TIMEOUT_MS)


def sign_in(qtbot: Any, kiosk: Reader, password: str, staff_id: str = "") -> None:
    keypad = kiosk.keypad
    if staff_id:
        tap(qtbot, keypad, "use_account")
        type_on(qtbot, keypad, staff_id)
        tap(qtbot, keypad, "field_password")
    type_on(qtbot, keypad, password)
    assert keypad.password_length == len(password)
    assert password not in keypad.field_password.text()  # shown as dots only
    tap(qtbot, keypad, "key_ok")


def message(kiosk: Reader, key: str, **params: Any) -> bool:
    from kiosk.ui.i18n import say

    return bool(kiosk.keypad.message.text() == say(key, **params))


def staff_audit(url: str) -> list[tuple[str, str, str]]:
    """(staff ID, action, address) of the staff audit records, in chain order."""
    with RecordStore.open(url, kiosk_id="check", read_only=True) as store:
        return [
            (
                str(r.body.get("staff_id")),
                str(r.body["detail"].get("action")),
                str(r.body["detail"].get("address", "")),
            )
            for r in store.records(kind="event")
            if r.body.get("event") == "staff"
        ]


def test_facility_password_waits_after_failures_with_audit(
    qtbot, reader: Reader, sqlite_url: str
) -> None:
    to_staff_wait(qtbot, reader)
    button = reader.staff.button
    assert button.isVisible() and button.height() >= 48  # the discreet staff button
    tap(qtbot, reader.window.current(), "staff_button")
    qtbot.waitUntil(reader.keypad.isVisible, timeout=TIMEOUT_MS)
    for attempt in range(PAIR_BACKOFF.free):  # the last of these starts a wait
        sign_in(qtbot, reader, f"wrong guess {attempt}")
        qtbot.waitUntil(lambda: message(reader, "staff-keypad.wrong"), timeout=TIMEOUT_MS)
        qtbot.waitUntil(reader.keypad.key_ok.isEnabled, timeout=TIMEOUT_MS)
    sign_in(qtbot, reader, FACILITY_PASSWORD)  # the right password, but within the wait
    qtbot.waitUntil(lambda: "失敗が続いたため" in reader.keypad.message.text(), timeout=TIMEOUT_MS)
    assert "秒後にもう一度" in reader.keypad.message.text()  # a short wait, said in seconds
    qtbot.waitUntil(reader.keypad.key_ok.isEnabled, timeout=TIMEOUT_MS)
    assert reader.keypad.pages.currentIndex() == 0  # no photo
    assert not reader.flow.visit.staff_visual  # still 無人
    audit = staff_audit(sqlite_url)
    facility = [action for who, action, _ in audit if who == "facility"]
    assert facility.count("login_failed") == PAIR_BACKOFF.free
    assert "login_throttled" in facility and "login" not in facility
    assert {address for who, _, address in audit if who == "facility"} == {"kiosk:reception-9"}

    reader.clock.advance(PAIR_BACKOFF.wait_s(PAIR_BACKOFF.free))  # the wait is over
    sign_in(qtbot, reader, FACILITY_PASSWORD)
    keypad = reader.keypad
    qtbot.waitUntil(lambda: keypad.confirm_ok.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: reader.flow.visit.staff_visual, timeout=TIMEOUT_MS)
    assert "login" in [action for who, action, _ in staff_audit(sqlite_url) if who == "facility"]
    tap(qtbot, keypad, "close")  # closed without an answer: back to 無人
    assert not keypad.isVisible()
    qtbot.waitUntil(lambda: not reader.flow.visit.staff_visual, timeout=TIMEOUT_MS)
    assert reader.window.current_id == "staff-wait"


def test_staff_account_sees_the_photo_and_confirms(qtbot, reader: Reader, sqlite_url, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    to_staff_wait(qtbot, reader)
    tap(qtbot, reader.window.current(), "staff_button")
    sign_in(qtbot, reader, "not the password", staff_id="nurse-01")
    qtbot.waitUntil(lambda: message(reader, "staff-keypad.wrong"), timeout=TIMEOUT_MS)
    assert reader.keypad.password_length == 0  # what was typed is forgotten at once
    tap(qtbot, reader.keypad, "field_password")  # the staff ID stays typed
    type_on(qtbot, reader.keypad, st.PASSWORD)
    tap(qtbot, reader.keypad, "key_ok")
    keypad = reader.keypad
    qtbot.waitUntil(lambda: keypad.confirm_ok.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(keypad.confirm_ok.isEnabled, timeout=TIMEOUT_MS)
    pixmap = keypad.photo.pixmap()
    assert pixmap is not None and pixmap.width() > 50 and pixmap.height() > 50  # the chip photo
    assert "nurse-01" in keypad.confirmer.text()
    qtbot.waitUntil(lambda: reader.flow.visit.staff_visual, timeout=TIMEOUT_MS)
    tap(qtbot, keypad, "confirm_ok")
    qtbot.waitUntil(lambda: reader.window.current_id == "consent-item", timeout=TIMEOUT_MS)
    assert not keypad.isVisible()
    assert reader.flow.visit.staff_id == "nurse-01"  # recorded with the account's ID
    audit = staff_audit(sqlite_url)
    assert ("nurse-01", "login", "kiosk:reception-9") in audit
    assert ("nurse-01", "visual_mode", "") in audit  # the flow's audit names who switched

    # the reception ends: the next one starts 無人, with nobody signed in
    reader.bridge.request(Event.CANCEL)
    qtbot.waitUntil(lambda: reader.flow.state != State.CONSENT, timeout=TIMEOUT_MS)
    reader.bridge.request(Event.CARD_REMOVED)
    qtbot.waitUntil(lambda: reader.flow.state == State.START, timeout=TIMEOUT_MS)
    assert not reader.flow.visit.staff_visual
    assert reader.staff.staff_id == ""
    to_staff_wait(qtbot, reader)
    assert not reader.flow.visit.staff_visual  # 無人 again: a new sign-in is needed
    with qtbot.waitSignal(reader.bridge.refused, timeout=TIMEOUT_MS):
        reader.bridge.request(Event.STAFF_CONFIRM, True)  # nothing stayed unlocked


def test_facility_password_is_recorded_as_facility_and_closing_goes_back_to_unattended(
    qtbot, reader: Reader, sqlite_url: str
) -> None:
    to_staff_wait(qtbot, reader)
    tap(qtbot, reader.window.current(), "staff_button")
    sign_in(qtbot, reader, FACILITY_PASSWORD)
    keypad = reader.keypad
    qtbot.waitUntil(lambda: keypad.confirm_ok.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: reader.flow.visit.staff_visual, timeout=TIMEOUT_MS)
    tap(qtbot, keypad, "close")  # closed without an answer: back to 無人
    assert not keypad.isVisible()
    qtbot.waitUntil(lambda: not reader.flow.visit.staff_visual, timeout=TIMEOUT_MS)
    assert reader.window.current_id == "staff-wait"

    tap(qtbot, reader.window.current(), "staff_button")
    assert keypad.password_length == 0 and keypad.pages.currentIndex() == 0
    sign_in(qtbot, reader, FACILITY_PASSWORD)
    qtbot.waitUntil(lambda: keypad.confirm_ng.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(keypad.confirm_ng.isEnabled, timeout=TIMEOUT_MS)
    tap(qtbot, keypad, "confirm_ng")  # 確認できない
    qtbot.waitUntil(lambda: reader.flow.state == State.CANCELLED, timeout=TIMEOUT_MS)
    assert not keypad.isVisible()
    reader.bridge.request(Event.CARD_REMOVED)  # the patient takes the card: the visit ends
    qtbot.waitUntil(lambda: reader.flow.state == State.START, timeout=TIMEOUT_MS)
    assert not reader.flow.visit.staff_visual
    with RecordStore.open(sqlite_url, kiosk_id="check", read_only=True) as store:
        refused = [
            r.body for r in store.records(kind="event") if r.body.get("event") == "visual_refused"
        ]
    assert [body.get("staff_id") for body in refused] == ["facility"]
    audit = staff_audit(sqlite_url)
    assert [a for who, a, _ in audit if who == "facility"].count("login") == 2
    assert ("facility", "unattended_mode", "") in audit


def test_the_patient_is_sent_to_the_desk_while_the_station_cannot_be_reached(
    qtbot, reader: Reader, sqlite_url: str, monkeypatch
) -> None:
    from kiosk.records.errors import RecordError
    from kiosk.station.kiosk_link import KioskLink
    from kiosk.station_tables.calls import CallBoard
    from kiosk.ui.bridge import BridgeDoor
    from kiosk.ui.i18n import say

    board = CallBoard.open(sqlite_url)
    down = False
    for name in ("report", "heartbeat", "open_call", "end_calls", "pending"):
        real = getattr(board, name)

        def failing(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            if down:
                raise RecordError("the records database cannot be reached")
            return _real(*args, **kwargs)

        monkeypatch.setattr(board, name, failing)
    link = KioskLink(
        reader.flow, board, "reception-9", BridgeDoor(reader.bridge), frames=None, heartbeat_s=0.2
    )
    reader.staff.watch_desk(link.unreachable_listeners, link.desk_reachable)
    link.start()
    try:
        to_staff_wait(qtbot, reader)
        screen = reader.window.current()
        assert not screen.desk_notice.isVisible()  # the desk is reachable: wait here
        down = True
        qtbot.waitUntil(screen.desk_notice.isVisible, timeout=TIMEOUT_MS)
        assert not link.desk_reachable
        assert screen.desk_notice.text() == "受付窓口にお越しください。"
        assert "受付窓口にお越しください。" in screen.spoken_text()
        reader.window.set_language("en")
        assert screen.desk_notice.text() == say("staff-wait.go_to_desk")
        assert screen.desk_notice.text() == "Please go to the reception desk."
        down = False
        qtbot.waitUntil(lambda: not screen.desk_notice.isVisible(), timeout=TIMEOUT_MS)
        assert link.desk_reachable
    finally:
        reader.window.set_language("ja")
        link.stop()
        board.close()


def test_nothing_is_accepted_at_the_kiosk_without_the_records() -> None:
    from kiosk.station.on_reader import Verdict

    class Inner:
        def check(self, credential: str) -> bool:
            return False

    settings = Settings(kiosk_id="reception-9")
    set_staff_password(settings, FACILITY_PASSWORD)
    check = KioskStaffCheck(
        "postgresql://kiosk@127.0.0.1:1/records",  # nothing listens there
        settings,
        "reception-9",
        LinkStaff(Inner()),
    )
    answer = check.check("", FACILITY_PASSWORD)  # the right password, but no lockout to keep
    assert answer.verdict is Verdict.UNREACHABLE and not answer.credential


def test_a_job_that_needs_no_records_does_not_bring_the_desk_back(
    reader: Reader, sqlite_url: str, monkeypatch
) -> None:
    """While the records are down, a job that touches none of them (a frame, the PINs) may
    succeed: the link stays 'unreachable' until it has told the desk everything again."""
    from kiosk.records.errors import RecordError
    from kiosk.station.kiosk_link import KioskLink
    from kiosk.station_tables.calls import CallBoard
    from kiosk.ui.bridge import BridgeDoor

    def down(*args: Any, **kwargs: Any) -> Any:
        raise RecordError("the records database cannot be reached")

    board = CallBoard.open(sqlite_url)
    heard: list[bool] = []
    link = KioskLink(reader.flow, board, "reception-9", BridgeDoor(reader.bridge), frames=None)
    link.unreachable_listeners.append(heard.append)
    try:
        monkeypatch.setattr(board, "report", down)
        link._guard(lambda: board.report("reception-9"))  # a job that needs the records
        assert (link.desk_reachable, heard) == (False, [False])
        link._guard(lambda: None)  # one that needs none: the report again still fails
        assert (link.desk_reachable, heard) == (False, [False])
        monkeypatch.undo()
        link._guard(lambda: None)
        assert (link.desk_reachable, heard) == (True, [False, True])
    finally:
        board.close()


def test_the_passcode_on_the_readers_pad_waits_after_failures_with_audit(
    qtbot, reader: Reader, sqlite_url: str
) -> None:
    from kiosk.records.database import open_database
    from kiosk.station_tables.passcode import FacilityPasscode
    from kiosk.station_tables.staff_accounts import StaffAccounts
    from kiosk.ui.staff_keypad.passcode_pad import pad_key_name

    db = open_database(sqlite_url)
    try:
        FacilityPasscode(db, StaffAccounts(db)).set("4821", by="nurse-01", at=reader.clock())
    finally:
        db.close()
    to_staff_wait(qtbot, reader)
    keypad = reader.keypad
    tap(qtbot, reader.window.current(), "staff_button")
    qtbot.waitUntil(lambda: keypad.isVisible() and keypad.passcode, timeout=TIMEOUT_MS)
    assert keypad.pad.isVisible() and not keypad.keys["a"].isVisible()  # digits only
    assert keypad.use_facility.text() == "目視パスコード" and keypad.use_account.isVisible()

    def enter(code: str) -> None:
        for digit in code:
            tap(qtbot, keypad, pad_key_name(digit))
        assert keypad.password_length == len(code) and code not in keypad.field_password.text()
        tap(qtbot, keypad, "key_ok")

    for _ in range(PAIR_BACKOFF.free):
        enter("0000")
        qtbot.waitUntil(lambda: message(reader, "staff-keypad.passcode_wrong"), timeout=TIMEOUT_MS)
        qtbot.waitUntil(keypad.key_ok.isEnabled, timeout=TIMEOUT_MS)
    enter("4821")  # right, but within the wait
    qtbot.waitUntil(lambda: "秒後にもう一度" in keypad.message.text(), timeout=TIMEOUT_MS)
    assert not reader.flow.visit.staff_visual
    reader.clock.advance(PAIR_BACKOFF.wait_s(PAIR_BACKOFF.free))
    qtbot.waitUntil(keypad.key_ok.isEnabled, timeout=TIMEOUT_MS)
    enter("4821")
    qtbot.waitUntil(lambda: reader.flow.visit.staff_visual, timeout=TIMEOUT_MS)
    assert "passcode" in keypad.confirmer.text()
    audit = staff_audit(sqlite_url)
    passcode = [(action, where) for who, action, where in audit if who == "passcode"]
    actions = ["login_failed"] * 3 + ["login_throttled", "login", "visual_mode"]
    assert [a for a, _ in passcode] == actions  # the flow's audit names the passcode too
    assert {where for a, where in passcode if a != "visual_mode"} == {"kiosk:reception-9"}
    assert not any(who == "facility" for who, _, _ in audit)
    qtbot.waitUntil(keypad.confirm_ok.isEnabled, timeout=TIMEOUT_MS)
    tap(qtbot, keypad, "confirm_ok")
    qtbot.waitUntil(lambda: reader.window.current_id == "consent-item", timeout=TIMEOUT_MS)
    assert reader.flow.visit.staff_id == "passcode"
