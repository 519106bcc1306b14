"""What the card says about its holder: the basic 4 information (券面事項入力補助AP) and the
card face (券面AP), parsed from their ``FF20`` TLV records (docs/card-protocol.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk.card import tlv
from kiosk.card.errors import CardDataError, TlvError


@dataclass(frozen=True)
class BasicInfo:
    """The basic 4 information of 券面事項入力補助AP (EF 0002)."""

    name: str  # "姓　名", U+3000 between family and given name
    address: str
    birth_date: date
    sex: str  # "1" male, "2" female, "9" not applicable


@dataclass(frozen=True)
class CardFaceInfo:
    """The card face as 券面AP stores it (EF 0002); images are not shown in ``repr``."""

    birth_date: date
    sex: str
    expiry: date
    face_photo: bytes = field(repr=False)  # JPEG 2000, greyscale
    name_image: bytes = field(default=b"", repr=False)
    address_image: bytes = field(default=b"", repr=False)
    security_code_image: bytes = field(default=b"", repr=False)


def _parse_date(value: bytes, what: str) -> date:
    text = value.decode("ascii", errors="replace")
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise CardDataError(f"{what} is not a date in YYYYMMDD form") from None


def _ff20_children(data: bytes, what: str) -> list[tlv.Tlv]:
    try:
        items = tlv.parse(data)
        return tlv.parse(tlv.find(items, 0xFF20))
    except TlvError as exc:
        raise CardDataError(f"{what}: {exc}") from None


def _find(items: list[tlv.Tlv], tag: int, what: str) -> bytes:
    try:
        return tlv.find(items, tag)
    except TlvError as exc:
        raise CardDataError(f"{what}: {exc}") from None


def parse_basic_info(data: bytes) -> BasicInfo:
    """Parse EF 0002 of 券面事項入力補助AP (``FF20 {DF21 … DF25}``)."""
    items = _ff20_children(data, "basic information")
    try:
        return BasicInfo(
            name=_find(items, 0xDF22, "basic information").decode("utf-8"),
            address=_find(items, 0xDF23, "basic information").decode("utf-8"),
            birth_date=_parse_date(_find(items, 0xDF24, "basic information"), "birth date"),
            sex=_find(items, 0xDF25, "basic information").decode("ascii"),
        )
    except UnicodeDecodeError:
        raise CardDataError("basic information is not UTF-8 text") from None


def parse_card_face(data: bytes) -> CardFaceInfo:
    """Parse EF 0002 of 券面AP (``FF20 {DF21 … DF2A}``)."""
    items = _ff20_children(data, "card face")

    def optional(tag: int) -> bytes:
        try:
            return tlv.find(items, tag)
        except TlvError:
            return b""

    return CardFaceInfo(
        birth_date=_parse_date(_find(items, 0xDF22, "card face"), "birth date"),
        sex=_find(items, 0xDF23, "card face").decode("ascii", errors="replace"),
        expiry=_parse_date(_find(items, 0xDF29, "card face"), "expiry date"),
        face_photo=_find(items, 0xDF27, "card face"),
        name_image=optional(0xDF25),
        address_image=optional(0xDF26),
        security_code_image=optional(0xDF2A),
    )
