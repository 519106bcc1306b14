"""The smartphone マイナ保険証 in the reception's table (docs/phone.md).

On the start screen the patient chooses the smartphone beside the card (when the facility
has a 汎用カードリーダー); says iPhone or Android; an Android user types the PIN of the
phone's 利用者証明用電子証明書 on the kiosk; then holds the phone over the reader. Read and
checked, the visit goes on as after a PIN: eligibility, the consent screens, the record and
the result file, with the method ``phone-android`` / ``phone-ios``. No face matching.

A phone that cannot be used says why (``visit.phone_problem``): a wrong PIN (type it again),
a locked PIN, the iPhone's Face ID / Touch ID failed or not set up (try again), a certificate
expired (also when the card itself expired: the phone's certificate ends with it) or revoked,
something else held over the reader. From every phone screen the patient may show the
マイナポータル qualification screen instead: the staff check it by eye (STAFF_WAIT, the
records note who), and the visit ends on PORTAL_DONE (outcome ``portal_confirmed``).

The transitions here come first in :attr:`Reception.TRANSITIONS`, so a smartphone visit's
ending (nothing to take from the reader) is chosen before the card's.
"""

from __future__ import annotations

from typing import Any

from kiosk.reception import entry
from kiosk.reception.events import Event
from kiosk.reception.machine import Transition, transitions
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.states import DISPLAY, State
from kiosk.reception.visit import Visit
from kiosk.vocabulary import PhoneOs

S = State
E = Event

PHONE_SCREENS = (S.PHONE_CHOOSE, S.PHONE_PIN, S.PHONE_HOLD, S.PHONE_FAILED)
"""Where the patient of the smartphone path waits (each may turn to the マイナポータル screen)."""

TRANSITIONS: tuple[Transition, ...] = (
    Transition(E.CHOOSE_PHONE, S.START, S.PHONE_CHOOSE, guard="phone_offered"),
    Transition(E.PHONE_OS, S.PHONE_CHOOSE, S.PHONE_PIN, guard="chose_android"),
    Transition(E.PHONE_OS, S.PHONE_CHOOSE, S.PHONE_HOLD, guard="chose_ios"),
    Transition(E.PIN_ENTERED, S.PHONE_PIN, S.PHONE_HOLD, guard="pin_format"),
    Transition(E.PHONE_PLACED, S.PHONE_HOLD, S.PHONE_READING),
    # phone-reading: the entry work sends one of these
    Transition(E.PHONE_OK, S.PHONE_READING, S.QUALIFYING),
    Transition(E.PHONE_LOST, S.PHONE_READING, S.PHONE_HOLD),
    Transition(E.PIN_WRONG, S.PHONE_READING, S.PHONE_PIN, guard="pin_tries_left"),
    Transition(E.PIN_WRONG, S.PHONE_READING, S.PHONE_FAILED),
    Transition(E.PHONE_REFUSED, S.PHONE_READING, S.PHONE_FAILED),
    Transition(E.RETRY_PHONE, S.PHONE_FAILED, S.PHONE_HOLD, guard="phone_retryable"),
    # the マイナポータル screen, checked by the staff
    *transitions(E.CALL_STAFF, PHONE_SCREENS, S.STAFF_WAIT),
    Transition(
        E.STAFF_CONFIRM,
        S.STAFF_WAIT,
        S.PORTAL_DONE,
        guard="staff_mode_visual",
        unless="portal_not_confirmed",
    ),
    # the end of a smartphone visit: nothing lies on the reader to take
    *[
        Transition(E.TICK, state, S.START, guard="phone_visit_displayed")
        for state in (s for s in State if s in DISPLAY)
    ],
    Transition(E.TICK, S.IDLE_WARNING, S.START, guard="phone_warning_elapsed"),
)

ENTRY: dict[State, entry.Entry] = {
    S.PHONE_CHOOSE: entry.start_phone_visit,
    S.PHONE_HOLD: entry.await_phone,
    S.PHONE_READING: entry.read_phone,
    S.PHONE_FAILED: entry.note_phone_failed,
}


def _chosen(visit: Visit, value: Any, _: FlowPolicy) -> Visit:
    """The phone the patient says they hold (a value the rules refused never gets here)."""
    return visit.but(phone_os=PhoneOs(value))


def _read(visit: Visit, _: Any, __: FlowPolicy) -> Visit:
    os_ = visit.phone_os
    return visit.but(method=os_.method) if os_ is not None else visit


ANSWERS = {E.PHONE_OS: _chosen, E.PHONE_OK: _read}
