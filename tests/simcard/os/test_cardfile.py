"""Card files: round trip, atomic 0600 writes, and every kind of bad file refused untouched."""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers.card_os import PINS, ok, select_aid, verify
from kiosk.card.applets import Applet
from kiosk.simcard.cardfile import (
    FORMAT,
    OPEN_VERSION,
    VERSION,
    CardFile,
    _checksum,
    load_card,
    save_card,
)
from kiosk.simcard.errors import CardFileError, SimCardError
from kiosk.simcard.seal import load_key, seal, unseal
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import open_card_file
from kiosk.vocabulary import PinKind


@pytest.fixture
def card_path(tmp_path: Path, state: CardState) -> Path:
    path = tmp_path / "card.json"
    save_card(path, state)
    return path


@pytest.mark.parametrize("profile", ["standard", "face-only", "not-my-number"])
def test_round_trip(tmp_path: Path, make_state: Callable[[str], CardState], profile: str) -> None:
    state = make_state(profile)
    state.pins[PinKind.SIGN].tries_left = 2
    path = tmp_path / f"{profile}.json"
    save_card(path, state)
    assert load_card(path) == state
    assert CardFile(path).load() == state


def test_file_format(card_path: Path) -> None:
    document = json.loads(card_path.read_text("utf-8"))
    assert document["format"] == FORMAT
    assert document["version"] == VERSION
    assert document["checksum"].startswith("sha256:")
    card = document["card"]
    assert card["face"]["birth_date"] == "1980-02-17"
    assert base64.b64decode(card["auth_cert"])[:2] == b"\x30\x82"
    assert "individual_number" not in json.dumps(card)


def test_mode_0600_and_no_temporary_files_left(card_path: Path, state: CardState) -> None:
    assert stat.S_IMODE(card_path.stat().st_mode) == 0o600
    save_card(card_path, state)
    assert stat.S_IMODE(card_path.stat().st_mode) == 0o600
    assert sorted(p.name for p in card_path.parent.iterdir()) == ["card.json"]


def test_a_failed_write_keeps_the_old_file(card_path: Path, state: CardState) -> None:
    before = card_path.read_bytes()
    state.face.name = "\ud800"  # a lone surrogate: cannot be encoded as UTF-8
    with pytest.raises(UnicodeEncodeError):
        save_card(card_path, state)
    assert card_path.read_bytes() == before
    assert sorted(p.name for p in card_path.parent.iterdir()) == ["card.json"]


def test_a_failed_rename_keeps_the_old_file(
    card_path: Path, state: CardState, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = card_path.read_bytes()

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    state.pins[PinKind.AUTH].tries_left = 1
    with pytest.raises(CardFileError, match=r"cannot be written \(No space left on device\)"):
        save_card(card_path, state)
    assert card_path.read_bytes() == before
    assert sorted(p.name for p in card_path.parent.iterdir()) == ["card.json"]


def _rewrite(document: dict[str, object], *, fix_checksum: bool) -> bytes:
    if fix_checksum:
        card = document["card"]
        assert isinstance(card, dict)
        document["checksum"] = _checksum(card)
    return json.dumps(document).encode()


def _open_document(good: bytes, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """A version 1 card file of the same card: the secrets in the clear, as before sealing."""
    document = json.loads(good)
    document["version"] = OPEN_VERSION
    document["card"] = unseal(document["card"], load_key(create=False))
    change(document["card"])
    return dict(document)


def _corruptions(good: bytes) -> dict[str, tuple[bytes, str]]:
    """Broken files; ``edited`` ones are changed in the open and sealed again with this
    kiosk's key (what only someone holding the key can do), ``tampered`` ones are not."""
    document = json.loads(good)
    key = load_key(create=False)

    def edited(change: Callable[[dict[str, object]], None], fix: bool = True) -> bytes:
        copy = json.loads(good)
        copy["card"] = unseal(copy["card"], key)
        change(copy)
        copy["card"] = seal(copy["card"], key)
        return _rewrite(copy, fix_checksum=fix)

    def tampered(change: Callable[[dict[str, Any]], None]) -> bytes:
        copy = json.loads(good)
        change(copy["card"])
        return _rewrite(copy, fix_checksum=True)

    def legacy(change: Callable[[dict[str, Any]], None], fix: bool = True) -> bytes:
        return _rewrite(_open_document(good, change), fix_checksum=fix)

    flipped = bytearray(good)
    at = good.index(b'"serial"') + 12
    flipped[at] ^= 0x01
    return {
        "empty": (b"", "empty"),
        "whitespace": (b"  \n", "empty"),
        "truncated": (good[: len(good) // 2], "truncated or corrupt"),
        "one byte flipped": (bytes(flipped), "checksum"),
        "binary garbage": (b"\x89PNG\r\n\x1a\n\x00\xff", "not UTF-8"),
        "not JSON": (b"profile = 'standard'\n", "truncated or corrupt"),
        "foreign JSON": (b'{"name": "something else"}', "not a kiosk card file"),
        "a JSON list": (b"[1, 2, 3]", "not a kiosk card file"),
        "wrong version": (
            edited(lambda d: d.__setitem__("version", VERSION + 1)),
            f"version {VERSION + 1}",
        ),
        "no version": (edited(lambda d: d.pop("version")), "version None"),
        "no card": (json.dumps({**document, "card": None}).encode(), "no card object"),
        "checksum removed": (edited(lambda d: d.pop("checksum"), fix=False), "checksum"),
        "field missing": (
            edited(lambda d: d["card"].pop("salt")),  # type: ignore[attr-defined]
            "card.salt: missing",
        ),
        "unknown field": (
            edited(lambda d: d["card"].__setitem__("extra", 1)),  # type: ignore[attr-defined]
            "unknown field 'extra'",
        ),
        "bad base64": (
            edited(lambda d: d["card"].__setitem__("salt", "@@@")),  # type: ignore[attr-defined]
            "card.salt: not valid base64",
        ),
        "bad date": (
            edited(lambda d: d["card"]["face"].__setitem__("expiry", "2035-13-01")),  # type: ignore[index]
            "card.face.expiry: not an ISO date",
        ),
        "bad PIN name": (
            edited(lambda d: d["card"]["pins"].__setitem__("pin9", d["card"]["pins"]["auth"])),  # type: ignore[index]
            "unknown name",
        ),
        "counter out of range": (
            edited(lambda d: d["card"]["pins"]["auth"].__setitem__("tries_left", 7)),  # type: ignore[index]
            "counter out of range",
        ),
        "wrong type": (
            edited(lambda d: d["card"].__setitem__("has_jpki", "yes")),  # type: ignore[attr-defined]
            "card.has_jpki: expected true or false",
        ),
        "a counter changed without the key": (
            tampered(lambda c: c["pins"]["auth"].__setitem__("tries_left", 2)),
            "the file was modified",
        ),
        "a face changed without the key": (
            tampered(lambda c: c["face"].__setitem__("name", "別人　太郎")),
            "the file was modified",
        ),
        "sealed by another kiosk": (
            tampered(lambda c: c["sealed"].__setitem__("key", "0" * 16)),
            "sealed by another kiosk",
        ),
        "box removed": (tampered(lambda c: c.pop("sealed")), "card.sealed: expected an object"),
        "box not base64": (
            tampered(lambda c: c["sealed"].__setitem__("box", "@@")),
            "card.sealed.box: not valid base64",
        ),
        "a sealed card calling itself version 1": (
            edited(lambda d: d.__setitem__("version", OPEN_VERSION)),
            "sealed card but says version 1",
        ),
        "version true": (edited(lambda d: d.__setitem__("version", True)), "version True"),
        "a number of 5000 digits": (
            good.replace(b'"tries_left": 3', b'"tries_left": ' + b"9" * 5000),
            "a value out of range",
        ),
        "nested 100 000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        "a lone surrogate": (
            legacy(lambda c: c["face"].__setitem__("name", "\ud800"), fix=False),
            "not valid Unicode",
        ),
        "an open card with a wrong type": (
            legacy(lambda c: c["pins"].__setitem__("auth", 5)),
            "card.pins.auth: expected an object",
        ),
    }


def test_bad_files_are_refused_named_and_left_alone(card_path: Path) -> None:
    good = card_path.read_bytes()
    for case, (content, problem) in _corruptions(good).items():
        card_path.write_bytes(content)
        try:
            load_card(card_path)
        except CardFileError as exc:
            message = str(exc)
        else:
            pytest.fail(f"{case}: accepted")
        assert str(card_path) in message, case
        assert problem in message, f"{case}: {message}"
        assert card_path.read_bytes() == content, case  # never rewritten
        with pytest.raises(CardFileError):
            open_card_file(card_path)
        assert card_path.read_bytes() == content, case


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(CardFileError, match="no such file") as caught:
        load_card(path)
    assert caught.value.path == path
    assert isinstance(caught.value, SimCardError)
    assert not path.exists()


def test_a_folder_is_not_a_card_file(tmp_path: Path) -> None:
    with pytest.raises(CardFileError, match="is a folder"):
        load_card(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(card_path: Path) -> None:
    card_path.chmod(0)
    with pytest.raises(CardFileError, match="cannot be read"):
        load_card(card_path)


def test_write_into_a_missing_folder(tmp_path: Path, state: CardState) -> None:
    with pytest.raises(CardFileError, match="cannot be written"):
        save_card(tmp_path / "no" / "card.json", state)


def test_open_card_file_persists_counters(card_path: Path, photo_jp2: bytes) -> None:
    card = open_card_file(card_path, photo=lambda _: photo_jp2)
    ok(card, select_aid(Applet.JPKI))
    assert card.transmit(verify("0000", 0x98))[1] == 0x63C2
    assert load_card(card_path).pins[PinKind.AUTH].tries_left == 2
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    assert load_card(card_path).pins[PinKind.AUTH].tries_left == 3
    ok(card, select_aid(Applet.KENKAKU))
    card.transmit(verify("00000000000000", 0x92))
    again = open_card_file(card_path, photo=lambda _: photo_jp2)
    assert again.state.pins[PinKind.VERIFY_B].tries_left == 9


def test_change_is_persisted(card_path: Path, photo_jp2: bytes) -> None:
    card = open_card_file(card_path, photo=lambda _: photo_jp2)
    ok(card, select_aid(Applet.JUKI))
    ok(card, verify(PINS[PinKind.JUKI], 0x9C))
    ok(card, bytes.fromhex("8032009C04") + b"2468")
    assert load_card(card_path).pin_matches(PinKind.JUKI, "2468")
