"""券面事項入力補助AP: the individual number and the basic 4 info, with their PIN.

| EF | content | opened by |
| --- | --- | --- |
| 0001 | individual number: ``FF 10 0C`` + 12 ASCII digits | PIN 0011 or 照合番号A 0014 |
| 0002 | basic 4 info (TLV below) | PIN 0011 or 照合番号B 0015 |
| 0011 | 入力補助 PIN, 4 digits, 3 tries; CHANGE ``00 24`` | |
| 0014 | 照合番号A (the individual number) | |
| 0015 | 照合番号B (birth YYMMDD in the era + expiry year + security code) | |

Basic 4 info: ``FF 20 <len> { DF 21 <4 offsets> DF 22 name DF 23 address DF 24 birth
"YYYYMMDD" DF 25 sex }``. Each offset is 2 bytes big-endian: where the DF22, DF23, DF24 and DF25
elements start, counted from the first byte of FF20's value. The individual number is derived
from the card's seed when read; it is never stored.
"""

from __future__ import annotations

from kiosk.card import tlv
from kiosk.card.apdu import INS_CHANGE_REFERENCE_DATA
from kiosk.card.applets import Applet, KenhojoFile
from kiosk.simcard.files import AppletFiles, BinaryFile, CardContext, PinFile
from kiosk.simcard.state import CardFace, CardState
from kiosk.vocabulary import PinKind

TAG_INDIVIDUAL_NUMBER = 0xFF10
TAG_TEMPLATE = 0xFF20
TAG_OFFSETS = 0xDF21


def build(ctx: CardContext) -> AppletFiles | None:
    state = ctx.state
    if not state.has_jpki:
        return None
    files = AppletFiles(Applet.KENHOJO)
    files.add(
        BinaryFile(
            KenhojoFile.INDIVIDUAL_NUMBER,
            lambda: individual_number_record(state),
            frozenset({PinKind.HOJO, PinKind.VERIFY_A}),
        )
    )
    files.add(
        BinaryFile(
            KenhojoFile.BASIC_INFO,
            lambda: basic_four_info(state.face),
            frozenset({PinKind.HOJO, PinKind.VERIFY_B}),
        )
    )
    files.add(PinFile(KenhojoFile.PIN, PinKind.HOJO, INS_CHANGE_REFERENCE_DATA))
    files.add(PinFile(KenhojoFile.VERIFY_A, PinKind.VERIFY_A))
    files.add(PinFile(KenhojoFile.VERIFY_B, PinKind.VERIFY_B))
    return files


def individual_number_record(state: CardState) -> bytes:
    """EF 0001: ``FF 10 0C`` + the 12 digits (derived now, never kept)."""
    return tlv.encode(TAG_INDIVIDUAL_NUMBER, state.individual_number.encode("ascii"))


def with_offsets(elements: list[bytes]) -> bytes:
    """``FF 20 { DF 21 offsets, elements… }`` with each element's start in FF20's value."""
    offsets_size = len(tlv.encode(TAG_OFFSETS, bytes(2 * len(elements))))
    position = offsets_size
    offsets = b""
    for element in elements:
        offsets += position.to_bytes(2, "big")
        position += len(element)
    return tlv.encode(TAG_TEMPLATE, tlv.encode(TAG_OFFSETS, offsets) + b"".join(elements))


def basic_four_info(face: CardFace) -> bytes:
    """EF 0002: name, address, birth date and sex as the card holds them."""
    return with_offsets(
        [
            tlv.encode(0xDF22, face.name.encode("utf-8")),
            tlv.encode(0xDF23, face.address.encode("utf-8")),
            tlv.encode(0xDF24, face.birth_date.strftime("%Y%m%d").encode("ascii")),
            tlv.encode(0xDF25, face.sex.encode("ascii")),
        ]
    )
