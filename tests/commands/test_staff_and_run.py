"""``kiosk staff set-password``, ``kiosk run`` without a display."""

from __future__ import annotations

import argparse
import io
import stat
import sys
import types

from kiosk.cli import main
from kiosk.config import Settings, staff_password_ok


def test_staff_set_password_from_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a good staff password\n"))
    assert main(["staff", "set-password", "--from-stdin"]) == 0
    path = Settings().staff_password_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "a good staff password" not in path.read_text()
    assert staff_password_ok(Settings(), "a good staff password")
    assert "a good staff password" not in capsys.readouterr().out


def test_short_staff_password_is_refused(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["staff", "set-password", "--from-stdin"]) == 2
    assert "8 characters" in capsys.readouterr().err


def test_run_without_display_runs_the_headless_demo(monkeypatch, capsys) -> None:
    from kiosk.commands import run

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    calls: list[object] = []
    fake = types.ModuleType("kiosk.scenarios.demo")
    fake.run_demo = lambda out, camera=None: calls.append(camera) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kiosk.scenarios.demo", fake)
    assert not run.has_display()
    assert run.run(argparse.Namespace(camera=None)) == 0
    assert calls == [None]
    assert "no display" in capsys.readouterr().err


def test_staff_set_passcode_takes_four_digits_from_stdin_only(monkeypatch, capsys) -> None:
    import pytest

    from kiosk.records.database import open_database
    from kiosk.station_tables.passcode import passcode_set_in
    from kiosk.ui.staff_password import records_url

    monkeypatch.setattr(sys, "stdin", io.StringIO("12a4\n"))
    assert main(["staff", "set-passcode"]) == 2
    err = capsys.readouterr().err
    assert "4 digits" in err and "nothing was changed" in err and "12a4" not in err
    with pytest.raises(SystemExit):  # never an argument
        main(["staff", "set-passcode", "4821"])
    capsys.readouterr()
    db = open_database(records_url(Settings()))
    try:
        assert not passcode_set_in(db)
        monkeypatch.setattr(sys, "stdin", io.StringIO("4821\n"))
        assert main(["staff", "set-passcode"]) == 0
        assert "4821" not in capsys.readouterr().out
        assert passcode_set_in(db)
    finally:
        db.close()


def test_staff_set_passcode_asks_twice_on_a_terminal(monkeypatch, capsys) -> None:
    import getpass

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    asked: list[str] = []
    answers = iter(["4821", "4812", "4821", "4821"])

    def prompt(text: str) -> str:
        asked.append(text)
        return next(answers)

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", prompt)
    assert main(["staff", "set-passcode"]) == 2
    assert "differ" in capsys.readouterr().err
    assert main(["staff", "set-passcode"]) == 0
    assert len(asked) == 4 and "4 digits" in asked[0]
