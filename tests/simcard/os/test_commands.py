"""Per-command behaviour of the card OS, with exact status words (docs/card-protocol.md)."""

from __future__ import annotations

import pytest

from helpers.card_os import (
    NAME,
    PINS,
    VERIFY_B,
    ok,
    read,
    read_sfi,
    select_aid,
    select_ef,
    verify,
)
from kiosk.card import tlv
from kiosk.card.applets import ATR, Applet, JpkiFile, KenhojoFile, KenkakuFile
from kiosk.card.status import SW
from kiosk.simcard.applet_jpki import TOKEN_INFO_SIZE
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind

OTHER_AIDS = [
    "A000000308000010000100",  # PIV
    "D27600012401",  # OpenPGP
    "A0000000790100",  # CAC
    "A000000063504B43532D3135",  # PKCS#15
    "E828BD080F",  # ISO 7816-15 / various
    "D392F000260100000002",  # a neighbour of the JPKI AID
    "D3921000310001010409",  # a neighbour of 入力補助AP
    "D392F00026010000000100",  # the JPKI AID with an extra byte
    "D392F000260100000",  # truncated (odd hex -> not used)
]


def test_atr(card: VirtualCard) -> None:
    assert card.atr == ATR == bytes.fromhex("3BE000FF8131FE4514")
    assert card.power_on() == ATR


@pytest.mark.parametrize("applet", list(Applet))
def test_select_every_applet(card: VirtualCard, applet: Applet) -> None:
    assert card.transmit(select_aid(applet)) == (b"", SW.OK)
    _data, sw = card.transmit(bytes.fromhex("00A4040000") + b"")  # empty AID
    assert sw == SW.WRONG_LENGTH


def test_select_with_p2_00_returns_fci(card: VirtualCard) -> None:
    data, sw = card.transmit(bytes.fromhex("00A404000A") + Applet.JPKI.aid)
    assert sw == SW.OK
    assert tlv.find(tlv.parse(data)[0].children(), 0x84) == Applet.JPKI.aid


@pytest.mark.parametrize("aid_hex", [a for a in OTHER_AIDS if len(a) % 2 == 0])
def test_unknown_aids_are_not_found(card: VirtualCard, aid_hex: str) -> None:
    aid = bytes.fromhex(aid_hex)
    assert card.transmit(bytes.fromhex("00A4040C") + bytes((len(aid),)) + aid) == (
        b"",
        SW.FILE_NOT_FOUND,
    )
    assert card.transmit(bytes.fromhex("00A40400") + bytes((len(aid),)) + aid + b"\x00")[1] == (
        SW.FILE_NOT_FOUND
    )


def test_failed_select_keeps_the_current_applet(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    card.transmit(bytes.fromhex("00A4040C06D27600012401"))
    assert card.transmit(read_sfi(JpkiFile.AUTH_CERT))[1] == SW.OK


@pytest.mark.parametrize("applet", list(Applet))
def test_not_my_number_card_has_no_applets(
    make_state: type[CardState], photo_jp2: bytes, applet: Applet
) -> None:
    card = VirtualCard(make_state("not-my-number"), photo=lambda _: photo_jp2)
    assert card.transmit(select_aid(applet)) == (b"", SW.FILE_NOT_FOUND)


def test_select_ef_and_errors(card: VirtualCard) -> None:
    assert card.transmit(select_ef(JpkiFile.AUTH_CERT)) == (b"", SW.FILE_NOT_FOUND)  # no applet
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(select_ef(0x0005)) == (b"", SW.FILE_NOT_FOUND)
    assert card.transmit(bytes.fromhex("00A4020C03000A00"))[1] == SW.WRONG_LENGTH
    assert card.transmit(bytes.fromhex("00A4020102000A"))[1] == SW.INCORRECT_P1P2
    assert card.transmit(bytes.fromhex("00A4090C02000A"))[1] == SW.INCORRECT_P1P2
    assert card.transmit(select_ef(JpkiFile.AUTH_CERT)) == (b"", SW.OK)


def test_read_certificate_the_cautious_way(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, select_ef(JpkiFile.AUTH_CERT))
    head = ok(card, read(0, 4))
    total = tlv.der_total_length(head)
    assert total == len(state.auth_cert or b"")
    got = bytearray(head)
    while len(got) < total:
        got += ok(card, read(len(got), 0))  # Le 00 = 256; fewer bytes at the end
    assert bytes(got) == state.auth_cert
    assert card.transmit(read(total, 1)) == (b"", SW.WRONG_P1P2)
    assert card.transmit(read(0x7FFF, 1)) == (b"", SW.WRONG_P1P2)


def test_le_00_means_256(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, select_ef(JpkiFile.AUTH_CERT))
    assert ok(card, bytes.fromhex("00B0000000")) == (state.auth_cert or b"")[:256]


def test_extended_read_by_sfi_returns_a_whole_file(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.JPKI))
    assert ok(card, read_sfi(JpkiFile.AUTH_CERT)) == state.auth_cert
    assert ok(card, read_sfi(JpkiFile.AUTH_CA_CERT)) == state.auth_ca_cert
    assert ok(card, read_sfi(JpkiFile.SIGN_CA_CERT)) == state.sign_ca_cert
    assert (
        ok(card, read_sfi(JpkiFile.AUTH_CERT, offset=10, le=5)) == (state.auth_cert or b"")[10:15]
    )
    # READ by SFI makes that EF current
    assert ok(card, read(0, 4)) == (state.auth_cert or b"")[:4]


def test_token_info(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    info = ok(card, read_sfi(JpkiFile.TOKEN_INFO))
    assert len(info) == TOKEN_INFO_SIZE == 160
    assert info == b"JPKIAPICCTOKEN2".ljust(160, b" ")


def test_read_binary_errors(card: VirtualCard) -> None:
    assert card.transmit(read_sfi(JpkiFile.AUTH_CERT))[1] == SW.FILE_NOT_FOUND  # no applet
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(read(0, 4))[1] == SW.CONDITIONS_NOT_SATISFIED  # no current EF
    assert card.transmit(read_sfi(0x05))[1] == SW.FILE_NOT_FOUND
    assert card.transmit(bytes.fromhex("00B0A00004"))[1] == SW.INCORRECT_P1P2  # bits 5-6
    assert card.transmit(bytes.fromhex("00B0800004"))[1] == SW.INCORRECT_P1P2  # SFI 0
    ok(card, select_ef(JpkiFile.AUTH_CERT))
    assert card.transmit(bytes.fromhex("00B00000"))[1] == SW.WRONG_LENGTH  # no Le
    assert card.transmit(bytes.fromhex("00B0000001AA04"))[1] == SW.WRONG_LENGTH  # data


@pytest.mark.parametrize(
    ("applet", "fid"),
    [
        (Applet.JPKI, JpkiFile.SIGN_CERT),
        (Applet.JPKI, JpkiFile.AUTH_KEY),
        (Applet.JPKI, JpkiFile.SIGN_KEY),
        (Applet.JPKI, JpkiFile.AUTH_PIN),
        (Applet.JPKI, JpkiFile.SIGN_PIN),
        (Applet.KENHOJO, KenhojoFile.INDIVIDUAL_NUMBER),
        (Applet.KENHOJO, KenhojoFile.BASIC_INFO),
        (Applet.KENHOJO, KenhojoFile.PIN),
        (Applet.KENKAKU, KenkakuFile.CARD_FACE),
        (Applet.JUKI, 0x001C),
        (Applet.KYOTSU, 0x001C),
    ],
)
def test_protected_files_need_their_pin(card: VirtualCard, applet: Applet, fid: int) -> None:
    ok(card, select_aid(applet))
    assert card.transmit(read_sfi(fid)) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)
    ok(card, select_ef(fid))
    assert card.transmit(read(0, 1)) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)


def test_keys_are_never_readable(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x80 | JpkiFile.AUTH_PIN))
    ok(card, verify(PINS[PinKind.SIGN], 0x80 | JpkiFile.SIGN_PIN))
    for fid in (JpkiFile.AUTH_KEY, JpkiFile.SIGN_KEY, JpkiFile.AUTH_PIN, JpkiFile.SIGN_PIN):
        assert card.transmit(read_sfi(fid))[1] == SW.SECURITY_STATUS_NOT_SATISFIED


def test_sign_certificate_after_sign_password(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.SIGN], 0x80 | JpkiFile.SIGN_PIN))
    assert ok(card, read_sfi(JpkiFile.SIGN_CERT)) == state.sign_cert


def test_auth_pin_does_not_open_the_sign_certificate(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x80 | JpkiFile.AUTH_PIN))
    assert card.transmit(read_sfi(JpkiFile.SIGN_CERT))[1] == SW.SECURITY_STATUS_NOT_SATISFIED


def test_face_only_card_has_no_sign_certificate_or_key(
    make_state: type[CardState], photo_jp2: bytes
) -> None:
    card = VirtualCard(make_state("face-only"), photo=lambda _: photo_jp2)
    ok(card, select_aid(Applet.JPKI))
    assert ok(card, read_sfi(JpkiFile.AUTH_CERT))
    for fid in (JpkiFile.SIGN_CERT, JpkiFile.SIGN_KEY):
        assert card.transmit(select_ef(fid)) == (b"", SW.FILE_NOT_FOUND)
        assert card.transmit(read_sfi(fid)) == (b"", SW.FILE_NOT_FOUND)
    # its 4-digit PINs are blocked; OpenSC still finds both PIN objects
    assert card.transmit(verify(None, 0x98)) == (b"", SW.VERIFY_FAILED)
    assert card.transmit(verify(PINS[PinKind.AUTH], 0x98)) == (b"", SW.AUTH_METHOD_BLOCKED)
    assert card.transmit(verify(None, 0x9B))[1] == 0x63C5


def test_individual_number_by_pin_or_verify_a(card: VirtualCard, state: CardState) -> None:
    record = b"\xff\x10\x0c" + state.individual_number.encode()
    ok(card, select_aid(Applet.KENHOJO))
    ok(card, verify(PINS[PinKind.HOJO], 0x80 | KenhojoFile.PIN))
    assert ok(card, read_sfi(KenhojoFile.INDIVIDUAL_NUMBER)) == record
    card.close()
    ok(card, select_aid(Applet.KENHOJO))
    ok(card, verify(state.individual_number, 0x80 | KenhojoFile.VERIFY_A))
    assert ok(card, read_sfi(KenhojoFile.INDIVIDUAL_NUMBER)) == record
    # 照合番号A does not open the basic 4 info, B does not open the number
    assert card.transmit(read_sfi(KenhojoFile.BASIC_INFO))[1] == SW.SECURITY_STATUS_NOT_SATISFIED
    card.close()
    ok(card, select_aid(Applet.KENHOJO))
    ok(card, verify(VERIFY_B, 0x80 | KenhojoFile.VERIFY_B))
    assert card.transmit(read_sfi(KenhojoFile.INDIVIDUAL_NUMBER))[1] == (
        SW.SECURITY_STATUS_NOT_SATISFIED
    )


def test_basic_four_info_layout(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.KENHOJO))
    ok(card, verify(VERIFY_B, 0x80 | KenhojoFile.VERIFY_B))
    data = ok(card, read_sfi(KenhojoFile.BASIC_INFO))
    (template,) = tlv.parse(data)
    assert template.tag == 0xFF20
    children = template.children()
    assert [c.tag for c in children] == [0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25]
    assert tlv.find(children, 0xDF22).decode() == NAME
    assert tlv.find(children, 0xDF23).decode() == state.face.address
    assert tlv.find(children, 0xDF24) == b"19800217"
    assert tlv.find(children, 0xDF25) == b"2"
    offsets = tlv.find(children, 0xDF21)
    assert len(offsets) == 8
    value_start = len(data) - len(template.value)
    for i, tag in enumerate((0xDF22, 0xDF23, 0xDF24, 0xDF25)):
        at = int.from_bytes(offsets[2 * i : 2 * i + 2], "big")
        assert data[value_start + at : value_start + at + 2] == tag.to_bytes(2, "big")


def test_card_face_with_photo(card: VirtualCard, photo_jp2: bytes) -> None:
    ok(card, select_aid(Applet.KENKAKU))
    assert card.transmit(read_sfi(KenkakuFile.CARD_FACE))[1] == SW.SECURITY_STATUS_NOT_SATISFIED
    assert card.transmit(verify(None, 0x92)) == (b"", 0x63CA)
    ok(card, verify(VERIFY_B, 0x80 | KenkakuFile.VERIFY_B))
    data = ok(card, read_sfi(KenkakuFile.CARD_FACE))
    children = tlv.parse(data)[0].children()
    assert [c.tag for c in children] == [0xDF21, *range(0xDF22, 0xDF2B)]
    assert tlv.find(children, 0xDF27) == photo_jp2
    assert tlv.find(children, 0xDF22) == b"19800217"
    assert tlv.find(children, 0xDF29) == b"20350217"
    assert tlv.find(children, 0xDF25).startswith(b"\x89PNG")


def test_card_face_by_verify_a(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.KENKAKU))
    ok(card, verify(state.individual_number, 0x80 | KenkakuFile.VERIFY_A))
    assert ok(card, read_sfi(KenkakuFile.CARD_FACE)).startswith(b"\xff\x20")


def test_card_serial_record(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.KYOTSU))
    assert ok(card, read_sfi(0x01)) == state.serial.encode()


def test_security_status_is_per_applet_and_power(card: VirtualCard, state: CardState) -> None:
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.SIGN], 0x9B))
    ok(card, select_aid(Applet.JPKI))  # re-selecting the same applet keeps it
    assert ok(card, read_sfi(JpkiFile.SIGN_CERT)) == state.sign_cert
    ok(card, select_aid(Applet.JUKI))
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(read_sfi(JpkiFile.SIGN_CERT))[1] == SW.SECURITY_STATUS_NOT_SATISFIED
    ok(card, verify(PINS[PinKind.SIGN], 0x9B))
    card.close()
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(read_sfi(JpkiFile.SIGN_CERT))[1] == SW.SECURITY_STATUS_NOT_SATISFIED
    ok(card, verify(PINS[PinKind.SIGN], 0x9B))
    ok(card, bytes.fromhex("00A40000023F00"))  # back to the MF
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(read_sfi(JpkiFile.SIGN_CERT))[1] == SW.SECURITY_STATUS_NOT_SATISFIED


@pytest.mark.parametrize(
    ("apdu", "sw"),
    [
        ("FFA4040C00", SW.CLA_NOT_SUPPORTED),
        ("40A4040C00", SW.CLA_NOT_SUPPORTED),
        ("0CB0000004", SW.CLA_NOT_SUPPORTED),  # secure messaging
        ("A0B0000004", SW.CLA_NOT_SUPPORTED),
        ("00CA000000", SW.INS_NOT_SUPPORTED),
        ("00B1000004", SW.INS_NOT_SUPPORTED),
        ("80C0000000", SW.INS_NOT_SUPPORTED),
        ("00A4", SW.WRONG_LENGTH),
        ("", SW.WRONG_LENGTH),
        ("00A4040C0AD392F000", SW.WRONG_LENGTH),  # Lc 10, 3 bytes follow
        ("00A4040C0000", SW.WRONG_LENGTH),  # extended Lc of zero
        ("00B000000000", SW.WRONG_LENGTH),  # truncated extended form
    ],
)
def test_class_instruction_and_length_errors(card: VirtualCard, apdu: str, sw: int) -> None:
    assert card.transmit(bytes.fromhex(apdu)) == (b"", sw)


def test_channel_and_chaining_bits_are_accepted_in_cla(card: VirtualCard) -> None:
    assert card.transmit(bytes((0x01, 0xA4, 0x04, 0x0C, 0x0A)) + Applet.JPKI.aid)[1] == SW.OK
    assert card.transmit(bytes((0x80, 0xA4, 0x04, 0x0C, 0x0A)) + Applet.JPKI.aid)[1] == SW.OK


def test_command_chaining_accumulates_data(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    pin = PINS[PinKind.SIGN].encode()
    assert card.transmit(bytes((0x10, 0x20, 0x00, 0x9B, 4)) + pin[:4]) == (b"", SW.OK)
    assert card.transmit(bytes((0x00, 0x20, 0x00, 0x9B, len(pin) - 4)) + pin[4:]) == (
        b"",
        SW.OK,
    )
    assert card.transmit(verify(None, 0x9B))[1] == 0x63C5  # full: the chained PIN was right


def test_chained_aid_selects(card: VirtualCard) -> None:
    aid = Applet.KENKAKU.aid
    ok(card, bytes.fromhex("10A4040C04") + aid[:4])
    ok(card, bytes.fromhex("00A4040C06") + aid[4:])
    assert card.transmit(verify(None, 0x92))[1] == 0x63CA


def test_a_different_command_drops_the_chain(card: VirtualCard) -> None:
    ok(card, bytes.fromhex("10A4040C04") + Applet.JPKI.aid[:4])
    assert card.transmit(verify(None, 0x9C))[1] == SW.FILE_NOT_FOUND  # another INS: chain gone
    ok(card, select_aid(Applet.JUKI))  # whole AID, not prefixed with the chain's bytes
    assert card.transmit(verify(None, 0x9C))[1] == 0x63C3


def test_extended_lc_is_accepted(card: VirtualCard) -> None:
    apdu = bytes.fromhex("00A4040C00000A") + Applet.JPKI.aid
    assert card.transmit(apdu) == (b"", SW.OK)


def test_an_internal_error_becomes_6f00(card: VirtualCard) -> None:
    def broken(_: str) -> bytes:
        raise RuntimeError("photo store unavailable")

    broken_card = VirtualCard(card.state, photo=broken)
    ok(broken_card, select_aid(Applet.KENKAKU))
    ok(broken_card, verify(VERIFY_B, 0x92))
    assert broken_card.transmit(read_sfi(KenkakuFile.CARD_FACE)) == (b"", 0x6F00)
    assert broken_card.transmit(select_aid(Applet.JPKI)) == (b"", SW.OK)  # still alive


def test_closed_card_powers_on_again(card: VirtualCard) -> None:
    ok(card, select_aid(Applet.JPKI))
    card.close()
    assert not card.powered
    assert card.transmit(read_sfi(JpkiFile.AUTH_CERT))[1] == SW.FILE_NOT_FOUND  # nothing selected
    assert card.powered
