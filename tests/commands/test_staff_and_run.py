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
