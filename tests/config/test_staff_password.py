"""The staff password file: written atomically (a read-only or full disk changes nothing and
leaves no temporary file), a damaged file named as such, no terminal explained."""

from __future__ import annotations

import errno
import getpass
import io
import os
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands import staff
from kiosk.config import (
    Settings,
    SettingsError,
    set_staff_password,
    staff_password_ok,
    staff_password_problem,
)


def test_a_full_disk_keeps_the_old_password_and_leaves_no_temporary_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = set_staff_password(Settings(), "the old password")
    before = path.read_bytes()

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with (
        monkeypatch.context() as patched,
        pytest.raises(SettingsError, match=r"No space left on device.*nothing was changed"),
    ):
        patched.setattr(os, "fsync", full)
        set_staff_password(Settings(), "the new password")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if "staff" in p.name) == [path.name]
    assert staff_password_ok(Settings(), "the old password")


def test_an_unwritable_home_is_one_line_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the home's folder should be")
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "home"))
    settings = tmp_path / "facility.toml"
    settings.write_text(f'[staff]\npassword_file = "{blocker}/staff-password"\n')
    monkeypatch.setattr(sys, "stdin", io.StringIO("a good staff password\n"))
    code = main(["staff", "set-password", "--settings", str(settings), "--from-stdin"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "cannot write the staff password file" in err and "Traceback" not in err


@pytest.mark.parametrize("terminal", [True, False])
def test_no_terminal_says_how_to_give_the_password(
    terminal: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def closed_terminal(prompt: str = "") -> str:
        asked.append(prompt)
        raise EOFError

    monkeypatch.setattr(staff, "_has_terminal", lambda: terminal)
    monkeypatch.setattr(getpass, "getpass", closed_terminal)
    assert main(["staff", "set-password"]) == 2
    err = capsys.readouterr().err
    assert "--from-stdin" in err and err.count("\n") == 1
    assert bool(asked) is terminal  # without a terminal nothing is asked (it would echo)
    assert not Settings().staff_password_path().exists()


def test_stdin_that_is_not_utf8_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = io.TextIOWrapper(io.BytesIO(b"\xff\xfe bad bytes\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", raw)
    assert main(["staff", "set-password", "--from-stdin"]) == 2
    assert "not UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [b"garbage", b"scrypt$zz$zz\n", b"scrypt$00$00\n", b"\xff\xfe", b"scrypt$" + b"a" * 9000],
)
def test_a_damaged_password_file_is_named_not_a_traceback(
    content: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Settings().staff_password_path()
    path.write_bytes(content)
    assert staff_password_ok(Settings(), "any password at all") is False
    assert "damaged" in (staff_password_problem(Settings()) or "")
    monkeypatch.setattr(sys, "stdin", io.StringIO("any password at all\n"))
    assert main(["staff", "check-password", "--from-stdin"]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "kiosk staff set-password" in err and err.count("\n") == 1
    assert path.read_bytes() == content  # left for the staff to look at


def test_no_password_set_is_still_a_plain_no(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("any password at all\n"))
    assert main(["staff", "check-password", "--from-stdin"]) == 1
    assert "none set" in capsys.readouterr().err
