"""What a virtual My Number card holds: the chip's state, shared by the card OS, the card
file, the deck and the administration tools.

PINs are held as salted HMAC digests (the card compares digests, never stores a value); the
12-digit individual number is never stored at all: it is derived from a per-card seed when
the 券面事項入力補助AP asks for it. Keys and certificates are DER bytes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kiosk.vocabulary import PhoneOs, PinKind

PIN_LIMITS: dict[PinKind, int] = {
    PinKind.AUTH: 3,
    PinKind.SIGN: 5,
    PinKind.HOJO: 3,
    PinKind.JUKI: 3,
    PinKind.KYOTSU: 3,
    PinKind.VERIFY_A: 10,  # unverified on real cards; configurable per card
    PinKind.VERIFY_B: 10,  # unverified on real cards (one source says 10)
}


@dataclass
class Pin:
    """One PIN as the chip holds it: a digest, its retry limit and the tries left."""

    digest: bytes
    limit: int
    tries_left: int

    @property
    def blocked(self) -> bool:
        return self.tries_left <= 0


@dataclass
class CardFace:
    """What is printed on (and stored for) the card face."""

    name: str  # "姓　名", U+3000 between family and given name
    name_kana: str  # full-width katakana, "セイ　メイ"
    birth_date: date
    sex: str  # "1" male, "2" female, "9" not applicable
    address: str
    expiry: date  # the card's expiry date (printed on the card)
    security_code: str  # 4 digits printed under the photo; not a PIN
    person: str  # id of the person in assets/people (the face photo)
    remarks: list[str] = field(default_factory=list)  # 追記欄, e.g. ["顔認証"]


class UserVerification(StrEnum):
    """The iPhone's own check of its user (Face ID / Touch ID), as a tester sets it."""

    OK = "ok"
    FAILS = "fails"
    NOT_ENROLLED = "not-enrolled"  # no Face ID / Touch ID set up on the phone


@dataclass
class PhoneInfo:
    """What makes a chip state a smartphone's (kiosk.simcard.phone): its OS, the card whose
    certificates it carries, and (iPhone) the outcome of its own user verification."""

    os: PhoneOs
    card_serial: str
    card_expiry: date
    user_verification: UserVerification = UserVerification.OK


@dataclass
class CardState:
    """The whole chip. Mutated by the card OS; persisted by :mod:`kiosk.simcard.cardfile`."""

    profile: str
    serial: str  # the card's serial (共通AP), also used for the file name
    face: CardFace
    salt: bytes  # per-card salt for PIN digests
    number_seed: bytes  # derives the individual number; the number itself is never stored
    pins: dict[PinKind, Pin]
    has_jpki: bool = True
    face_only: bool = False  # 顔認証マイナンバーカード
    registered_for_insurance: bool = True
    auth_cert: bytes | None = None  # DER
    auth_ca_cert: bytes | None = None
    auth_key: bytes | None = None  # PKCS#8 DER, RSA-2048
    sign_cert: bytes | None = None
    sign_ca_cert: bytes | None = None
    sign_key: bytes | None = None
    phone: PhoneInfo | None = None  # a smartphone carrying a card's certificates

    def pin_digest(self, value: str) -> bytes:
        """The digest the card keeps for ``value`` (HMAC-SHA256 with the card's salt)."""
        return pin_digest(self.salt, value)

    def set_pin(self, name: PinKind, value: str, limit: int | None = None) -> None:
        """Set a PIN to ``value`` with its full count (issue, reset, change)."""
        full = limit if limit is not None else PIN_LIMITS[name]
        self.pins[name] = Pin(self.pin_digest(value), full, full)

    def pin_matches(self, name: PinKind, value: str) -> bool:
        pin = self.pins[name]
        return hmac.compare_digest(pin.digest, self.pin_digest(value))

    @property
    def individual_number(self) -> str:
        """The 12-digit individual number, derived on demand; never store or log it."""
        return individual_number_from_seed(self.number_seed)

    @property
    def verify_b(self) -> str:
        """照合番号B as printed on the card face (birth YYMMDD in the era + expiry year + code)."""
        face = self.face
        return verification_number_b(face.birth_date, face.expiry, face.security_code)


def pin_digest(salt: bytes, value: str) -> bytes:
    return hmac.new(salt, value.encode("utf-8"), hashlib.sha256).digest()


def individual_number_check_digit(first11: str) -> int:
    """Check digit of the individual number (個人番号), as the law defines it."""
    total = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def individual_number_from_seed(seed: bytes) -> str:
    digest = hmac.new(seed, b"individual-number", hashlib.sha256).digest()
    first11 = f"{int.from_bytes(digest[:8], 'big') % 10**11:011d}"
    return first11 + str(individual_number_check_digit(first11))


_ERAS = (
    (date(2019, 5, 1), 2018),
    (date(1989, 1, 8), 1988),
    (date(1926, 12, 25), 1925),
    (date(1912, 7, 30), 1911),
)


def era_yymmdd(day: date) -> str:
    """The date as YYMMDD in the Japanese era (令和, 平成, 昭和, 大正)."""
    for start, offset in _ERAS:
        if day >= start:
            return f"{day.year - offset:02d}{day.month:02d}{day.day:02d}"
    return f"{day.year - 1867:02d}{day.month:02d}{day.day:02d}"  # 明治


def verification_number_b(birth: date, expiry: date, security_code: str) -> str:
    """照合番号B: e.g. born 1980-02-17, expiry 2035, code 2285 -> 55021720352285."""
    return f"{era_yymmdd(birth)}{expiry.year:04d}{security_code}"
