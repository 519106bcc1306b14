"""The sd_notify protocol in pure Python: readiness, status and watchdog pings to systemd.

systemd passes ``NOTIFY_SOCKET`` (a datagram socket path; ``@name`` is Linux's abstract
namespace) to a ``Type=notify`` service, and ``WATCHDOG_USEC`` (+ ``WATCHDOG_PID``) when the
unit has ``WatchdogSec=``. Without them (a terminal, the tests) every call here does nothing.

In the kiosk::

    from kiosk.deploy.sdnotify import notify, Watchdog
    watchdog = Watchdog.from_environment()      # None when systemd wants no pings
    notify("READY=1")                           # the window is up, the reader opened
    # Qt: a QTimer on the GUI thread every watchdog.interval_s calls watchdog.ping(), so a
    # frozen event loop stops the pings and systemd restarts the kiosk;
    # headless: watchdog.start(healthy=lambda: ...) pings from a thread while healthy() holds.
    notify("STOPPING=1")                        # on the way out

Nothing here imports a third-party module or has side effects at import time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def _address(path: str) -> str:
    return "\0" + path[1:] if path.startswith("@") else path


def notify(*fields: str, unset_environment: bool = False) -> bool:
    """Send ``fields`` (``"READY=1"``, ``"STATUS=…"``, ``"WATCHDOG=1"``, ``"STOPPING=1"``) to
    the service manager. Returns True when a message was sent, False when there is no manager
    (``NOTIFY_SOCKET`` unset) or it could not be reached (logged, never raised)."""
    path = os.environ.get("NOTIFY_SOCKET")
    if unset_environment:
        os.environ.pop("NOTIFY_SOCKET", None)
    if not path or not fields:
        return False
    if not path.startswith(("/", "@")):
        log.warning("NOTIFY_SOCKET is neither a path nor an abstract socket; not notifying")
        return False
    message = "\n".join(fields).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(_address(path))
            sock.sendall(message)
    except OSError as exc:
        log.warning("cannot notify the service manager: %s", exc)
        return False
    return True


def watchdog_usec(environ: dict[str, str] | None = None, pid: int | None = None) -> int | None:
    """The watchdog timeout systemd asks this process to honour (µs), or None.

    As libsystemd's ``sd_watchdog_enabled``: ``WATCHDOG_USEC`` must be a positive integer and
    ``WATCHDOG_PID``, when set, must be this process."""
    env = os.environ if environ is None else environ
    raw = env.get("WATCHDOG_USEC")
    if not raw:
        return None
    try:
        usec = int(raw)
    except ValueError:
        return None
    if usec <= 0:
        return None
    owner = env.get("WATCHDOG_PID")
    if owner:
        try:
            if int(owner) != (os.getpid() if pid is None else pid):
                return None
        except ValueError:
            return None
    return usec


_PROCESS_WATCHDOGS: list[Watchdog] = []


class Watchdog:
    """Pings ``WATCHDOG=1`` at half the timeout systemd set (``interval_s``)."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.interval_s = timeout_s / 2.0
        self.pings = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_environment(cls) -> Watchdog | None:
        """The process's watchdog when systemd wants pings from it, else None.

        The same object every call, and kept alive here: Qt (PySide6) holds a connected bound
        method such as ``timer.timeout.connect(watchdog.ping)`` only weakly, so a watchdog
        that nothing else references would be collected and the pings would stop.
        """
        usec = watchdog_usec()
        if usec is None:
            return None
        for watchdog in _PROCESS_WATCHDOGS:
            if watchdog.timeout_s == usec / 1_000_000:
                return watchdog
        watchdog = cls(usec / 1_000_000)
        _PROCESS_WATCHDOGS.append(watchdog)
        return watchdog

    def ping(self) -> bool:
        """One ping; call it from the loop whose liveness it vouches for."""
        sent = notify("WATCHDOG=1")
        if sent:
            self.pings += 1
        return sent

    def start(self, healthy: Callable[[], bool] = lambda: True) -> None:
        """Ping from a daemon thread every ``interval_s`` while ``healthy()`` is True (the
        headless runner: pass a check that its loop made progress)."""
        if self._thread is not None:
            return
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(self.interval_s):
                try:
                    ok = healthy()
                except Exception:  # a failing health check means unhealthy
                    ok = False
                if ok:
                    self.ping()
                else:
                    log.warning("kiosk unhealthy: watchdog ping withheld")

        self._thread = threading.Thread(target=run, name="sd-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(1.0, self.interval_s))
            self._thread = None


class Heartbeat:
    """A health check for :meth:`Watchdog.start`: healthy while ``beat()`` was called within
    ``max_age_s`` seconds (monotonic). Call ``beat()`` from the loop that must stay alive."""

    def __init__(self, max_age_s: float) -> None:
        self.max_age_s = max_age_s
        self._last = time.monotonic()

    def beat(self) -> None:
        self._last = time.monotonic()

    def __call__(self) -> bool:
        return time.monotonic() - self._last <= self.max_age_s
