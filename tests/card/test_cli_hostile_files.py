"""Hostile card files and a kiosk home that refuses writes: one line, exit 2, nothing changed."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.simcard.cardfile import MAX_CARD_BYTES

COMMANDS = {
    "pins": ["pins"],
    "show": ["show"],
    "lock-pins": ["lock-pins"],
    "change-pin": ["change-pin", "--which", "auth", "--old-pin", "1234", "--new-pin", "1111"],
    "reset": ["reset", "--at", "store", "--which", "auth", "--other-pin", "X", "--new-pin", "1"],
    "serve": ["serve", "--vpcd", "127.0.0.1:9"],
}


def _nested(folder: Path) -> Path:
    path = folder / "deep.card"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def _huge(folder: Path) -> Path:
    path = folder / "huge.card"
    with open(path, "wb") as out:  # sparse: takes no disk
        out.truncate(300 * 2**20)
    return path


def _not_json(folder: Path) -> Path:
    path = folder / "text.card"
    path.write_text("profile = 'standard'\n")
    return path


def _wrong_types(folder: Path) -> Path:
    path = folder / "types.card"
    path.write_text('{"format": "kiosk-virtual-card", "version": "2", "card": [1]}')
    return path


def _zero(folder: Path) -> Path:
    path = folder / "zero.card"
    path.symlink_to("/dev/zero")
    return path


def _pipe(folder: Path) -> Path:
    path = folder / "pipe.card"
    os.mkfifo(path)
    return path


def _nul(folder: Path) -> Path:
    return folder / "a\0b.card"


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "nested 100k deep": _nested,
    "300 MB": _huge,
    "not JSON": _not_json,
    "wrong types": _wrong_types,
    "/dev/zero": _zero,
    "a named pipe": _pipe,
    "a NUL in the name": _nul,
}


def _contents(folder: Path) -> dict[str, bytes | None]:
    return {
        p.name: p.read_bytes()
        if p.is_file() and not p.is_symlink() and p.stat().st_size < 2**20
        else None
        for p in sorted(folder.iterdir())
    }


@pytest.mark.parametrize("make", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_hostile_card_file_is_one_line_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path], command: str
) -> None:
    path = make(tmp_path)
    before = _contents(tmp_path)
    assert main(["card", *COMMANDS[command][:1], str(path), *COMMANDS[command][1:]]) == 2
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("kiosk: ") and "Traceback" not in err and out == ""
    assert _contents(tmp_path) == before


def test_the_size_limit_reads_no_more_than_it_allows(tmp_path: Path) -> None:
    from kiosk.simcard.cardfile import load_card
    from kiosk.simcard.errors import CardFileError

    path = tmp_path / "big.card"
    path.write_bytes(b" " * (MAX_CARD_BYTES + 1))
    with pytest.raises(CardFileError, match="too large"):
        load_card(path)


def test_card_new_in_a_home_that_cannot_be_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("KIOSK_HOME", str(blocker / "home"))
    out = tmp_path / "cards"
    out.mkdir()
    assert main(["card", "new", "--profile", "standard", "--out", str(out / "x.card")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "kiosk home" in err
    assert list(out.iterdir()) == []


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path: object, flags: int, *rest: int) -> int:
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
            raise OSError(30, "Read-only file system")
        return real_open(path, flags, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file()
        and (p.name.endswith(".tmp") or ".tmp" in p.name or p.stat().st_size == 0)
        and not p.name.endswith(".lock")
    )


def test_card_new_on_a_full_home_leaves_nothing_half_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Path(os.environ["KIOSK_HOME"])
    out = tmp_path / "cards"
    out.mkdir()
    _disk_full(monkeypatch)
    assert main(["card", "new", "--profile", "standard", "--out", str(out / "x.card")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "No space left on device" in err
    assert list(out.iterdir()) == []
    assert _leftovers(home) == []


@pytest.mark.parametrize(
    "command",
    [
        ["lock-pins"],
        ["change-pin", "--which", "auth", "--old-pin", "0000", "--new-pin", "1111"],
        [
            "reset",
            "--at",
            "store",
            "--which",
            "auth",
            "--other-pin",
            "WRONG99",
            "--new-pin",
            "5555",
        ],
        ["reset", "--at", "office", "--pin-from-stdin"],
        ["show"],
    ],
    ids=["lock-pins", "change-pin", "store-reset", "office-reset", "show"],
)
@pytest.mark.parametrize("refusal", ["No space left on device", "Read-only file system"])
def test_a_card_that_cannot_be_saved_is_one_line_and_unchanged(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    refusal: str,
) -> None:
    card = tmp_path / "taro.card"
    assert main(["card", "new", "--profile", "standard", "--out", str(card)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("1111\nABC1234\n2222\n3333\n4444\n"))
    before = _contents(tmp_path)
    if refusal.startswith("No space"):
        _disk_full(monkeypatch)
    else:
        (tmp_path / ".taro.card.lock").unlink(missing_ok=True)
        before.pop(".taro.card.lock", None)
        _read_only(monkeypatch)
    assert main(["card", command[0], str(card), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert refusal in err
    after = _contents(tmp_path)
    after.pop(".taro.card.lock", None)
    assert after == before


def test_card_new_refuses_a_nul_in_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["card", "new", "--profile", "standard", "--out", str(tmp_path / "a\0b")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "NUL" in err
    assert list(tmp_path.iterdir()) == []
