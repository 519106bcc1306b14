"""What can happen to a reception: the patient's and staff's events, and the follow-ups the
reception sends itself after its own work (a card read, a PIN check, a record)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Event(StrEnum):
    """Every event of the transition table; the value is its name in scenarios and logs."""

    # the reader
    CARD_PLACED = "card_placed"
    CARD_REMOVED = "card_removed"
    TICK = "tick"  # time passes (inactivity, end screens)
    # the patient
    RETRY_READ = "retry_read"  # 「もう一度読み取る」 on error 001
    CANCEL = "cancel"  # 「やめる」
    NEXT = "next"  # 「次へ」 on the expiry alert
    REGISTER = "register"  # value: True 登録する / False 登録しない
    CHOOSE_FACE = "choose_face"
    CHOOSE_PIN = "choose_pin"
    CALL_STAFF = "call_staff"
    RETRY_FACE = "retry_face"
    LOOK_AT_CAMERA = "look_at_camera"  # run one face attempt
    PIN_ENTERED = "pin_entered"  # value: the 4-digit PIN (never kept)
    CONSENT = "consent"  # value: True 同意する / False 同意しない
    HIGH_COST = "high_cost"  # value: True 利用する / False 利用しない
    LIMIT_INFO = "limit_info"  # value: True 提供する / False 提供しない
    DISEASE_INFO = "disease_info"  # value: True 提供する / False 提供しない
    PRESCRIPTION = "prescription"  # value: True 電子処方箋 / False 紙の処方箋
    CONTINUE = "continue_"  # 「続ける」 on the idle warning
    # the smartphone (the 汎用カードリーダー beside the kiosk)
    CHOOSE_PHONE = "choose_phone"  # 「スマートフォンで受付」 on the start screen
    PHONE_OS = "phone_os"  # value: "ios" (iPhone) / "android"
    PHONE_PLACED = "phone_placed"  # the phone is held over the reader
    RETRY_PHONE = "retry_phone"  # 「もう一度かざす」
    # the staff
    STAFF_MODE = "staff_mode"  # 無人 / 目視確認 (a mode of the kiosk, not a transition)
    STAFF_CONFIRM = "staff_confirm"  # value: True 本人確認OK / False 確認できない
    # follow-ups of the reception's own work
    READ_OK = "read_ok"
    READ_FAILED = "read_failed"
    FACE_RESULT = "face_result"  # value: True when the face matched
    PIN_OK = "pin_ok"
    PIN_WRONG = "pin_wrong"
    CHECK_FAILED = "check_failed"
    PROCEED = "proceed"
    QUALIFY_FAILED = "qualify_failed"
    RECORDED = "recorded"
    RECORD_FAILED = "record_failed"
    PHONE_OK = "phone_ok"  # the phone was read and its certificate is valid
    PHONE_LOST = "phone_lost"  # the phone was taken away before the read finished
    PHONE_REFUSED = "phone_refused"  # the phone cannot be used (visit.phone_problem says why)


FOLLOW_UPS = frozenset(
    {
        Event.READ_OK,
        Event.READ_FAILED,
        Event.FACE_RESULT,
        Event.PIN_OK,
        Event.PIN_WRONG,
        Event.CHECK_FAILED,
        Event.PROCEED,
        Event.QUALIFY_FAILED,
        Event.RECORDED,
        Event.RECORD_FAILED,
        Event.PHONE_OK,
        Event.PHONE_LOST,
        Event.PHONE_REFUSED,
    }
)
"""Events only the reception sends itself (after its own work); the outside cannot."""


UNNAMED_STAFF = "staff"
"""The staff ID recorded when the staff member did not sign in by name (the kiosk's own
staff password)."""


@dataclass(frozen=True)
class StaffAnswer:
    """What staff decide on 目視確認: the patient is the card's holder (``ok``) or not, and
    who decided."""

    ok: bool
    staff_id: str = UNNAMED_STAFF


@dataclass(frozen=True)
class StaffMode:
    """Staff switch the kiosk to 目視確認 (``visual``) or back to 無人, with their credential
    (checked by the reception's StaffAuthenticator, never kept) and who they are."""

    visual: bool
    credential: str
    staff_id: str = UNNAMED_STAFF

    def __repr__(self) -> str:  # the credential never reaches a log or a trace
        return f"StaffMode(visual={self.visual}, staff_id={self.staff_id!r})"
