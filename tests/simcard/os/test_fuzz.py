"""Fuzz: 10,000+ random and mutated APDUs (seeded). transmit never raises, always answers a
status word, and never hands out protected content while no PIN/照合番号 is verified."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from helpers.card_os import ADDRESS, NAME
from kiosk.card import apdu, tlv
from kiosk.card.applets import Applet
from kiosk.card.errors import MalformedApduError, TlvError
from kiosk.fuzz.apdus import corpus
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard

SEED = 20261123
COUNT = 12_000
WINDOW = 12


def mutate(rng: random.Random, command: bytes) -> bytes:
    data = bytearray(command)
    for _ in range(rng.randint(1, 3)):
        choice = rng.randrange(7)
        if choice == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice == 1 and data:
            del data[rng.randrange(len(data)) :]
        elif choice == 2:
            data += rng.randbytes(rng.randint(1, 8))
        elif choice == 3 and len(data) > 4:
            data[4] = rng.randrange(256)  # Lc
        elif choice == 4 and data:
            data[0] ^= rng.choice((0x10, 0x01, 0x80, 0x0C, 0x40))  # chaining, channel, …
        elif choice == 5 and len(data) > 3:
            data[2], data[3] = rng.randrange(256), rng.randrange(256)
        elif choice == 6 and len(data) > 3:
            data[rng.randrange(4)] = rng.randrange(256)
    return bytes(data)


def windows(blob: bytes) -> set[bytes]:
    return {blob[i : i + WINDOW] for i in range(len(blob) - WINDOW + 1)}


def private_parts(key_der: bytes | None) -> list[bytes]:
    """d, p and q of a key (its modulus is public: it is in the free certificate)."""
    if key_der is None:
        return []
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    key = load_der_private_key(key_der, password=None)
    numbers = key.private_numbers()  # type: ignore[union-attr]
    return [n.to_bytes((n.bit_length() + 7) // 8, "big") for n in (numbers.d, numbers.p, numbers.q)]


def protected_windows(state: CardState, photo: bytes) -> set[bytes]:
    blobs = [state.sign_cert, photo, *private_parts(state.auth_key), *private_parts(state.sign_key)]
    found: set[bytes] = set()
    for blob in blobs:
        if blob:
            found |= windows(blob)
    return found


def protected_words(state: CardState) -> list[bytes]:
    return [
        state.individual_number.encode(),
        NAME.encode("utf-8"),
        ADDRESS.encode("utf-8")[:12],
        b"19800217",  # birth date (basic 4 info, card face)
    ]


@pytest.mark.parametrize("profile", ["standard", "face-only", "not-my-number"])
def test_random_apdus_never_break_the_card(
    make_state: Callable[[str], CardState], photo_jp2: bytes, profile: str
) -> None:
    rng = random.Random(f"{SEED}-{profile}")
    state = make_state(profile)
    if state.sign_cert is not None:
        # the card never parses it; unique bytes make any leak visible (real certificates
        # share algorithm identifiers and names with the free ones)
        state.sign_cert = b"SIGN-CERT-MARKER" + rng.randbytes(1200)
    photo = b"PHOTO-MARKER" + rng.randbytes(600)
    card = VirtualCard(state, photo=lambda _: photo)
    secret_windows = protected_windows(state, photo)
    secret_words = protected_words(state)
    commands = corpus()
    answered: set[int] = set()
    count = COUNT if profile == "standard" else COUNT // 6
    for i in range(count):
        roll = rng.random()
        if roll < 0.3:
            command = rng.randbytes(rng.randint(0, 300))
        elif roll < 0.35:
            command = bytes((rng.choice((0x00, 0x80, 0x10)), rng.randrange(256))) + rng.randbytes(
                rng.randint(0, 20)
            )
        elif roll < 0.6:
            command = rng.choice(commands)
        else:
            command = mutate(rng, rng.choice(commands))
        if i % 997 == 0:
            card.close()
        data, sw = card.transmit(command)  # must not raise
        assert 0 <= sw <= 0xFFFF
        answered.add(sw)
        assert not card.os.verified, f"APDU {i} verified something: {command.hex()}"
        if data:
            assert sw == 0x9000, f"data with {sw:04X}"
            for word in secret_words:
                assert word not in data, f"APDU {i} leaked protected data: {command.hex()}"
            if len(data) >= WINDOW:
                leaked = any(
                    data[j : j + WINDOW] in secret_windows for j in range(len(data) - WINDOW + 1)
                )
                assert not leaked, f"APDU {i} leaked protected data: {command.hex()}"
    assert 0x6F00 not in answered or profile != "standard"
    assert {0x9000, 0x6700, 0x6A82, 0x6D00, 0x6E00} <= answered


def test_fuzz_reaches_protected_content_once_verified(state: CardState, photo_jp2: bytes) -> None:
    """The checker above would see a leak: with the PINs verified the same reads return it."""
    photo = b"PHOTO-MARKER" + bytes(range(256)) * 2
    card = VirtualCard(state, photo=lambda _: photo)
    card.transmit(bytes.fromhex("00A4040C0A") + Applet.KENKAKU.aid)
    card.transmit(bytes.fromhex("002000920E") + state.verify_b.encode())
    data, sw = card.transmit(bytes((0x00, 0xB0, 0x82, 0x00, 0x00, 0x00, 0x00)))
    assert sw == 0x9000
    assert any(data[j : j + WINDOW] in windows(photo) for j in range(len(data) - WINDOW + 1))


# -- the parsers under the card: only their own errors -------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_parse_command_raises_only_malformed_apdu(raw: bytes) -> None:
    try:
        command = apdu.parse_command(raw)
    except MalformedApduError:
        return
    assert apdu.parse_command(command.encode()) == command


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=400),
    st.one_of(st.none(), st.integers(1, 65536)),
    st.booleans(),
)
def test_command_round_trip(
    cla: int, ins: int, p1: int, p2: int, data: bytes, le: int | None, extended: bool
) -> None:
    command = apdu.CommandApdu(cla, ins, p1, p2, data, le, extended)
    parsed = apdu.parse_command(command.encode())
    assert (parsed.cla, parsed.ins, parsed.p1, parsed.p2, parsed.data, parsed.le) == (
        cla,
        ins,
        p1,
        p2,
        data,
        le,
    )


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_tlv_parse_raises_only_tlv_error(raw: bytes) -> None:
    try:
        items = tlv.parse(raw)
        for item in items:
            if item.constructed:
                item.children()
        tlv.der_total_length(raw)
        tlv.read_length(raw)
    except TlvError:
        return


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([0xDF21, 0xDF22, 0x84, 0xFF20]), st.binary(max_size=300)))
)
def test_tlv_round_trip(elements: list[tuple[int, bytes]]) -> None:
    encoded = b"".join(tlv.encode(tag, value) for tag, value in elements)
    assert [(t.tag, t.value) for t in tlv.parse(encoded)] == elements
