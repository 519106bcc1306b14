"""A copied card file alone gives away neither a PIN nor the individual number: the card's
secrets are sealed with a key that stays in the kiosk home."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.card_os import PINS, select_aid, verify
from kiosk.card.applets import Applet
from kiosk.paths import kiosk_home
from kiosk.simcard.cardfile import OPEN_VERSION, VERSION, _checksum, load_card, save_card
from kiosk.simcard.errors import CardFileError
from kiosk.simcard.seal import KEY_FILE, load_key, unseal
from kiosk.simcard.state import CardState, individual_number_from_seed, pin_digest
from kiosk.simcard.virtual import open_card_file
from kiosk.vocabulary import PinKind


def _byte_strings(blob: bytes) -> Iterator[bytes]:
    """Every base64 string of the file, decoded: what an attacker holding it would try."""
    for match in re.finditer(rb'"([A-Za-z0-9+/=]{8,})"', blob):
        try:
            yield base64.b64decode(match.group(1), validate=True)
        except (binascii.Error, ValueError):
            continue


def _pin_recovered(blob: bytes) -> bool:
    """The attack: a salt and a digest side by side give a 4-digit PIN in 10^4 HMACs."""
    values = list(_byte_strings(blob))
    digests = set(values)
    return any(
        pin_digest(salt, PINS[PinKind.AUTH]) in digests for salt in values if len(salt) == 16
    )


def _number_recovered(blob: bytes, number: str) -> bool:
    return any(individual_number_from_seed(seed) == number for seed in _byte_strings(blob))


def _open_file(state: CardState, path: Path) -> None:
    """The card as a version 1 file: its secrets in the clear, as files were before sealing."""
    save_card(path, state)
    document = json.loads(path.read_bytes())
    document["card"] = unseal(document["card"], load_key(create=False))
    document["version"] = OPEN_VERSION
    document["checksum"] = _checksum(document["card"])
    path.write_text(json.dumps(document))


def test_a_copied_card_file_yields_neither_pin_nor_number(
    tmp_path: Path, state: CardState, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "card.json"
    save_card(path, state)
    blob = path.read_bytes()
    assert not _pin_recovered(blob)
    assert not _number_recovered(blob, state.individual_number)
    for secret in (state.salt, state.number_seed, state.auth_key, state.sign_key):
        assert secret is not None and base64.b64encode(secret) not in blob
    # the same file in another kiosk home does not open
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "elsewhere"))
    with pytest.raises(CardFileError, match="no card seal key"):
        load_card(path)
    load_key(create=True)
    with pytest.raises(CardFileError, match="sealed by another kiosk"):
        load_card(path)


def test_the_attack_works_on_an_open_file(tmp_path: Path, state: CardState) -> None:
    """The check above can fail: on a version 1 file both secrets come back."""
    path = tmp_path / "old.json"
    _open_file(state, path)
    blob = path.read_bytes()
    assert _pin_recovered(blob)
    assert _number_recovered(blob, state.individual_number)


def test_an_open_file_is_read_and_sealed_at_its_next_save(
    tmp_path: Path, state: CardState, photo_jp2: bytes
) -> None:
    path = tmp_path / "old.json"
    _open_file(state, path)
    assert load_card(path) == state
    card = open_card_file(path, photo=lambda _: photo_jp2)
    card.transmit(select_aid(Applet.JPKI))
    assert card.transmit(verify(PINS[PinKind.AUTH], 0x98)) == (b"", 0x9000)
    document = json.loads(path.read_bytes())
    assert document["version"] == VERSION and "sealed" in document["card"]
    assert not _pin_recovered(path.read_bytes())
    assert load_card(path) == state


def test_the_seal_key_is_made_once_0600_and_never_replaced(
    tmp_path: Path, state: CardState
) -> None:
    key_file = kiosk_home() / KEY_FILE
    assert not key_file.exists()
    save_card(tmp_path / "a.json", state)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = (key_file.read_bytes(), key_file.stat().st_ino)
    save_card(tmp_path / "b.json", state)
    assert (key_file.read_bytes(), key_file.stat().st_ino) == before
    assert sorted(p.name for p in kiosk_home().iterdir() if p.name.startswith(".")) == []


def test_a_damaged_seal_key_is_a_clear_error_and_is_kept(tmp_path: Path, state: CardState) -> None:
    path = tmp_path / "card.json"
    save_card(path, state)
    key_file = kiosk_home() / KEY_FILE
    key_file.write_text("not a key\n")
    card_before = path.read_bytes()
    for action in (lambda: load_card(path), lambda: save_card(path, state)):
        with pytest.raises(CardFileError, match=r"card seal key .* is damaged"):
            action()
    assert key_file.read_text() == "not a key\n"
    assert path.read_bytes() == card_before


def test_no_seal_key_can_be_made_in_a_full_home(
    tmp_path: Path, state: CardState, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def full(path: object, flags: int, *rest: int) -> int:
        if KEY_FILE in str(path) and flags & os.O_CREAT:
            raise OSError(28, "No space left on device")
        return real_open(path, flags, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", full)
    with pytest.raises(CardFileError, match=r"cannot be sealed.*No space left on device"):
        save_card(tmp_path / "card.json", state)
    assert list(tmp_path.iterdir()) == []
    assert not (kiosk_home() / KEY_FILE).exists()
