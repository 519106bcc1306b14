"""The verifier in a child process, so the preview and the UI keep their frame rate.

dlib keeps Python's GIL while it detects and encodes (about 20 + 65 ms a frame here), so a
verifier in a thread of the UI process freezes every other Python thread for that long. The
:class:`VerifierProcess` runs a :class:`~kiosk.face.matching.verifier.DlibVerifier` in a spawned
child: ``prepare`` and ``check`` block the calling thread only (the child holds the models);
``submit`` / ``result`` let a preview loop hand over the newest frame whenever the child is free and
keep showing frames meanwhile. Frames travel through a pipe and are not kept by either side after
their result; ``forget()`` drops the card encoding in the child; ``close()`` ends the child.
Errors in the child come back as the same FaceError subclass with the same (image-free) text.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

import numpy as np

from kiosk.face import errors
from kiosk.face.errors import FaceError, VerifierStateError
from kiosk.face.matching.child import end_child, peak_rss_mb
from kiosk.face.matching.results import FrameResult
from kiosk.face.matching.verifier import DlibVerifier, VerifierPolicy


def _serve(conn: Connection, policy: VerifierPolicy) -> None:
    """Child process: answer prepare / frame / forget requests until "close" or EOF."""
    verifier = DlibVerifier(policy)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        kind = request[0]
        try:
            if kind == "close":
                break
            if kind == "prepare":
                verifier.prepare(request[1])
                reply: Any = ("ok", None)
            elif kind == "frame":
                reply = ("ok", verifier.check(request[1], request[2]))
            elif kind == "forget":
                verifier.forget()
                reply = ("ok", None)
            else:
                reply = ("error", "FaceError", f"unknown request {kind!r}")
        except FaceError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # the child must answer; no image data is in the text
            reply = ("error", "FaceError", f"face verifier failed: {type(exc).__name__}")
        del request
        conn.send(reply)
        del reply
    verifier.forget()
    conn.close()


class VerifierProcess:
    """A :class:`~kiosk.face.matching.verifier.FaceVerifier` whose work runs in a child process."""

    def __init__(self, policy: VerifierPolicy | None = None) -> None:
        self.policy = policy or VerifierPolicy()
        self._conn: Connection | None = None
        self._process: Any = None
        self._in_flight = False
        self._ready = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Spawn the child (models load there on the first ``prepare``)."""
        if self._process is not None:
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self.policy), name="kiosk-face", daemon=True
        )
        self._process.start()
        child.close()
        self._conn = parent

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def busy(self) -> bool:
        """True while a submitted frame has no result yet."""
        return self._in_flight

    def _pipe(self) -> Connection:
        if self._conn is None:
            raise FaceError("the face verifier process is not running")
        return self._conn

    def _call(self, request: tuple[Any, ...], timeout: float) -> Any:
        with self._lock:
            if self._in_flight:
                self._wait(timeout)
            self._send(request)
            return self._wait(timeout)

    def _send(self, request: tuple[Any, ...]) -> None:
        self.start()
        try:
            self._pipe().send(request)
        except (BrokenPipeError, OSError):
            raise FaceError(
                "the face verifier process has stopped; start the check again"
            ) from None
        self._in_flight = True

    def _wait(self, timeout: float | None) -> Any:
        conn = self._pipe()
        try:
            if not conn.poll(timeout):
                raise FaceError("the face verifier did not answer in time")
            reply = conn.recv()
        except (EOFError, OSError):
            self._in_flight = False
            raise FaceError(
                "the face verifier process has stopped; start the check again"
            ) from None
        self._in_flight = False
        if reply[0] == "error":
            kind = getattr(errors, reply[1], FaceError)
            raise kind(reply[2])
        return reply[1]

    def prepare(self, card_photo: bytes, timeout: float = 60.0) -> None:
        """Encode the card photo in the child (blocking; the first call loads the models)."""
        self._ready = False
        self._call(("prepare", card_photo), timeout)
        self._ready = True

    def check(self, frame: np.ndarray, now: float | None = None) -> FrameResult:
        """Process one frame in the child and wait for its result."""
        if not self._ready:
            raise VerifierStateError("prepare(card_photo) must succeed before frames are checked")
        result: FrameResult = self._call(("frame", frame, now), 30.0)
        if result.verdict.final:
            self._ready = False
        return result

    def submit(self, frame: np.ndarray, now: float | None = None) -> bool:
        """Hand a frame to the child without waiting; False (frame skipped) while it is busy."""
        if not self._ready:
            raise VerifierStateError("prepare(card_photo) must succeed before frames are checked")
        with self._lock:
            if self._in_flight:
                return False
            self._send(("frame", frame, now))
            return True

    def result(self, timeout: float | None = 0.0) -> FrameResult | None:
        """The submitted frame's result if it is there within ``timeout`` s, else None."""
        with self._lock:
            if not self._in_flight:
                return None
            if not self._pipe().poll(timeout):
                return None
            result: FrameResult = self._wait(0)
        if result.verdict.final:
            self._ready = False
        return result

    def peak_rss_mb(self) -> float | None:
        """The child's peak resident memory so far in MB (Linux /proc; None elsewhere)."""
        if self._process is None:
            return None
        return peak_rss_mb(self._process.pid)

    def forget(self) -> None:
        """Drop the card encoding and all frame-derived data in the child."""
        self._ready = False
        if self._process is not None and self._process.is_alive():
            self._call(("forget",), 30.0)

    def close(self) -> None:
        """Forget, then end the child process."""
        if self._process is None:
            return
        with self._lock:
            end_child(self._process, self._conn)
        self._process = None
        self._conn = None
        self._ready = False
        self._in_flight = False

    def __enter__(self) -> VerifierProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
