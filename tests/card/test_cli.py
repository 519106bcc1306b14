"""``kiosk card …`` end to end on card files (and one served card)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.simcard.cardfile import load_card
from kiosk.simcard.deck import get_profile
from kiosk.vocabulary import PinKind

AUTH, SIGN = "8147", "QZ7X9K2W"


@pytest.fixture
def card_file(tmp_path: Path) -> Path:
    out = tmp_path / "taro.card"
    argv = ["card", "new", "--profile", "standard", "--auth-pin", AUTH, "--sign-pin", SIGN]
    code = main([*argv, "--out", str(out)])
    assert code == 0
    return out


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _values(tree: Any) -> list[str]:
    if isinstance(tree, dict):
        return [v for item in tree.values() for v in _values(item)]
    if isinstance(tree, list):
        return [v for item in tree for v in _values(item)]
    return [str(tree)]


def test_new_refuses_to_overwrite_without_force(
    card_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = card_file.read_bytes()
    assert main(["card", "new", "--profile", "standard", "--out", str(card_file)]) == 2
    assert "--force" in capsys.readouterr().err
    assert card_file.read_bytes() == before
    assert main(["card", "new", "--profile", "face-only", "--out", str(card_file), "--force"]) == 0
    assert load_card(card_file).face_only


def test_show_json_has_the_card_face_and_certificate_but_no_secret(
    card_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = load_card(card_file)
    shown = _json(capsys, ["card", "show", str(card_file), "--json"])
    assert shown["face"]["name"] == state.face.name
    assert shown["face"]["expiry"] == state.face.expiry.isoformat()
    assert shown["face"]["security_code"] == state.face.security_code
    assert shown["face"]["remarks"] == state.face.remarks
    assert shown["certificate"]["state"] == "valid"
    assert shown["registered_for_insurance"] is True
    assert [p["tries_left"] for p in shown["pins"]] == [3, 5, 3, 3, 3]
    _assert_no_secret(shown, json.dumps(shown, ensure_ascii=False), state)


def test_pins_json_names_every_pin_and_where_to_unlock(
    card_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["card", "lock-pins", str(card_file)]) == 0
    shown = _json(capsys, ["card", "pins", str(card_file), "--json"])
    pins = {p["pin"]: p for p in shown["pins"]}
    assert list(pins) == ["auth", "sign", "hojo", "juki", "kyotsu"]
    assert all(p["blocked"] for p in pins.values())
    assert pins["auth"]["name_ja"] == "利用者証明用電子証明書の暗証番号"
    assert pins["sign"]["format_ja"] == "英数字6〜16桁"
    # lock-pins made it a face-only card: no signature certificate, so no store reset
    assert all(p["face_only"] for p in pins.values())
    assert pins["auth"]["unlock_at"] == ["office"] and "コンビニ" not in pins["auth"]["unlock_ja"]
    assert pins["sign"]["unlock_at"] == [] and "署名用電子証明書がない" in pins["sign"]["unlock_ja"]
    assert pins["hojo"]["unlock_at"] == ["office"] and "窓口" in pins["hojo"]["unlock_ja"]
    _assert_no_secret(shown, json.dumps(shown, ensure_ascii=False), load_card(card_file))


def _assert_no_secret(tree: Any, text: str, state: Any) -> None:
    profile = get_profile("standard")
    secrets = {AUTH, SIGN, profile.hojo_pin, profile.juki_pin, profile.kyotsu_pin}
    assert not secrets & set(_values(tree))
    assert state.individual_number not in text
    assert "PRIVATE" not in text and (state.auth_key or b"")[:32].hex() not in text


def test_reset_at_office_from_stdin_restores_every_pin(
    card_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["card", "lock-pins", str(card_file)]) == 0
    monkeypatch.setattr(sys, "stdin", _Lines("1111\nABC1234\n2222\n3333\n4444\n"))
    assert main(["card", "reset", str(card_file), "--at", "office", "--pin-from-stdin"]) == 0
    out = capsys.readouterr().out
    assert "1111" not in out and "ABC1234" not in out
    state = load_card(card_file)
    five = [PinKind.AUTH, PinKind.SIGN, PinKind.HOJO, PinKind.JUKI, PinKind.KYOTSU]
    assert all(state.pins[n].tries_left == state.pins[n].limit for n in five)
    assert state.pin_matches(PinKind.AUTH, "1111") and state.pin_matches(PinKind.SIGN, "ABC1234")


def test_reset_at_store_needs_the_other_pin(card_file: Path) -> None:
    state = load_card(card_file)
    state.pins[PinKind.AUTH].tries_left = 0
    from kiosk.simcard.cardfile import save_card

    save_card(card_file, state)
    argv = ["card", "reset", str(card_file), "--at", "store", "--which", "auth"]
    assert main([*argv, "--other-pin", "ZZZZZZ99", "--new-pin", "5555"]) == 2
    assert load_card(card_file).pins[PinKind.AUTH].tries_left == 0
    assert main([*argv, "--other-pin", SIGN, "--new-pin", "5555"]) == 0
    assert load_card(card_file).pin_matches(PinKind.AUTH, "5555")


def test_reset_at_store_saves_every_spent_try(
    card_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["card", "reset", str(card_file), "--at", "store", "--which", "auth"]
    for left in (4, 3, 2, 1):
        assert main([*argv, "--other-pin", "WRONG99", "--new-pin", "5555"]) == 2
        err = capsys.readouterr().err
        assert f"{left} tries left" in err and "市区町村の窓口" in err
        assert load_card(card_file).pins[PinKind.SIGN].tries_left == left
    assert main([*argv, "--other-pin", "WRONG99", "--new-pin", "5555"]) == 2
    assert load_card(card_file).pins[PinKind.SIGN].tries_left == 0
    before = card_file.read_bytes()
    assert main([*argv, "--other-pin", SIGN, "--new-pin", "5555"]) == 2  # locked: office only
    assert "locked too" in capsys.readouterr().err
    assert card_file.read_bytes() == before
    assert not load_card(card_file).pin_matches(PinKind.AUTH, "5555")


@pytest.mark.parametrize("which", ["hojo", "kenhojo", "juki", "kyotsu", "nonsense", None])
def test_a_store_refuses_other_pins_saying_where_to_go(
    card_file: Path, capsys: pytest.CaptureFixture[str], which: str | None
) -> None:
    before = card_file.read_bytes()
    argv = ["card", "reset", str(card_file), "--at", "store"]
    argv += ["--which", which] if which else []
    assert main([*argv, "--other-pin", SIGN, "--new-pin", "5555"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "市区町村の窓口" in err and "invalid choice" not in err
    assert card_file.read_bytes() == before


def test_change_pin_counts_a_wrong_old_pin_on_the_card(card_file: Path) -> None:
    argv = ["card", "change-pin", str(card_file), "--which", "auth", "--new-pin", "2468"]
    assert main([*argv, "--old-pin", "0000"]) == 2
    assert load_card(card_file).pins[PinKind.AUTH].tries_left == 2
    assert main([*argv, "--old-pin", AUTH]) == 0
    state = load_card(card_file)
    assert state.pin_matches(PinKind.AUTH, "2468") and state.pins[PinKind.AUTH].tries_left == 3


def test_no_terminal_and_no_stdin_option_asks_for_pin_from_stdin(
    card_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Lines(""))
    assert main(["card", "change-pin", str(card_file), "--which", "auth"]) == 2
    assert "--pin-from-stdin" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["show", "pins", "lock-pins"])
def test_a_corrupt_card_file_is_a_clear_error_and_stays_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    bad = tmp_path / "bad.card"
    bad.write_bytes(b'{"format": "kiosk-card", "truncated')
    before = bad.read_bytes()
    assert main(["card", command, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.card" in err and "Traceback" not in err
    assert bad.read_bytes() == before


def test_a_missing_card_file_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["card", "pins", str(tmp_path / "none.card")]) == 2
    assert "kiosk card new" in capsys.readouterr().err


@pytest.mark.pcsc
def test_serve_then_show_through_pcscd_and_sigterm_removes_the_card(
    pcscd: None, card_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.card.pcsc import wait_for_card

    reader = "Virtual PCD 00 00"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "card", "serve", str(card_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    try:
        wait_for_card(reader, 120.0)
        state = load_card(card_file)
        shown = _json(capsys, ["card", "show", f"pcsc:{reader}", "--json"])
        assert shown["face"] is None and "照合番号B" in shown["face_note"]
        assert shown["certificate"]["serial"] > 0
        with_b = _json(
            capsys,
            ["card", "show", f"pcsc:{reader}", "--json", "--verify-b", state.verify_b],
        )
        assert with_b["face"]["name"] == state.face.name
        parts = [
            "--birth",
            state.face.birth_date.isoformat(),
            "--expiry-year",
            str(state.face.expiry.year),
            "--security-code",
            state.face.security_code,
        ]
        by_parts = _json(capsys, ["card", "show", f"pcsc:{reader}", "--json", *parts])
        assert by_parts["face"] == with_b["face"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    wait_for_card(reader, 60.0, present=False)


class _Lines:
    """A non-terminal stdin."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self._lines.pop(0) if self._lines else ""

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize(
    ("profile", "state", "registered"),
    [
        ("expired-certificate", "expired", True),
        ("expiring-soon", "expiring", True),
        ("revoked-certificate", "revoked", True),
        ("unregistered", "valid", False),
    ],
)
def test_show_tells_certificate_and_registration_state(
    capsys: pytest.CaptureFixture[str], profile: str, state: str, registered: bool
) -> None:
    shown = _json(capsys, ["card", "show", f"virtual:{profile}", "--json"])
    assert shown["certificate"]["state"] == state
    assert shown["registered_for_insurance"] is registered


def test_show_text_of_a_face_only_card_has_its_remark(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "show", "virtual:face-only"]) == 0
    out = capsys.readouterr().out
    assert "追記欄 remarks   顔認証" in out and "auth 0/3" in out


def test_serve_without_vpcd_says_what_to_start(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "serve", "virtual:standard", "--vpcd", "127.0.0.1:9"]) == 2
    assert "pcscd" in capsys.readouterr().err
