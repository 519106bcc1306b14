"""``kiosk demo`` in a home it cannot write: one line, exit code 2, nothing half-written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kiosk.cli import main


def test_a_home_under_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["demo", "--camera", "scripted:match", "--home", str(blocker / "home")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "demo" in err


def test_a_full_disk_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code = main(["demo", "--camera", "scripted:match", "--home", str(tmp_path / "home")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "No space left on device" in err


def test_the_demo_keeps_its_records_in_its_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "clinic.db"
    monkeypatch.setenv("KIOSK_RECORDS", f"sqlite:///{elsewhere}")
    home = tmp_path / "home"
    assert main(["demo", "--camera", "scripted:match", "--home", str(home)]) == 0
    capsys.readouterr()
    assert (home / "records.db").exists() and not elsewhere.exists()
