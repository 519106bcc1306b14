"""The card layer's exceptions: one root, one class per thing a caller acts on.

Messages never contain PIN values or APDU bodies; they name the PIN and the count.
"""

from __future__ import annotations

from kiosk.errors import KioskError
from kiosk.vocabulary import PinKind


class CardError(KioskError):
    """Root of every error raised while talking to a card."""


class MalformedApduError(CardError):
    """A command or response APDU that cannot be parsed."""


class TlvError(CardError):
    """BER-TLV data that cannot be parsed."""


class TransportError(CardError):
    """The link to the card failed (no reader, card removed, I/O error)."""


class NoCardError(TransportError):
    """No card is present (or it was removed)."""


class StatusError(CardError):
    """The card answered a status word other than 9000."""

    def __init__(self, sw: int, message: str) -> None:
        super().__init__(message)
        self.sw = sw


class WrongPinError(StatusError):
    """A VERIFY with a wrong PIN (63Cx): a try was spent; ``tries_left`` as the card reports
    it, ``pin`` the PIN when the caller named it."""

    def __init__(
        self, sw: int, message: str, tries_left: int, *, pin: PinKind | None = None
    ) -> None:
        super().__init__(sw, message)
        self.tries_left = tries_left
        self.pin = pin


class PinBlockedError(StatusError):
    """The PIN is blocked (6984, or 63C0 after the last wrong try); ``pin`` the PIN when the
    caller named it."""

    def __init__(self, sw: int, message: str, *, pin: PinKind | None = None) -> None:
        super().__init__(sw, message)
        self.pin = pin


class SecurityStatusNotSatisfiedError(StatusError):
    """A protected file or key was used without its PIN (6982)."""


class NotFoundError(StatusError):
    """Application or file not found (6A82)."""


class WrongLengthError(StatusError):
    """Lc or Le not accepted (6700)."""


class WrongParametersError(StatusError):
    """P1/P2 not accepted (6A86) or offset beyond the end of the file (6B00)."""


class NotSupportedError(StatusError):
    """Instruction or class not supported (6D00, 6E00)."""


class NotMyNumberCardError(CardError):
    """The card has no JPKI applet: it is not a My Number card (reception error 002)."""


class BadPinFormatError(CardError, ValueError):
    """A PIN or 照合番号B of the wrong shape, refused before it could spend a try.

    The message names the rule (e.g. "4 digits"), never the value.
    """


class CardDataError(CardError):
    """The card answered 9000 with data the kiosk cannot use (truncated EF, bad TLV, bad date)."""


class PossessionNotProvenError(CardError):
    """The card's signature does not verify against its own auth certificate."""


VERIFICATION_FAILED = "failed"
NOT_ENROLLED = "not_enrolled"


class NotAPhoneError(CardError):
    """What lies on the phone reader is not a phone with the card's certificates (``card``:
    it is a My Number card)."""

    def __init__(self, message: str, *, card: bool = False) -> None:
        super().__init__(message)
        self.card = card


class PhoneVerificationError(CardError):
    """The iPhone did not confirm its user: ``reason`` is ``failed`` (Face ID / Touch ID did
    not pass) or ``not_enrolled`` (neither is set up on the phone)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
