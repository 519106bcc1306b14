"""Fuzz target ``apdu``: command APDUs sent to the virtual card.

Inputs: sequences of random bytes, and of real commands (SELECT of every applet and file,
READ BINARY, VERIFY with wrong values, CHANGE REFERENCE DATA, SIGN, chained commands)
with bytes changed, cut or added, with power cycles in between. Every APDU must get a status
word; ``6F00`` (the card OS caught an error of its own) is a failure, reported with the
error it caught.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from kiosk.card.applets import Applet
from kiosk.fuzz.target import FuzzFailure, Target
from kiosk.paths import kiosk_home_at
from kiosk.simcard.cardos import CardStatus
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard

POWER_CYCLE = b""  # in a sequence: take the card out and put it back
PHOTO = b"\xff\x4f\xff\x51 a small stand-in photo"


def corpus() -> list[bytes]:
    """Valid commands of every kind to start from; VERIFY only ever carries wrong values."""
    commands = []
    for applet in Applet:
        commands.append(bytes.fromhex("00A4040C0A") + applet.aid)
        commands.append(bytes.fromhex("00A404000A") + applet.aid + b"\x00")
    for fid in range(0x01, 0x1F):
        commands.append(bytes.fromhex("00A4020C02") + fid.to_bytes(2, "big"))
        commands.append(bytes((0x00, 0xB0, 0x80 | fid, 0x00, 0x00)))
        commands.append(bytes((0x00, 0xB0, 0x80 | fid, 0x00, 0x00, 0x00, 0x00)))
        commands.append(bytes((0x00, 0x20, 0x00, 0x80 | fid)))
        commands.append(bytes((0x00, 0x20, 0x00, 0x80 | fid, 0x04)) + b"0000")
        commands.append(bytes((0x00, 0x24, 0x01, 0x80 | fid, 0x04)) + b"1111")
        commands.append(bytes((0x80, 0x32, 0x00, 0x80 | fid, 0x04)) + b"2222")
    commands += [
        bytes.fromhex("00B0000000"),
        bytes.fromhex("00B0000004"),
        bytes.fromhex("00B000000000"),
        bytes.fromhex("0020008008") + b"WRONGPW1",
        bytes.fromhex("002000800E") + b"00000000000000",
        bytes.fromhex("002000800C") + b"000000000000",
        bytes.fromhex("802A008033")
        + bytes.fromhex("3031300D060960864801650304020105000420")
        + bytes(32)
        + b"\x00",
        bytes.fromhex("10A4040C04") + Applet.JPKI.aid[:4],
        bytes.fromhex("00A40000023F00"),
    ]
    return commands


CORPUS = corpus()


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.integers(0, 4))
        if choice == 0 and data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        elif choice == 1 and data:
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif choice == 2:
            data += draw(st.binary(min_size=1, max_size=8))
        elif choice == 3 and len(data) > 4:
            data[4] = draw(st.integers(0, 255))  # Lc
        elif choice == 4 and data:
            data[0] ^= draw(st.sampled_from([0x10, 0x01, 0x80, 0x0C, 0x40]))
    return bytes(data)


INPUTS = st.lists(
    st.one_of(st.binary(min_size=1, max_size=300), _mutated(), st.just(POWER_CYCLE)),
    min_size=1,
    max_size=24,
)


@functools.cache
def _issued() -> CardState:
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-fuzz-apdu-") as folder,
        kiosk_home_at(Path(folder)),
    ):
        return issue_card("standard")


def fresh_card(state: CardState | None = None) -> VirtualCard:
    """A virtual card (a copy of a standard one unless ``state``) that reports its errors."""
    card = VirtualCard(state or copy.deepcopy(_issued()), photo=lambda _: PHOTO)
    process = card.os.process
    caught: list[BaseException] = []

    def spied(apdu: bytes) -> Any:
        try:
            return process(apdu)
        except CardStatus:
            raise
        except Exception as exc:  # what execute() would turn into 6F00
            caught.append(exc)
            raise

    card.os.process = spied  # type: ignore[method-assign]
    card.caught = caught  # type: ignore[attr-defined]
    return card


def transmit(card: VirtualCard, apdu: bytes) -> int:
    """Send one APDU; a card OS error behind 6F00 is raised (with its traceback)."""
    _, sw = card.transmit(apdu)
    caught: list[BaseException] = card.caught  # type: ignore[attr-defined]
    if caught:
        raise caught.pop()
    if not 0 <= sw <= 0xFFFF:
        raise FuzzFailure(f"status word {sw!r} out of range for {apdu.hex()}")
    return sw


def feed(commands: list[bytes], work: Path) -> None:
    card = fresh_card()
    for apdu in commands:
        if apdu == POWER_CYCLE:
            card.close()
        else:
            transmit(card, apdu)


def _encode(commands: list[bytes]) -> bytes:
    return "".join(f"{apdu.hex() or '-'}\n" for apdu in commands).encode("ascii")


def _decode(data: bytes) -> list[bytes]:
    lines = data.decode("ascii").split()
    return [b"" if line == "-" else bytes.fromhex(line) for line in lines]


TARGET = Target(
    name="apdu",
    summary="APDUs to the virtual card (any bytes in, a status word out)",
    inputs=INPUTS,
    feed=feed,
    encode=_encode,
    decode=_decode,
    suffix=".apdus",
    examples=200,
)
