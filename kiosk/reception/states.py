"""Where a reception can be: its states and their groups (see docs/reception.md)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DISPLAY", "INTERACTIVE", "LEFT_BEHIND", "TRANSIENT", "State"]


class State(StrEnum):
    """Where the reception is; the value is the screen id (docs/screens.md)."""

    START = "start"
    READING = "reading"  # transient: card read, certificate check
    CARD_ERROR = "card-error"  # 001 / 002 / 006 (or a system error)
    EXPIRY_ALERT = "expiry-alert"
    REGISTER = "register"  # 利用登録
    METHOD = "method"
    FACE = "face"
    FACE_FAILED = "face-failed"
    PIN = "pin"
    PIN_CHECK = "pin-check"  # transient: possession proof on the card
    PIN_LOCKED = "pin-locked"
    STAFF_WAIT = "staff-wait"  # 目視確認
    QUALIFYING = "qualifying"  # transient: registration commit, eligibility look-up
    CONSENT = "consent-item"
    HIGH_COST = "high-cost"
    LIMIT_CONSENT = "limit-consent"
    SPECIFIC_DISEASE = "specific-disease"
    PRESCRIPTION = "prescription"
    FINISHING = "finishing"  # transient: record and result file
    DONE = "done"
    CANCELLED = "cancelled"
    IDLE_WARNING = "idle-warning"
    TAKE_CARD = "take-card"  # the visit is over and the card still lies on the reader
    CARD_LEFT = "card-left"  # …for so long that the staff were alerted
    # the smartphone マイナ保険証 (the 汎用カードリーダー beside the kiosk)
    PHONE_CHOOSE = "phone-choose"  # iPhone or Android
    PHONE_PIN = "phone-pin"  # Android: the PIN of the phone's 利用者証明用電子証明書
    PHONE_HOLD = "phone-hold"  # hold the phone over the reader
    PHONE_READING = "phone-reading"  # transient: the phone held, read and checked
    PHONE_FAILED = "phone-failed"  # the phone cannot be used (why: the visit's phone_problem)
    PORTAL_DONE = "portal-done"  # staff checked the マイナポータル screen by eye


TRANSIENT = frozenset(
    {State.READING, State.PIN_CHECK, State.QUALIFYING, State.FINISHING, State.PHONE_READING}
)
"""States entered and left inside one event call (the work happens on entry)."""

DISPLAY = frozenset({State.CARD_ERROR, State.DONE, State.CANCELLED, State.PORTAL_DONE})
"""End screens: after a short display they ask for the card (or return to the start when the
card was already taken)."""

LEFT_BEHIND = frozenset({State.TAKE_CARD, State.CARD_LEFT})
"""The visit is over; the kiosk asks for the card until it is taken."""

INTERACTIVE = (
    frozenset(State) - TRANSIENT - DISPLAY - LEFT_BEHIND - {State.START, State.IDLE_WARNING}
)
"""States waiting for the patient or the staff: inactivity and cancel apply to them."""
