"""The card's PINs as staff and patients know them, and where a locked one is unlocked.

Pure data (docs/card-protocol.md): the applet and EF that hold each PIN, its
retry limit, its format, its names in Japanese and English, and the places that reset it.
Nothing here holds or checks a PIN value beyond its format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.card.applets import Applet, JpkiFile, JukiFile, KenhojoFile
from kiosk.card.errors import BadPinFormatError
from kiosk.card.wareki import era_yymmdd
from kiosk.vocabulary import FOUR_DIGITS, PinKind


class UnlockPlace(StrEnum):
    """Where a locked PIN is reset."""

    OFFICE = "office"  # 市区町村の窓口
    STORE = "store"  # コンビニのマルチコピー機 (JPKI PIN-reset app booking)


@dataclass(frozen=True)
class PinInfo:
    """What there is to know about one PIN, except its value."""

    kind: PinKind
    applet: Applet
    ef: int  # the EF holding the PIN; also its short EF id (VERIFY P2 = 0x80 | ef)
    limit: int  # tries before it blocks
    pattern: str  # regular expression of an acceptable value
    name_ja: str
    name_en: str
    format_ja: str
    format_en: str
    unlock: tuple[UnlockPlace, ...]
    unlock_ja: str
    unlock_en: str

    @property
    def label_ja(self) -> str:
        return f"{self.name_ja}（{self.format_ja}）"

    @property
    def label_en(self) -> str:
        return f"{self.name_en} ({self.format_en})"

    def check_format(self, value: str) -> bytes:
        """The PIN as the card takes it (ASCII); :class:`BadPinFormatError` names the rule only.

        Checking before sending keeps a typo from spending one of the card's tries.
        """
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            raise BadPinFormatError(f"the {self.name_en} must be {self.format_en}")
        return value.encode("ascii")


_OFFICE_ONLY_JA = "市区町村の窓口でのみ初期化できます（カードと本人確認書類を持参）。"
_OFFICE_ONLY_EN = (
    "Only the municipal office can reset it (bring the card and, depending on the city, ID)."
)


def _store_ja(other: str) -> str:
    return (
        "市区町村の窓口で初期化できます。"
        f"{other}を覚えていれば、スマートフォンの公的個人認証サービス暗証番号初期化アプリで予約し、"
        "24時間以内（6:30〜23:00）にコンビニのマルチコピー機でも初期化できます。"
    )


def _store_en(other: str) -> str:
    return (
        "The municipal office resets it. If the patient still knows the "
        f"{other}, a convenience-store multi-copy machine can reset it too, within 24 hours "
        "of booking in the JPKI PIN-reset smartphone app (6:30-23:00)."
    )


PINS: dict[PinKind, PinInfo] = {
    PinKind.AUTH: PinInfo(
        PinKind.AUTH,
        Applet.JPKI,
        JpkiFile.AUTH_PIN,
        3,
        FOUR_DIGITS,
        "利用者証明用電子証明書の暗証番号",
        "user-authentication PIN",
        "数字4桁",
        "4 digits",
        (UnlockPlace.OFFICE, UnlockPlace.STORE),
        _store_ja("署名用電子証明書の暗証番号"),
        _store_en("signature password"),
    ),
    PinKind.SIGN: PinInfo(
        PinKind.SIGN,
        Applet.JPKI,
        JpkiFile.SIGN_PIN,
        5,
        r"[0-9A-Z]{6,16}",
        "署名用電子証明書の暗証番号",
        "signature password",
        "英数字6〜16桁",
        "6-16 capital letters and digits",
        (UnlockPlace.OFFICE, UnlockPlace.STORE),
        _store_ja("利用者証明用電子証明書の暗証番号"),
        _store_en("user-authentication PIN"),
    ),
    PinKind.HOJO: PinInfo(
        PinKind.HOJO,
        Applet.KENHOJO,
        KenhojoFile.PIN,
        3,
        FOUR_DIGITS,
        "券面事項入力補助用の暗証番号",
        "card-information input-support PIN",
        "数字4桁",
        "4 digits",
        (UnlockPlace.OFFICE,),
        _OFFICE_ONLY_JA,
        _OFFICE_ONLY_EN,
    ),
    PinKind.JUKI: PinInfo(
        PinKind.JUKI,
        Applet.JUKI,
        JukiFile.PIN,
        3,
        FOUR_DIGITS,
        "住民基本台帳用の暗証番号",
        "resident-registry PIN",
        "数字4桁",
        "4 digits",
        (UnlockPlace.OFFICE,),
        _OFFICE_ONLY_JA,
        _OFFICE_ONLY_EN,
    ),
    PinKind.KYOTSU: PinInfo(
        PinKind.KYOTSU,
        Applet.KYOTSU,
        JukiFile.PIN,
        3,
        FOUR_DIGITS,
        "住民基本台帳用の暗証番号（共通AP）",
        "resident-registry PIN (common applet)",
        "数字4桁",
        "4 digits",
        (UnlockPlace.OFFICE,),
        _OFFICE_ONLY_JA,
        _OFFICE_ONLY_EN,
    ),
}

_NO_SIGN_CERTIFICATE_JA = (
    "顔認証マイナンバーカードには署名用電子証明書がないため、この暗証番号は使いません。"
)
_NO_SIGN_CERTIFICATE_EN = (
    "A face-only card has no signature certificate: this password is never used."
)


@dataclass(frozen=True)
class UnlockAdvice:
    """Where a locked PIN of one particular card is reset, in staff's words."""

    places: tuple[UnlockPlace, ...]
    ja: str
    en: str


def unlock_advice(kind: PinKind, *, face_only: bool = False) -> UnlockAdvice:
    """Where ``kind`` is reset on this card. A face-only card (顔認証マイナンバーカード) has no
    signature certificate and nobody knows its PINs: the convenience-store reset (which needs
    the other JPKI PIN) does not apply, so everything is reset at the municipal office, and its
    signature password has no use at all."""
    info = PINS[kind]
    if not face_only:
        return UnlockAdvice(info.unlock, info.unlock_ja, info.unlock_en)
    if kind is PinKind.SIGN:
        return UnlockAdvice((), _NO_SIGN_CERTIFICATE_JA, _NO_SIGN_CERTIFICATE_EN)
    return UnlockAdvice((UnlockPlace.OFFICE,), _OFFICE_ONLY_JA, _OFFICE_ONLY_EN)


FOUR_DIGIT_KINDS = tuple(kind for kind, info in PINS.items() if info.pattern == FOUR_DIGITS)
"""The 4-digit PINs (auth, 入力補助, 住基, 共通): those a face-only card has blocked."""

VERIFY_B_PATTERN = r"[0-9]{14}"
"""照合番号B: birth date YYMMDD in the era + expiry year + 4-digit security code."""


def verify_b_number(birth: date, expiry_year: int, security_code: str) -> str:
    """照合番号B of a card: born 1980-02-17 (昭和55), expiry 2035, code 2285 -> 55021720352285."""
    return f"{era_yymmdd(birth)}{expiry_year:04d}{security_code}"


def check_verify_b(value: str) -> bytes:
    """照合番号B as the card takes it; :class:`BadPinFormatError` without echoing the value."""
    if not isinstance(value, str) or not re.fullmatch(VERIFY_B_PATTERN, value):
        raise BadPinFormatError(
            "照合番号B must be 14 digits: birth date (era YYMMDD) + expiry year + security code"
        )
    return value.encode("ascii")
