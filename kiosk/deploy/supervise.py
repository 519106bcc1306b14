"""A small supervisor applying a systemd unit's service rules, without systemd.

It reads ``Type=``, ``NotifyAccess=``, ``ExecStart=``, ``Restart=``, ``RestartSec=``,
``WatchdogSec=``, ``TimeoutStartSec=``, ``StartLimitBurst=`` and ``StartLimitIntervalSec=``
from the unit text and behaves as systemd documents them (systemd.service(5)):

- ``Type=notify``: the service is up when it sends ``READY=1`` on ``NOTIFY_SOCKET``; no
  READY within TimeoutStartSec is a failure ("timeout", the process is terminated);
- the watchdog is armed at READY; no ``WATCHDOG=1`` for WatchdogSec: SIGABRT, "watchdog";
- ``Restart=on-failure`` restarts after a non-zero exit, a signal other than SIGHUP, SIGINT,
  SIGTERM or SIGPIPE, a timeout or the watchdog; ``always`` after anything, ``on-abnormal``
  after a signal, timeout or watchdog, ``on-watchdog`` / ``on-abort`` after those alone;
- more than StartLimitBurst starts within StartLimitIntervalSec: give up ("start-limit-hit").

Senders are checked with SO_PASSCRED (``NotifyAccess=main``: only the main process;
``all``: any). Every step is an :class:`Event`; :meth:`Supervisor.wait_for` waits on them.
Used by the tests (kill the kiosk, see it restarted) and where systemd is absent.
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CLEAN_SIGNALS = frozenset({signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE})


@dataclass(frozen=True)
class ServiceRules:
    exec_start: list[str]
    type: str = "simple"
    notify_access: str = "none"
    restart: str = "no"
    restart_s: float = 0.1
    watchdog_s: float | None = None
    timeout_start_s: float = 90.0
    start_limit_burst: int = 5
    start_limit_interval_s: float = 10.0


def _seconds(value: str) -> float:
    """systemd time spans: ``30``, ``30s``, ``500ms``, ``2min``, ``1min 30s``."""
    units = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0}
    total = 0.0
    for part in value.split():
        number = part.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = part[len(number) :] or "s"
        total += float(number) * units[unit]
    return total


def parse_unit(text: str) -> ServiceRules:
    """The service rules of a unit file's text (unknown keys are ignored)."""
    values: dict[str, str] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        values[f"{section}.{key.strip()}"] = value.strip()
    command = values.get("Service.ExecStart")
    if not command:
        raise ValueError("the unit has no ExecStart=")
    watchdog = values.get("Service.WatchdogSec")
    return ServiceRules(
        exec_start=shlex.split(command.lstrip("-@:+!")),
        type=values.get("Service.Type", "simple"),
        notify_access=values.get(
            "Service.NotifyAccess", "main" if values.get("Service.Type") == "notify" else "none"
        ),
        restart=values.get("Service.Restart", "no"),
        restart_s=_seconds(values.get("Service.RestartSec", "100ms")),
        watchdog_s=_seconds(watchdog) if watchdog and _seconds(watchdog) > 0 else None,
        timeout_start_s=_seconds(values.get("Service.TimeoutStartSec", "90")),
        start_limit_burst=int(values.get("Unit.StartLimitBurst", "5")),
        start_limit_interval_s=_seconds(values.get("Unit.StartLimitIntervalSec", "10")),
    )


def restarts(rule: str, result: str) -> bool:
    """Whether ``Restart=rule`` restarts after ``result`` (success, exit-code, signal,
    clean-signal, timeout, watchdog)."""
    table = {
        "no": set(),
        "always": {"success", "exit-code", "signal", "clean-signal", "timeout", "watchdog"},
        "on-success": {"success", "clean-signal"},
        "on-failure": {"exit-code", "signal", "timeout", "watchdog"},
        "on-abnormal": {"signal", "timeout", "watchdog"},
        "on-abort": {"signal"},
        "on-watchdog": {"watchdog"},
    }
    if rule not in table:
        raise ValueError(f"unknown Restart={rule}")
    return result in table[rule]


@dataclass(frozen=True)
class Event:
    kind: str  # started, ready, watchdog, status, exited, timeout, watchdog-timeout,
    #            restarting, start-limit-hit, done
    pid: int = 0
    detail: str = ""
    at: float = field(default_factory=time.monotonic)


class Supervisor:
    """Runs the unit's ExecStart (or ``command``) under its rules until :meth:`stop`."""

    def __init__(
        self,
        rules: ServiceRules,
        *,
        env: Mapping[str, str] | None = None,
        command: list[str] | None = None,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        self.rules = rules
        self.command = command or rules.exec_start
        self.env = dict(os.environ if env is None else env)
        self.events: list[Event] = []
        self.on_event = on_event
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None

    # -- events ----------------------------------------------------------------------------

    def _emit(self, kind: str, pid: int = 0, detail: str = "") -> None:
        event = Event(kind, pid, detail)
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()
        if self.on_event is not None:
            self.on_event(event)

    def wait_for(self, predicate: Callable[[list[Event]], bool], timeout_s: float) -> bool:
        """Wait until ``predicate(events)`` holds (True) or ``timeout_s`` passes (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self.events), timeout_s)

    def count(self, kind: str) -> int:
        with self._changed:
            return sum(1 for e in self.events if e.kind == kind)

    @property
    def pid(self) -> int | None:
        process = self._process
        return None if process is None or process.poll() is not None else process.pid

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        """Supervise in a background thread."""
        self._thread = threading.Thread(target=self.run, name="supervisor", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the service (SIGTERM, then SIGKILL after ``timeout_s``) and the supervision."""
        self._stopping.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive() and process is not None:
                process.kill()
                self._thread.join(timeout_s)

    def run(self) -> None:
        starts: list[float] = []
        with tempfile.TemporaryDirectory(prefix="kiosk-notify-") as folder:
            path = str(Path(folder) / "notify")
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.bind(path)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
                while not self._stopping.is_set():
                    now = time.monotonic()
                    starts = [t for t in starts if now - t < self.rules.start_limit_interval_s]
                    if len(starts) >= self.rules.start_limit_burst:
                        self._emit("start-limit-hit", detail=f"{len(starts)} starts")
                        break
                    starts.append(now)
                    result = self._run_once(sock, path)
                    if self._stopping.is_set() or not restarts(self.rules.restart, result):
                        break
                    self._emit("restarting", detail=result)
                    if self._stopping.wait(self.rules.restart_s):
                        break
        self._emit("done")

    def _run_once(self, sock: socket.socket, path: str) -> str:
        env = dict(self.env)
        if self.rules.type == "notify" or self.rules.notify_access != "none":
            env["NOTIFY_SOCKET"] = path
        if self.rules.watchdog_s:
            env["WATCHDOG_USEC"] = str(int(self.rules.watchdog_s * 1_000_000))
        env.pop("WATCHDOG_PID", None)
        process = subprocess.Popen(self.command, env=env)  # noqa: S603 - the unit's command
        self._process = process
        self._emit("started", process.pid)
        ready = self.rules.type != "notify"
        started = time.monotonic()
        last_ping = started
        result: str | None = None
        while result is None:
            code = process.poll()
            if code is not None:
                return self._exited(process.pid, code)
            now = time.monotonic()
            if not ready and now - started > self.rules.timeout_start_s:
                process.terminate()
                result = "timeout"
                self._emit("timeout", process.pid)
                break
            if ready and self.rules.watchdog_s and now - last_ping > self.rules.watchdog_s:
                process.send_signal(signal.SIGABRT)
                result = "watchdog"
                self._emit("watchdog-timeout", process.pid)
                break
            readable, _, _ = select.select([sock], [], [], 0.05)
            if not readable:
                continue
            message, sender = self._receive(sock)
            if not self._accepted(sender, process.pid):
                continue
            for line in message.splitlines():
                if line == "READY=1" and not ready:
                    ready = True
                    last_ping = time.monotonic()
                    self._emit("ready", process.pid)
                elif line == "WATCHDOG=1":
                    last_ping = time.monotonic()
                    self._emit("watchdog", process.pid)
                elif line.startswith("STATUS="):
                    self._emit("status", process.pid, line[7:])
        try:
            code = process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        self._emit("exited", process.pid, _describe(code))
        return result

    def _exited(self, pid: int, code: int) -> str:
        self._emit("exited", pid, _describe(code))
        if code == 0:
            return "success"
        if code < 0:
            return "clean-signal" if -code in CLEAN_SIGNALS else "signal"
        return "exit-code"

    def _accepted(self, sender: int | None, main_pid: int) -> bool:
        access = self.rules.notify_access
        if access == "all":
            return True
        if access in ("main", "exec"):
            return sender == main_pid
        return False

    @staticmethod
    def _receive(sock: socket.socket) -> tuple[str, int | None]:
        size = struct.calcsize("3i")
        data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(size))
        sender = None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                sender = struct.unpack("3i", payload[:size])[0]
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8"), sender
        return "", sender


def _describe(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-code).name}"
        return f"signal {-code}"
    return f"exit code {code}"
