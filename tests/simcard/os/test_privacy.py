"""No PIN (nor the individual number) in the card file, in any log line or in exception texts."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from helpers.card_os import PINS, VERIFY_B, select_aid, select_ef, verify
from kiosk.card import status
from kiosk.card.applets import Applet, JpkiFile
from kiosk.card.errors import StatusError
from kiosk.card.transport import CountingTransport
from kiosk.simcard.cardfile import VERSION, load_card, save_card
from kiosk.simcard.errors import CardFileError
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import open_card_file
from kiosk.vocabulary import PinKind

NEW_PINS = {"auth": "9021", "sign": "NEWPASS77", "juki": "2468"}


def secrets(state: CardState) -> list[str]:
    return [*PINS.values(), *NEW_PINS.values(), VERIFY_B, state.individual_number]


def forms(value: str) -> list[bytes]:
    raw = value.encode()
    return [raw, raw.hex().encode(), raw.hex().upper().encode(), raw.hex(" ").upper().encode()]


def assert_absent(blob: bytes, state: CardState, where: str) -> None:
    for secret in secrets(state):
        for form in forms(secret):
            assert form not in blob, f"a secret appears in {where}"


def session(card: CountingTransport, state: CardState) -> list[Exception]:
    """A busy session: right and wrong PINs everywhere, changes, 照合番号, a bad card file."""
    errors: list[Exception] = []

    def run(apdu: bytes, what: str) -> None:
        _, sw = card.transmit(apdu)
        try:
            status.check(sw, what)
        except StatusError as exc:
            errors.append(exc)

    run(select_aid(Applet.JPKI), "SELECT JPKI")
    run(verify("0000", 0x98), "VERIFY auth PIN")
    run(verify(PINS[PinKind.AUTH], 0x98), "VERIFY auth PIN")
    run(bytes.fromhex("0024019804") + NEW_PINS["auth"].encode(), "CHANGE auth PIN")
    run(verify("WRONGPW9", 0x9B), "VERIFY sign password")
    run(verify(PINS[PinKind.SIGN], 0x9B), "VERIFY sign password")
    run(bytes.fromhex("0024019B09") + NEW_PINS["sign"].encode(), "CHANGE sign password")
    run(bytes((0x10, 0x20, 0x00, 0x9B, 4)) + NEW_PINS["sign"].encode()[:4], "VERIFY chained")
    run(bytes((0x00, 0x20, 0x00, 0x9B, 5)) + NEW_PINS["sign"].encode()[4:], "VERIFY chained")
    run(select_ef(JpkiFile.AUTH_KEY), "SELECT key")
    run(select_aid(Applet.JUKI), "SELECT 住基")
    run(verify(PINS[PinKind.JUKI], 0x9C), "VERIFY 住基 PIN")
    run(bytes.fromhex("8032009C04") + NEW_PINS["juki"].encode(), "CHANGE 住基 PIN")
    run(select_aid(Applet.KENHOJO), "SELECT 入力補助")
    run(verify(state.individual_number, 0x94), "VERIFY 照合番号A")
    run(verify(VERIFY_B[:-1] + "0", 0x95), "VERIFY 照合番号B")
    run(verify(PINS[PinKind.HOJO], 0x91), "VERIFY 入力補助 PIN")
    run(bytes.fromhex("0020009104313233"), "malformed VERIFY")  # Lc says 4, 3 follow
    run(verify(PINS[PinKind.KYOTSU], 0x9C), "VERIFY in the wrong applet")
    for _ in range(4):
        run(verify(PINS[PinKind.KYOTSU][::-1], 0x91), "VERIFY until blocked")
    return errors


def test_no_secret_in_file_logs_or_errors(
    tmp_path: Path, state: CardState, photo_jp2: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(1)
    path = tmp_path / "card.json"
    save_card(path, state)
    card = CountingTransport(open_card_file(path, photo=lambda _: photo_jp2))
    errors = session(card, state)
    assert errors  # wrong PINs, blocked PIN, malformed APDU …
    assert any(record.levelno < logging.DEBUG for record in caplog.records)  # trace was on
    assert_absent(path.read_bytes(), state, "the card file")
    assert_absent(caplog.text.encode(), state, "the log")
    texts = " | ".join(f"{e!s} {e!r}" for e in errors)
    texts += " | ".join(str(entry) for entry in card.history)
    assert_absent(texts.encode(), state, "exception texts and the trace")
    # the new PINs are in force: the file holds their digests, not their values
    assert load_card(path).pin_matches(PinKind.AUTH, NEW_PINS["auth"])


def test_card_file_errors_hold_no_secret(tmp_path: Path, state: CardState) -> None:
    path = tmp_path / "card.json"
    save_card(path, state)
    good = path.read_bytes()
    for bad in (
        good[:-40],
        good.replace(b'"version": %d' % VERSION, b'"version": 9'),
        b"{}",
        b"\xff",
    ):
        path.write_bytes(bad)
        with pytest.raises(CardFileError) as caught:
            load_card(path)
        assert_absent(str(caught.value).encode(), state, "a card file error")
