"""Kiosk start-up: the real ``kiosk run`` process to its first painted frame, and the CLI.

Each run starts ``kiosk run --fullscreen`` (kiosk mode, voice guidance on, the default
camera) as its own process with ``QT_QPA_PLATFORM=offscreen`` and
``KIOSK_ANNOUNCE_FIRST_PAINT=1``, which makes the window print ``first-paint <unix time>``
once its first paint (the start screen) is done. The time counts from just before the
process is spawned, so interpreter start-up, the CLI and every import count. The kiosk home
is a temporary folder prepared once with a staff password (kiosk mode refuses to start
without one); the first run pays for the simulated CA's files, the median does not.

The same start-up is then timed on a real X server — a fresh Xvfb (1280×800, no window
manager, as a bare kiosk session), Qt's xcb platform, the window covering the screen —
beside the offscreen figure (``x11_start_screen_ms``; left out, with the reason, when Xvfb
is not installed). Voice guidance is on in both: its speech engines are looked up and its
audio output opened as in a kiosk.

``version_ms`` times ``kiosk --version`` the same way (process start to exit): what every
command pays before it does anything.

Every run reads kiosk's modules from compiled bytecode, as an installed kiosk does (pip
compiles what it installs): modules whose bytecode is missing or older than their source are
compiled first, and ``bytecode`` says how many were (0 after ``make``). Without that, where
Python may not write its cache (``PYTHONDONTWRITEBYTECODE``, a read-only install), every
start compiles all of kiosk from source: about 0.2 s more on this 2-core machine.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from kiosk.config import Settings, set_staff_password
from kiosk.errors import KioskError

MAIN = "import sys; from kiosk.cli import main; sys.exit(main())"
"""What the ``kiosk`` console script runs."""
FIRST_PAINT_ENV = "KIOSK_ANNOUNCE_FIRST_PAINT"
MARKER = "first-paint"
"""The variable and the line of kiosk.ui.first_paint (not imported here: it needs Qt)."""
BENCH_PASSWORD = "bench-start-up-only"  # noqa: S105 - a throw-away home's staff password


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="start-ups to measure (median)")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds a start-up may take (60)"
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    runs = max(1, int(args.runs))
    bytecode = compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="kiosk-startup-") as folder:
        home = Path(folder)
        set_staff_password(
            replace(Settings(), staff_password_file=home / "staff-password"), BENCH_PASSWORD
        )
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            KIOSK_HOME=str(home),
            **{FIRST_PAINT_ENV: "1"},
        )
        env.pop("KIOSK_SETTINGS", None)
        env.pop("KIOSK_RECORDS", None)
        painted = [first_paint(env, args.timeout) for _ in range(runs)]
        version = [version_ms(env) for _ in range(runs)]
        on_x = x11_first_paints(env, runs, args.timeout)
    times = [t for t, _ in painted]
    result: dict[str, Any] = {
        "start_screen_ms": round(statistics.median(times), 1),
        "rss_mb": round(statistics.median(r for _, r in painted), 1),
        "version_ms": round(statistics.median(version), 1),
        "runs": runs,
        "start_screen_ms_each": [round(t, 1) for t in times],
        "version_ms_each": [round(t, 1) for t in version],
        "command": "kiosk run --fullscreen (offscreen, voice on, default camera)",
        "bytecode": bytecode,
    }
    if isinstance(on_x, str):
        result["x11_skipped"] = on_x
    else:
        x_times = [t for t, _ in on_x]
        result |= {
            "x11_start_screen_ms": round(statistics.median(x_times), 1),
            "x11_rss_mb": round(statistics.median(r for _, r in on_x), 1),
            "x11_start_screen_ms_each": [round(t, 1) for t in x_times],
            "x11_command": "kiosk run --fullscreen, Xvfb 1280x800 (xcb, voice on, default camera)",
        }
    return result


def x11_first_paints(
    env: dict[str, str], runs: int, timeout_s: float
) -> list[tuple[float, float]] | str:
    """The start-ups on a fresh Xvfb, or why they were not measured."""
    program = shutil.which("Xvfb")
    if program is None:
        return "Xvfb is not installed (apt install xvfb)"
    server, display = start_xvfb(program, 1280, 800)
    try:
        x_env = dict(env, QT_QPA_PLATFORM="xcb", DISPLAY=display)
        x_env.pop("WAYLAND_DISPLAY", None)
        return [first_paint(x_env, timeout_s) for _ in range(runs)]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def start_xvfb(program: str, width: int, height: int) -> tuple[subprocess.Popen[bytes], str]:
    """A fresh Xvfb on a display number it picks itself; (the process, ":N")."""
    read, write = os.pipe()
    server = subprocess.Popen(  # noqa: S603 - a fixed program
        [
            program,
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                break
            number += chunk
    if not number.strip():
        server.kill()
        server.wait(10)
        raise KioskError("Xvfb did not start (no display number)")
    return server, f":{number.decode().strip()}"


def first_paint(env: dict[str, str], timeout_s: float) -> tuple[float, float]:
    """One ``kiosk run``: ms from spawn to the first painted frame, and its RSS (MB) then."""
    argv = [sys.executable, "-c", MAIN, "run", "--fullscreen"]
    started = time.time()
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        painted_at = _marker(child, timeout_s)
        rss = _rss_mb(child.pid)
    finally:
        child.terminate()
        try:
            _, err = child.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            _, err = child.communicate()
    if painted_at is None:
        tail = " | ".join((err or "").strip().splitlines()[-3:])
        raise KioskError(
            f"kiosk run printed no first-paint marker within {timeout_s:g} s "
            f"(exit {child.returncode}): {tail}"
        )
    return (painted_at - started) * 1000.0, rss


def version_ms(env: dict[str, str]) -> float:
    """``kiosk --version``: ms from spawn to exit."""
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", MAIN, "--version"],
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return (time.perf_counter() - start) * 1000.0


def _marker(child: subprocess.Popen[str], timeout_s: float) -> float | None:
    """The time on the child's ``first-paint`` line, or None if it ended or never printed."""
    assert child.stdout is not None  # noqa: S101 - opened with stdout=PIPE above
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not selector.select(left):
                return None
            line = child.stdout.readline()
            if not line:
                return None
            word, _, value = line.strip().partition(" ")
            if word == MARKER:
                return float(value)
    return None


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def stale_modules(package: Path | None = None) -> list[Path]:
    """kiosk's modules whose compiled bytecode is missing or not of their current source."""
    root = package or Path(__file__).resolve().parents[1]
    return [path for path in sorted(root.rglob("*.py")) if not _bytecode_current(path)]


def _bytecode_current(source: Path) -> bool:
    try:
        st = source.stat()
        with open(importlib.util.cache_from_source(str(source)), "rb") as cached:
            header = cached.read(16)
    except OSError:
        return False
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(header[4:8], "little")
    if flags:  # hash-based bytecode: checked against the source by Python itself
        return True
    mtime = int.from_bytes(header[8:12], "little")
    size = int.from_bytes(header[12:16], "little")
    return mtime == int(st.st_mtime) & 0xFFFFFFFF and size == st.st_size & 0xFFFFFFFF


def compile_bytecode(package: Path | None = None) -> dict[str, Any]:
    """Compile kiosk's stale modules, as an install does; what was found and done."""
    root = package or Path(__file__).resolve().parents[1]
    stale = stale_modules(root)
    modules = sum(1 for _ in root.rglob("*.py"))
    if stale:
        compileall.compile_dir(root, quiet=2)
    left = len(stale_modules(root)) if stale else 0
    return {
        "modules": modules,
        "compiled_before_timing": len(stale) - left,
        "compiled_from_source_at_every_start": left,  # the package folder was not writable
    }
