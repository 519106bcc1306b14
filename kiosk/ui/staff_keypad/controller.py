"""Wiring the staff button and the keypad to the flow (through the bridge) and to the staff
check (on a thread of its own)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.reception import Change, Event, State
from kiosk.reception.events import StaffAnswer
from kiosk.ui.bridge import FlowBridge
from kiosk.ui.staff_console import jp2_to_image
from kiosk.ui.staff_keypad.button import StaffButton
from kiosk.ui.staff_keypad.view import PHOTO_TAG, Answer, StaffCheck, StaffKeypad


def wait_message(seconds: float) -> tuple[str, dict[str, int]]:
    """The keypad's text key and its numbers for a wait of ``seconds`` after failures: in
    seconds under a minute, else in whole minutes rounded up."""
    if seconds < 60:
        return "staff-keypad.wait_seconds", {"seconds": max(1, math.ceil(seconds))}
    return "staff-keypad.wait_minutes", {"minutes": math.ceil(seconds / 60)}


class OnReaderStaff(QObject):
    """Wires the staff button and the keypad to the flow (through the bridge) and to the
    staff check (on a thread of its own)."""

    checked = Signal(object)  # Answer, emitted from the check's thread
    passcode_known = Signal(bool)  # whether a 目視 passcode is set, from the check's thread
    station_reachable = Signal(bool)  # emitted from the link's thread

    def __init__(self, window: Any, bridge: FlowBridge, check: StaffCheck) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.check = check
        self.screen = window.screens["staff-wait"]
        self.button = StaffButton(self.screen)
        self.keypad = StaffKeypad(window)
        self.staff_id = ""  # who signed in, until the keypad closes
        self.switched = False  # this sign-in switched the kiosk to 目視確認
        self.waiting = False
        self._ticket = 0  # the sign-in a check's answer belongs to
        self.button.clicked.connect(self.open)
        self.keypad.submitted.connect(self._submitted)
        self.keypad.passcode_submitted.connect(self._passcode_submitted)
        self.passcode_known.connect(self.keypad.set_passcode)
        self.keypad.answered.connect(self._answered)
        self.keypad.dismissed.connect(self.dismiss)
        self.checked.connect(self._checked)
        self.station_reachable.connect(self._show_station_reachable)
        bridge.changed.connect(self._changed)
        bridge.job_done.connect(self._job_done)

    def watch_desk(self, listeners: list[Callable[[bool], None]], reachable: bool) -> None:
        """Show the patient the way to the desk while the staff station cannot be reached
        (``listeners``: the kiosk link's, called from its thread)."""
        listeners.append(self.station_reachable.emit)
        self._show_station_reachable(reachable)

    def _show_station_reachable(self, reachable: bool) -> None:
        setter = getattr(self.screen, "set_desk_reachable", None)
        if callable(setter):
            setter(reachable)

    def open(self) -> None:
        if self.waiting or self.bridge.flow.state == State.STAFF_WAIT:
            self._ticket += 1
            self.staff_id, self.switched = "", False
            self.keypad.open()
            self._ask_passcode()

    def _ask_passcode(self) -> None:
        """Whether the facility has a 目視 passcode, asked of the records on a thread (the
        keypad shows the last answer meanwhile)."""

        def run() -> None:
            known = self.check.passcode_set()
            if known is not None:
                self.passcode_known.emit(known)

        threading.Thread(target=run, name="staff-keypad-passcode", daemon=True).start()

    def _submitted(self, staff_id: str, password: str) -> None:
        ticket = self._ticket

        def run() -> None:
            answer = self.check.check(staff_id, password)
            self.checked.emit((ticket, answer))

        threading.Thread(target=run, name="staff-keypad-check", daemon=True).start()
        password = ""

    def _passcode_submitted(self, passcode: str) -> None:
        ticket = self._ticket

        def run() -> None:
            answer = self.check.check_passcode(passcode)
            self.checked.emit((ticket, answer))

        threading.Thread(target=run, name="staff-keypad-check", daemon=True).start()
        passcode = ""

    def _checked(self, result: tuple[int, Answer]) -> None:
        ticket, answer = result
        if ticket != self._ticket or not self.keypad.isVisible():
            return  # the keypad was closed meanwhile
        if answer.verdict == "ok":
            self.staff_id = answer.staff_id
            self.switched = not self.bridge.flow.visit.staff_visual
            self.bridge.request(Event.STAFF_MODE, (True, answer.credential, answer.staff_id))
            self.bridge.run_job(PHOTO_TAG, self._read_photo)
            self.keypad.show_photo(answer.staff_id)
        elif answer.verdict == "locked":  # a wait after failures, never a lock for good
            key, numbers = wait_message(answer.retry_after_s)
            self.keypad.refuse(key, **numbers)
        elif answer.verdict == "unreachable":
            self.keypad.refuse("staff-keypad.unreachable")
        elif self.keypad.passcode and not self.keypad.account:
            self.keypad.refuse("staff-keypad.passcode_wrong")
        else:
            self.keypad.refuse("staff-keypad.wrong")

    def _read_photo(self) -> QImage | None:
        """On the flow's thread: the chip photo, decoded there (never stored)."""
        data = self.bridge.flow.staff_photo()
        return jp2_to_image(data) if data else None

    def _job_done(self, tag: str, result: object) -> None:
        if tag == PHOTO_TAG and self.staff_id and self.keypad.isVisible():
            self.keypad.set_photo(result if isinstance(result, QImage) else None)

    def _answered(self, ok: bool) -> None:
        if not self.staff_id:
            return
        self.bridge.request(Event.STAFF_CONFIRM, StaffAnswer(ok, self.staff_id))
        self.switched = False
        self._close()

    def dismiss(self) -> None:
        """Closed by the staff (or untouched too long): a kiosk this sign-in switched to
        目視確認 goes back to 無人."""
        if self.switched and self.staff_id:
            self.bridge.request(Event.STAFF_MODE, (False, self.check.mint(), self.staff_id))
        self._close()

    def _close(self) -> None:
        self._ticket += 1
        self.staff_id, self.switched = "", False
        self.keypad.close_keypad()

    def _changed(self, change: Change) -> None:
        if change.state == State.STAFF_WAIT and not self.waiting:
            self._ask_passcode()  # known before staff reach the keypad
        self.waiting = change.state == State.STAFF_WAIT
        if not self.waiting and self.keypad.isVisible():
            self._close()  # the wait is over: whoever signed in is forgotten
