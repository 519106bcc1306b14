"""Constants and APDU builders shared by the card OS tests (tests/simcard/os: its conftest and
tests)."""

from __future__ import annotations

from kiosk.card.applets import Applet
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind

PINS: dict[PinKind, str] = {
    PinKind.AUTH: "4826",
    PinKind.SIGN: "KIOSK2026",
    PinKind.HOJO: "5173",
    PinKind.JUKI: "6049",
    PinKind.KYOTSU: "3158",
}
"""The test card's PINs. Chosen so that none is a substring of another or of the 照合番号B."""

NAME = "山田　花子"
ADDRESS = "東京都千代田区永田町一丁目7番1号"
VERIFY_B = "55021720352285"  # born 1980-02-17 (昭和55), expiry 2035, security code 2285


# -- APDU builders ------------------------------------------------------------------------


def select_aid(applet: Applet) -> bytes:
    return bytes.fromhex("00A4040C0A") + applet.aid


def select_ef(fid: int) -> bytes:
    return bytes.fromhex("00A4020C02") + fid.to_bytes(2, "big")


def verify(value: str | bytes | None = None, p2: int = 0x80) -> bytes:
    header = bytes((0x00, 0x20, 0x00, p2))
    if value is None:
        return header
    data = value.encode("ascii") if isinstance(value, str) else value
    return header + bytes((len(data),)) + data


def read_sfi(sfi: int, offset: int = 0, le: int = 65536) -> bytes:
    """Extended READ BINARY of a whole EF by short EF id."""
    return bytes((0x00, 0xB0, 0x80 | sfi, offset)) + b"\x00" + (le % 65536).to_bytes(2, "big")


def read(offset: int = 0, le: int = 256) -> bytes:
    return bytes((0x00, 0xB0, offset >> 8, offset & 0xFF, le % 256))


def ok(card: VirtualCard, apdu: bytes) -> bytes:
    """Transmit and insist on 9000."""
    data, sw = card.transmit(apdu)
    assert sw == 0x9000, f"{sw:04X}"
    return data
