"""A kiosk without a window: its flow on one thread of its own, reached as a
:class:`~kiosk.station.kiosk_link.FlowDoor` (the station's requests) and by ``call`` (a
patient's actions in tests and benchmarks). Every flow call happens on that thread, in order,
as in the window's worker."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from kiosk.errors import KioskError
from kiosk.reception import Reception

log = logging.getLogger(__name__)

T = TypeVar("T")


class FlowThread:
    """One flow's thread: ``post`` work, ``call`` and wait for its result."""

    def __init__(self, flow: Reception, name: str = "kiosk-flow") -> None:
        self.flow = flow
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

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

    def post(self, work: Callable[[], None]) -> None:
        self._queue.put(work)

    def call(self, work: Callable[[], T], timeout_s: float = 60.0) -> T:
        """Run ``work`` on the flow's thread and return its result (or raise its error)."""
        done: Future[T] = Future()

        def run() -> None:
            try:
                done.set_result(work())
            except BaseException as exc:
                done.set_exception(exc)

        self.post(run)
        return done.result(timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout_s)

    # -- FlowDoor ----------------------------------------------------------------------------

    def run(self, job: Callable[[], None]) -> None:
        self.post(job)

    def confirm(self, ok: bool, staff_id: str) -> None:
        def send() -> None:
            self.flow.staff_confirm(ok, staff_id)

        self.post(send)

    def mode(self, visual: bool, credential: str, staff_id: str) -> None:
        def send() -> None:
            self.flow.staff_mode(visual, credential, staff_id)

        self.post(send)
