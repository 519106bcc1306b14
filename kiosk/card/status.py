"""Status words, and the one place that turns them into exceptions."""

from __future__ import annotations

from enum import IntEnum

from kiosk.card.errors import (
    NotFoundError,
    NotSupportedError,
    PinBlockedError,
    SecurityStatusNotSatisfiedError,
    StatusError,
    WrongLengthError,
    WrongParametersError,
    WrongPinError,
)


class SW(IntEnum):
    """The status words a My Number card answers (ISO 7816-4)."""

    OK = 0x9000
    VERIFY_FAILED = 0x63C0  # low nibble carries the tries left
    WRONG_LENGTH = 0x6700
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6984
    CONDITIONS_NOT_SATISFIED = 0x6985
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    INCORRECT_P1P2 = 0x6A86
    WRONG_P1P2 = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


_MEANING: dict[int, str] = {
    SW.OK: "OK",
    SW.WRONG_LENGTH: "wrong length",
    SW.SECURITY_STATUS_NOT_SATISFIED: "security status not satisfied (PIN not verified)",
    SW.AUTH_METHOD_BLOCKED: "PIN blocked",
    SW.CONDITIONS_NOT_SATISFIED: "conditions of use not satisfied",
    SW.WRONG_DATA: "wrong data",
    SW.FUNCTION_NOT_SUPPORTED: "function not supported",
    SW.FILE_NOT_FOUND: "application or file not found",
    SW.INCORRECT_P1P2: "incorrect P1/P2",
    SW.WRONG_P1P2: "offset beyond the end of the file",
    SW.INS_NOT_SUPPORTED: "instruction not supported",
    SW.CLA_NOT_SUPPORTED: "class not supported",
    SW.NO_PRECISE_DIAGNOSIS: "card error",
}


def is_verify_failed(sw: int) -> bool:
    """True for 63Cx (wrong PIN with x tries left, or the tries-left answer)."""
    return sw & 0xFFF0 == SW.VERIFY_FAILED


def tries_left(sw: int) -> int:
    """The x of 63Cx."""
    return sw & 0x000F


def describe(sw: int) -> str:
    """A short English meaning of a status word, with its hex value."""
    if is_verify_failed(sw):
        return f"{sw:04X} wrong PIN, {tries_left(sw)} tries left"
    return f"{sw:04X} {_MEANING.get(sw, 'unknown status')}"


def check(sw: int, what: str = "command") -> None:
    """Raise the exception that a status word means; return quietly on 9000.

    ``what`` names the operation in the message (e.g. "VERIFY auth PIN"); it must never
    contain secret data.
    """
    if sw == SW.OK:
        return
    message = f"{what}: {describe(sw)}"
    if is_verify_failed(sw):
        left = tries_left(sw)
        if left == 0:
            raise PinBlockedError(sw, message)
        raise WrongPinError(sw, message, left)
    if sw == SW.AUTH_METHOD_BLOCKED:
        raise PinBlockedError(sw, message)
    if sw == SW.SECURITY_STATUS_NOT_SATISFIED:
        raise SecurityStatusNotSatisfiedError(sw, message)
    if sw == SW.FILE_NOT_FOUND:
        raise NotFoundError(sw, message)
    if sw == SW.WRONG_LENGTH or sw & 0xFF00 == 0x6C00:
        raise WrongLengthError(sw, message)
    if sw in (SW.INCORRECT_P1P2, SW.WRONG_P1P2):
        raise WrongParametersError(sw, message)
    if sw in (SW.INS_NOT_SUPPORTED, SW.CLA_NOT_SUPPORTED):
        raise NotSupportedError(sw, message)
    raise StatusError(sw, message)
