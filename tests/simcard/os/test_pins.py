"""VERIFY, the free tries-left query and CHANGE: counters, blocking, formats, independence."""

from __future__ import annotations

import pytest

from helpers.card_os import PINS, VERIFY_B, ok, read_sfi, select_aid, select_ef, verify
from kiosk.card.applets import Applet, JpkiFile, JukiFile, KenhojoFile, KenkakuFile
from kiosk.card.status import SW
from kiosk.simcard.state import PIN_LIMITS, CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind

# (applet, EF, PIN name, change command header)
PIN_PLACES = [
    (Applet.JPKI, JpkiFile.AUTH_PIN, PinKind.AUTH, "00240180"),
    (Applet.JPKI, JpkiFile.SIGN_PIN, PinKind.SIGN, "00240180"),
    (Applet.KENHOJO, KenhojoFile.PIN, PinKind.HOJO, "00240180"),
    (Applet.JUKI, JukiFile.PIN, PinKind.JUKI, "80320080"),
    (Applet.KYOTSU, JukiFile.PIN, PinKind.KYOTSU, "80320080"),
]
NEW_VALUES = {
    PinKind.AUTH: "9021",
    PinKind.SIGN: "NEWPASS77",
    PinKind.HOJO: "8130",
    PinKind.JUKI: "2468",
    PinKind.KYOTSU: "1357",
}


def wrong_value(name: PinKind) -> str:
    return "ZZZZ99" if name is PinKind.SIGN else "0000"


def tries(card: VirtualCard, applet: Applet, fid: int) -> int:
    ok(card, select_aid(applet))
    _, sw = card.transmit(verify(None, 0x80 | fid))
    assert sw & 0xFFF0 == 0x63C0, f"{sw:04X}"
    return sw & 0xF


def all_tries(card: VirtualCard) -> dict[PinKind, int]:
    return {name: tries(card, applet, fid) for applet, fid, name, _ in PIN_PLACES}


@pytest.mark.parametrize(("applet", "fid", "name", "change"), PIN_PLACES)
def test_wrong_pins_count_down_then_block(
    card: VirtualCard, applet: Applet, fid: int, name: PinKind, change: str
) -> None:
    limit = PIN_LIMITS[name]
    ok(card, select_aid(applet))
    ok(card, select_ef(fid))
    assert card.transmit(verify()) == (b"", 0x63C0 | limit)
    for left in range(limit - 1, -1, -1):
        assert card.transmit(verify(wrong_value(name))) == (b"", 0x63C0 | left)
    assert card.state.pins[name].tries_left == 0
    assert card.transmit(verify()) == (b"", 0x63C0)  # the query on a blocked PIN
    assert card.transmit(verify(PINS[name])) == (b"", SW.AUTH_METHOD_BLOCKED)  # even right
    assert card.transmit(verify(wrong_value(name))) == (b"", SW.AUTH_METHOD_BLOCKED)
    assert card.state.pins[name].tries_left == 0


@pytest.mark.parametrize(("applet", "fid", "name", "change"), PIN_PLACES)
def test_right_pin_restores_the_full_count(
    card: VirtualCard, applet: Applet, fid: int, name: PinKind, change: str
) -> None:
    limit = PIN_LIMITS[name]
    ok(card, select_aid(applet))
    assert card.transmit(verify(wrong_value(name), 0x80 | fid))[1] == 0x63C0 | (limit - 1)
    assert card.transmit(verify(wrong_value(name), 0x80 | fid))[1] == 0x63C0 | (limit - 2)
    assert card.transmit(verify(PINS[name], 0x80 | fid)) == (b"", SW.OK)
    assert card.transmit(verify(None, 0x80 | fid)) == (b"", 0x63C0 | limit)


@pytest.mark.parametrize(("applet", "fid", "name", "change"), PIN_PLACES)
def test_counters_are_independent(
    card: VirtualCard, applet: Applet, fid: int, name: PinKind, change: str
) -> None:
    before = all_tries(card)
    ok(card, select_aid(applet))
    card.transmit(verify(wrong_value(name), 0x80 | fid))
    after = all_tries(card)
    assert after[name] == before[name] - 1
    assert {k: v for k, v in after.items() if k is not name} == {
        k: v for k, v in before.items() if k is not name
    }


def test_the_query_never_spends_a_try(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    for _ in range(20):
        assert card.transmit(verify(None, 0x98)) == (b"", 0x63C3)
    ok(card, select_ef(JpkiFile.AUTH_PIN))
    for _ in range(20):
        assert card.transmit(verify()) == (b"", 0x63C3)
    assert card.state.pins[PinKind.AUTH].tries_left == 3


def test_the_query_is_always_63cx_even_after_a_right_pin(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    assert card.transmit(verify(None, 0x98)) == (b"", 0x63C3)


@pytest.mark.parametrize("value", ["482", "48260", "48a6", "４８２６", "", "4826 "])
def test_badly_formed_4_digit_pins_count_as_wrong(card: VirtualCard, value: str) -> None:
    ok(card, select_aid(Applet.JPKI))
    data = value.encode("utf-8")
    if not data:
        assert card.transmit(verify(None, 0x98)) == (b"", 0x63C3)  # no data = query
        return
    assert card.transmit(verify(data, 0x98)) == (b"", 0x63C2)


def test_sign_password_is_case_sensitive(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(verify(PINS[PinKind.SIGN].lower(), 0x9B)) == (b"", 0x63C4)


def test_a_wrong_verify_clears_the_security_status(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.SIGN], 0x9B))
    card.transmit(verify("WRONG1", 0x9B))
    assert card.transmit(read_sfi(JpkiFile.SIGN_CERT))[1] == SW.SECURITY_STATUS_NOT_SATISFIED


def test_verify_errors(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(verify("1234", 0x00))[1] == SW.INCORRECT_P1P2
    assert card.transmit(verify("1234", 0x01))[1] == SW.INCORRECT_P1P2
    assert card.transmit(bytes.fromhex("0020019804") + b"1234")[1] == SW.INCORRECT_P1P2
    assert card.transmit(verify("1234", 0x80))[1] == SW.FILE_NOT_FOUND  # no current EF
    assert card.transmit(verify("1234", 0x8A))[1] == SW.FILE_NOT_FOUND  # a certificate
    assert card.transmit(verify("1234", 0x85))[1] == SW.FILE_NOT_FOUND  # no such EF
    assert card.state.pins[PinKind.AUTH].tries_left == 3


def test_verify_b_and_a_share_their_counters_across_applets(
    card: VirtualCard, state: CardState
) -> None:
    ok(card, select_aid(Applet.KENKAKU))
    assert card.transmit(verify("00000000000000", 0x80 | KenkakuFile.VERIFY_B))[1] == 0x63C9
    ok(card, select_aid(Applet.KENHOJO))
    assert card.transmit(verify(None, 0x80 | KenhojoFile.VERIFY_B))[1] == 0x63C9
    assert card.transmit(verify(VERIFY_B, 0x80 | KenhojoFile.VERIFY_B)) == (b"", SW.OK)
    assert card.transmit(verify(None, 0x80 | KenhojoFile.VERIFY_A))[1] == 0x63CA
    assert PinKind.VERIFY_A in state.pins and state.pins[PinKind.VERIFY_A].digest == b""


@pytest.mark.parametrize(("applet", "fid", "name", "change"), PIN_PLACES)
def test_change_pin_after_verify(
    card: VirtualCard, applet: Applet, fid: int, name: PinKind, change: str
) -> None:
    new = NEW_VALUES[name].encode()
    command = bytes.fromhex(change) + bytes((len(new),)) + new
    ok(card, select_aid(applet))
    ok(card, select_ef(fid))
    assert card.transmit(command) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)
    ok(card, verify(PINS[name]))
    assert card.transmit(command) == (b"", SW.OK)
    card.close()
    ok(card, select_aid(applet))
    assert card.transmit(verify(PINS[name], 0x80 | fid))[1] == 0x63C0 | (PIN_LIMITS[name] - 1)
    assert card.transmit(verify(NEW_VALUES[name], 0x80 | fid)) == (b"", SW.OK)


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        (PinKind.AUTH, "123"),
        (PinKind.AUTH, "12345"),
        (PinKind.AUTH, "12a4"),
        (PinKind.SIGN, "ABC12"),  # too short
        (PinKind.SIGN, "A" * 17),  # too long
        (PinKind.SIGN, "abcdef12"),  # lower case
        (PinKind.SIGN, "ABC-123"),
        (PinKind.HOJO, "99999"),
        (PinKind.JUKI, "1 23"),
    ],
)
def test_change_rejects_a_bad_new_pin(card: VirtualCard, name: PinKind, bad: str) -> None:
    applet, fid, _, change = next(p for p in PIN_PLACES if p[2] is name)
    ok(card, select_aid(applet))
    ok(card, verify(PINS[name], 0x80 | fid))
    command = bytes.fromhex(change[:6]) + bytes((0x80 | fid, len(bad))) + bad.encode()
    assert card.transmit(command) == (b"", SW.WRONG_DATA)
    assert card.transmit(verify(PINS[name], 0x80 | fid)) == (b"", SW.OK)  # unchanged


def test_change_errors(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    assert card.transmit(bytes.fromhex("0024009804") + b"1111")[1] == SW.INCORRECT_P1P2
    assert card.transmit(bytes.fromhex("00240198"))[1] == SW.WRONG_LENGTH
    assert card.transmit(bytes.fromhex("8032009804") + b"1111")[1] == (
        SW.CONDITIONS_NOT_SATISFIED  # the JPKI PINs change with 00 24
    )
    ok(card, select_aid(Applet.JUKI))
    ok(card, verify(PINS[PinKind.JUKI], 0x9C))
    assert card.transmit(bytes.fromhex("0024019C04") + b"1111")[1] == (
        SW.CONDITIONS_NOT_SATISFIED  # 住基 changes with 80 32
    )
    ok(card, select_aid(Applet.KENKAKU))
    ok(card, verify(VERIFY_B, 0x92))
    assert card.transmit(bytes.fromhex("0024019204") + b"1111")[1] == SW.CONDITIONS_NOT_SATISFIED


def test_change_on_a_blocked_pin(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JUKI))
    for _ in range(3):
        card.transmit(verify("0000", 0x9C))
    assert card.transmit(bytes.fromhex("8032009C04") + b"1111") == (b"", SW.AUTH_METHOD_BLOCKED)
