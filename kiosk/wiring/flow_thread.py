"""The one thread a kiosk's flow runs on: every call to the flow — card I/O, face attempts,
database writes — is posted here and runs in order, for the window (kiosk.ui.bridge) as for a
kiosk without one (kiosk.station.headless).

It is a Python thread, not a QThread: dlib's pybind11 bindings take the GIL with their own
thread state, which deadlocks (now and then) on a thread Python did not create.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from kiosk.errors import KioskError

log = logging.getLogger(__name__)

T = TypeVar("T")


class WorkThread:
    """``post`` work, or ``call`` it and wait for its result; ``stop`` finishes what was
    posted, then ends the thread. A failing piece of work is logged and never ends it."""

    def __init__(self, name: str = "kiosk-flow") -> None:
        self.name = name
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def post(self, work: Callable[[], None]) -> None:
        self._queue.put(work)

    def call(self, work: Callable[[], T], timeout_s: float = 60.0) -> T:
        """Run ``work`` on the thread and return its result (or raise its error)."""
        done: Future[T] = Future()

        def run() -> None:
            try:
                done.set_result(work())
            except BaseException as exc:
                done.set_exception(exc)

        self.post(run)
        return done.result(timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout_s)
            self._thread = None

    def _loop(self) -> None:
        while True:
            work = self._queue.get()
            if work is None:
                return
            try:
                work()
            except KioskError as exc:  # a refused event: the flow stays as it was
                log.info("flow call refused: %s", type(exc).__name__)
            except Exception:  # never end the kiosk's only flow thread
                log.exception("flow call failed")
