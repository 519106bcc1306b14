"""Deployment: the systemd unit verifies, the launcher picks a compositor, sd_notify works,
and a killed or hung kiosk is restarted under the unit's own rules."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.deploy import sdnotify
from kiosk.deploy.launcher import LauncherError, plan_launch
from kiosk.deploy.supervise import Event, Supervisor, parse_unit, restarts
from kiosk.deploy.unit import UnitOptions, render_unit

ROOT = Path(__file__).resolve().parents[2]

FAKE_KIOSK = """
import os, signal, sys, threading
from kiosk.deploy.sdnotify import Watchdog, notify
watchdog = Watchdog.from_environment()
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
notify("READY=1", "STATUS=fake kiosk up")
hang = os.environ.get("FAKE_KIOSK_HANG") == "1"
while not stop.wait(watchdog.interval_s if watchdog else 0.5):
    if watchdog is not None and not hang:
        watchdog.ping()
sys.exit(0)
"""


# -- the unit ------------------------------------------------------------------------------


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze not installed (Debian package: systemd)")
    unit = tmp_path / "kiosk.service"
    unit.write_text(render_unit(UnitOptions(python=sys.executable)), encoding="utf-8")
    done = subprocess.run(
        [tool, "verify", "--man=no", str(unit)], capture_output=True, text=True, check=False
    )
    # verify only warns (exit 0) about unknown keys or bad values: demand silence too
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "" and done.stdout.strip() == ""


def test_systemd_analyze_catches_a_broken_unit(tmp_path: Path) -> None:
    """The check above can fail: a misspelt key and a missing program are reported."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze not installed (Debian package: systemd)")
    text = render_unit(UnitOptions(python="/nonexistent/python")).replace("Type=", "Typ=")
    unit = tmp_path / "broken.service"
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [tool, "verify", "--man=no", str(unit)], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "Typ" in done.stderr and "/nonexistent/python" in done.stderr


def test_unit_rules() -> None:
    text = render_unit()
    rules = parse_unit(text)
    assert rules.type == "notify" and rules.notify_access == "all"
    assert rules.restart == "on-failure"
    assert rules.watchdog_s == 30
    assert "WantedBy=graphical.target" in text
    assert rules.exec_start[1:3] == ["-m", "kiosk.deploy.launcher"]


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("success", False),
        ("clean-signal", False),
        ("exit-code", True),
        ("signal", True),
        ("watchdog", True),
        ("timeout", True),
    ],
)
def test_restart_on_failure_table(result: str, expected: bool) -> None:
    assert restarts("on-failure", result) is expected


# -- sd_notify -----------------------------------------------------------------------------


@pytest.fixture
def manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = tmp_path / "notify"
    sock.bind(str(path))
    sock.settimeout(10)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    try:
        yield sock
    finally:
        sock.close()


def test_notify_sends_the_fields(manager: socket.socket) -> None:
    assert sdnotify.notify("READY=1", "STATUS=up")
    assert manager.recv(4096) == b"READY=1\nSTATUS=up"


def test_notify_abstract_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(10)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert sdnotify.notify("WATCHDOG=1")
        assert sock.recv(100) == b"WATCHDOG=1"


def test_no_manager_no_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sdnotify.notify("READY=1") is False
    monkeypatch.setenv("NOTIFY_SOCKET", "/nonexistent/socket")
    assert sdnotify.notify("READY=1") is False  # logged, never raised


def test_watchdog_environment() -> None:
    pid = os.getpid()
    assert sdnotify.watchdog_usec({"WATCHDOG_USEC": "30000000"}) == 30_000_000
    assert sdnotify.watchdog_usec({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(pid)})
    assert sdnotify.watchdog_usec({"WATCHDOG_USEC": "3", "WATCHDOG_PID": str(pid + 1)}) is None
    assert sdnotify.watchdog_usec({"WATCHDOG_USEC": "0"}) is None
    assert sdnotify.watchdog_usec({"WATCHDOG_USEC": "x"}) is None
    assert sdnotify.watchdog_usec({}) is None


def test_watchdog_thread_pings_only_while_healthy(manager: socket.socket) -> None:
    healthy = [True]
    watchdog = sdnotify.Watchdog(timeout_s=0.2)
    watchdog.start(healthy=lambda: healthy[0])
    try:
        assert manager.recv(100) == b"WATCHDOG=1"
        healthy[0] = False
        pings = watchdog.pings
        manager.settimeout(0.5)  # two intervals and a half without a ping
        while True:
            try:
                manager.recv(100)
            except TimeoutError:
                break
        assert watchdog.pings <= pings + 1  # at most one already in flight
    finally:
        watchdog.stop()


def test_watchdog_from_environment_stays_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Qt holds a connected bound method weakly: the process's watchdog must not be collected
    when the caller keeps only ``watchdog.ping`` (kiosk run connects it to a QTimer)."""
    import gc
    import weakref

    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    watchdog = sdnotify.Watchdog.from_environment()
    assert watchdog is not None and watchdog.interval_s == 15
    alive = weakref.ref(watchdog)
    del watchdog
    gc.collect()
    assert alive() is not None
    assert sdnotify.Watchdog.from_environment() is alive()


def test_heartbeat() -> None:
    heart = sdnotify.Heartbeat(max_age_s=3600)
    assert heart()
    stale = sdnotify.Heartbeat(max_age_s=-1)
    assert not stale()


# -- the launcher --------------------------------------------------------------------------


def _fake_bin(folder: Path, *names: str) -> str:
    folder.mkdir(exist_ok=True)
    for name in names:
        program = folder / name
        program.write_text("#!/bin/sh\nexit 0\n")
        program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return str(folder)


def test_launcher_prefers_cage(tmp_path: Path) -> None:
    path = _fake_bin(tmp_path / "bin", "cage", "xinit")
    env = {"PATH": path, "WATCHDOG_PID": "1", "WATCHDOG_USEC": "30000000"}
    session = plan_launch("auto", "/etc/kiosk/facility.toml", environ=env)
    assert session.compositor == "cage"
    assert session.argv[1:3] == ["-d", "--"]
    assert session.argv[-4:] == ["run", "--fullscreen", "--settings", "/etc/kiosk/facility.toml"]
    assert session.env["QT_QPA_PLATFORM"] == "wayland"
    assert "WATCHDOG_PID" not in session.env and session.env["WATCHDOG_USEC"] == "30000000"


def test_launcher_falls_back_to_xinit(tmp_path: Path) -> None:
    path = _fake_bin(tmp_path / "bin", "xinit", "X")
    session = plan_launch("auto", None, environ={"PATH": path, "XDG_VTNR": "7"})
    assert session.compositor == "xinit"
    server = session.argv[session.argv.index("--") + 1 :]
    assert server[1:3] == [":0", "vt7"] and "-nocursor" in server
    assert session.env["QT_QPA_PLATFORM"] == "xcb"


def test_launcher_without_compositor_says_what_to_install(tmp_path: Path) -> None:
    path = _fake_bin(tmp_path / "bin")
    with pytest.raises(LauncherError, match="apt install cage"):
        plan_launch("auto", None, environ={"PATH": path})


# -- restarts under the unit's rules --------------------------------------------------------


def _supervisor(extra_env: dict[str, str] | None = None, **unit: int) -> Supervisor:
    options = UnitOptions(python=sys.executable, **unit)  # type: ignore[arg-type]
    rules = parse_unit(render_unit(options))
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    return Supervisor(rules, env=env, command=[sys.executable, "-c", FAKE_KIOSK])


def _ready_count(n: int) -> object:
    return lambda events: sum(1 for e in events if e.kind == "ready") >= n


def _kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events if e.kind not in ("watchdog", "status")]


def test_killed_kiosk_is_restarted() -> None:
    supervisor = _supervisor(watchdog_s=5, restart_s=0)
    supervisor.start()
    try:
        assert supervisor.wait_for(_ready_count(1), 30)
        first = supervisor.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert supervisor.wait_for(_ready_count(2), 30)
        assert supervisor.pid not in (None, first)
        kinds = _kinds(supervisor.events)
        assert kinds[:5] == ["started", "ready", "exited", "restarting", "started"]
        assert supervisor.events[[e.kind for e in supervisor.events].index("exited")].detail == (
            "signal SIGKILL"
        )
    finally:
        supervisor.stop()
    assert supervisor.events[-1].kind == "done"


def test_clean_stop_is_not_restarted() -> None:
    supervisor = _supervisor(watchdog_s=5, restart_s=0)
    supervisor.start()
    try:
        assert supervisor.wait_for(_ready_count(1), 30)
        pid = supervisor.pid
        assert pid is not None
        os.kill(pid, signal.SIGTERM)  # the kiosk exits 0 on SIGTERM
        assert supervisor.wait_for(lambda ev: ev[-1].kind == "done", 30)
        assert supervisor.count("started") == 1 and supervisor.count("restarting") == 0
    finally:
        supervisor.stop()


def test_hung_kiosk_is_killed_by_the_watchdog_and_restarted() -> None:
    supervisor = _supervisor({"FAKE_KIOSK_HANG": "1"}, watchdog_s=1, restart_s=0)
    supervisor.start()
    try:
        assert supervisor.wait_for(_ready_count(2), 30)
        kinds = _kinds(supervisor.events)
        assert kinds[:5] == ["started", "ready", "watchdog-timeout", "exited", "restarting"]
    finally:
        supervisor.stop()


def test_a_kiosk_that_keeps_failing_stops_at_the_start_limit() -> None:
    options = UnitOptions(python=sys.executable, restart_s=0, start_limit_burst=3)
    rules = parse_unit(render_unit(options))
    supervisor = Supervisor(rules, command=[sys.executable, "-c", "raise SystemExit(3)"])
    supervisor.run()  # returns by itself: gave up
    assert supervisor.count("started") == 3
    assert _kinds(supervisor.events)[-2:] == ["start-limit-hit", "done"]


def _real_kiosk(tmp_path: Path) -> tuple[dict[str, str], list[str]]:
    """The environment and command of `kiosk run --fullscreen` on offscreen Qt."""
    from kiosk.config import Settings, set_staff_password

    home = tmp_path / "home"
    home.mkdir()
    set_staff_password(Settings(staff_password_file=home / "staff-password"), "staff-pass-1")
    env = {
        **os.environ,
        "KIOSK_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    main = "import sys; from kiosk.cli import main; sys.exit(main())"
    return env, [sys.executable, "-c", main, "run", "--fullscreen", "--no-voice"]


@pytest.mark.slow
def test_real_kiosk_process_is_restarted_after_a_kill(tmp_path: Path) -> None:
    """The real `kiosk run --fullscreen` under the unit's Restart=on-failure (readiness not
    awaited here: see the next test for READY and the watchdog)."""
    pytest.importorskip("PySide6")
    env, command = _real_kiosk(tmp_path)
    rules = parse_unit(render_unit(UnitOptions(python=sys.executable, restart_s=0)))
    rules = dataclasses.replace(rules, type="simple", watchdog_s=None)
    supervisor = Supervisor(rules, env=env, command=command)
    supervisor.start()
    try:
        assert supervisor.wait_for(lambda ev: any(e.kind == "started" for e in ev), 60)
        first = supervisor.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert supervisor.wait_for(lambda ev: sum(e.kind == "started" for e in ev) >= 2, 60)
        assert supervisor.pid not in (None, first)
        exited = next(e for e in supervisor.events if e.kind == "exited")
        assert exited.detail == "signal SIGKILL"
    finally:
        supervisor.stop()
    assert supervisor.count("started") == 2  # stopped on purpose: not restarted again


@pytest.mark.slow
def test_real_kiosk_window_is_restarted_after_a_kill(tmp_path: Path) -> None:
    """`kiosk run --fullscreen` (offscreen Qt) under the unit's rules: READY, pings, kill -9,
    started again."""
    env, command = _real_kiosk(tmp_path)
    rules = parse_unit(render_unit(UnitOptions(python=sys.executable, watchdog_s=10, restart_s=0)))
    supervisor = Supervisor(rules, env=env, command=command)
    supervisor.start()
    try:
        assert supervisor.wait_for(_ready_count(1), 120), _kinds(supervisor.events)
        assert supervisor.wait_for(lambda ev: any(e.kind == "watchdog" for e in ev), 30)
        first = supervisor.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert supervisor.wait_for(_ready_count(2), 120), _kinds(supervisor.events)
        assert supervisor.pid != first
    finally:
        supervisor.stop()
