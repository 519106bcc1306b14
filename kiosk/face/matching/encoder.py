"""Face encodings on the second core: a spawned child that turns aligned face chips into
encodings.

One encoding (dlib's ResNet on a 150x150 chip) costs about 60 ms of CPU and keeps Python's
GIL, so a thread cannot overlap it with detection. :class:`EncoderProcess` runs it in a child
process instead, while the verifier's own process detects, aligns and takes landmarks of the
next frames (see :class:`~kiosk.face.matching.verifier.DlibVerifier` with ``encoder=``). The child
is stateless: it answers each job (one or several chips: a live frame's, or the card photo's
views) with their encodings and keeps nothing (no chip, no encoding) once the answer is sent.
Only the aligned chips cross the pipe (66 KB each), never a frame; the child's encodings are
the same bit for bit as this process's.

One job at a time is in the child (a second one would block the sender until the child reads
it, as several chips are larger than the pipe's buffer). :func:`shared_encoder` is the process's one
child (started on first use, models loaded once, ended at exit); a verifier claims it for an
attempt and releases it after the verdict, so two verifiers never share it at once.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
import weakref
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from kiosk.face.matching.child import end_child, peak_rss_mb
from kiosk.face.matching.engine import load_engine
from kiosk.face.matching.models import face_model


def _serve(conn: Connection, model: str | None = None) -> None:
    """Child: load the models, say "ready", then answer describe jobs until "close" or EOF."""
    try:
        engine = load_engine(model)
    except Exception as exc:  # reported to the parent, which works alone
        conn.send(("failed", type(exc).__name__))
        conn.close()
        return
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        if request[0] != "describe":
            break
        _kind, job, chips = request
        del request
        try:
            reply: tuple[Any, ...] = ("done", job, engine.describe(chips))
        except Exception as exc:  # the parent redoes the job itself
            reply = ("error", job, type(exc).__name__)
        del chips
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            break
        del reply
    conn.close()


class EncoderProcess:
    """A child process computing face encodings, one job at a time (see the module docstring).

    ``send`` hands over a job when the child is ready and idle; ``receive`` takes its answer.
    Whenever the child is not there (still starting, failed, gone), ``send`` returns False and
    the caller encodes in its own process: the child only ever makes things faster.
    """

    def __init__(self, model: str | None = None) -> None:
        self.model = face_model(model).name
        self._pid = os.getpid()
        self._conn: Connection | None = None
        self._process: Any = None
        self._ready = False
        self._failed = False
        self.in_flight: int | None = None
        """The job id the child is working on, if any."""
        self._owner: weakref.ref[object] | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Spawn the child (non-blocking: it loads the models and then says it is ready)."""
        if self._process is not None or self._failed:
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self.model), name="kiosk-face-encoder", daemon=True
        )
        try:
            self._process.start()
        except OSError:
            self._process = None
            self._failed = True
            parent.close()
            return
        finally:
            child.close()
        self._conn = parent

    def peak_rss_mb(self) -> float | None:
        """The child's peak resident memory so far in MB (Linux /proc; None elsewhere)."""
        return None if self._process is None else peak_rss_mb(self._process.pid)

    @property
    def alive(self) -> bool:
        return self._process is not None and not self._failed

    def claim(self, owner: object) -> bool:
        """Reserve the child for ``owner`` (one attempt); False when someone else holds it. An
        owner that was dropped without releasing it loses it (its last answer is discarded)."""
        with self._lock:
            holder = None if self._owner is None else self._owner()
            if holder is not None and holder is not owner:
                return False
            if holder is None and self._owner is not None:
                self.drain()
            self._owner = weakref.ref(owner)
        self.start()
        return True

    def release(self, owner: object) -> None:
        """Give the child back (after draining any job still in it)."""
        self.drain()
        with self._lock:
            if self._owner is not None and self._owner() is owner:
                self._owner = None

    def ready(self) -> bool:
        """True when the child has its models and no job: ``send`` will hand a job over."""
        if self._conn is None or self._failed or self.in_flight is not None:
            return False
        if not self._ready:
            try:
                if self._conn.poll(0):
                    hello = self._conn.recv()
                    self._ready = hello[0] == "ready"
                    if not self._ready:
                        self._stop()
            except (EOFError, OSError):
                self._stop()
        return self._ready

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Start the child if needed and wait until it has its models (False: it cannot)."""
        self.start()
        if self._conn is None:
            return False
        deadline = time.monotonic() + timeout
        while not self.ready():
            left = deadline - time.monotonic()
            if self._failed or self._conn is None or self.in_flight is not None or left <= 0:
                return self.ready()
            try:
                self._conn.poll(min(left, 1.0))
            except (EOFError, OSError):
                self._stop()
        return True

    def send(self, job: int, chips: list[np.ndarray]) -> bool:
        """Give the child aligned chips to encode; False when it cannot take them now."""
        if not self.ready() or self._conn is None:
            return False
        try:
            self._conn.send(("describe", job, chips))
        except (BrokenPipeError, OSError):
            self._stop()
            return False
        self.in_flight = job
        return True

    def receive(self, timeout: float | None = 0.0) -> tuple[int, list[np.ndarray] | None] | None:
        """The in-flight job's (id, encodings) once answered within ``timeout`` s, else None.

        The encodings are None when the child failed or went away: the caller redoes the job.
        """
        if self.in_flight is None or self._conn is None:
            return None
        job = self.in_flight
        try:
            if not self._conn.poll(timeout):
                return None
            reply = self._conn.recv()
        except (EOFError, OSError):
            self._stop()
            return job, None
        self.in_flight = None
        if reply[0] != "done" or reply[1] != job:
            return job, None
        encodings: list[np.ndarray] = reply[2]
        return job, encodings

    def drain(self, timeout: float = 30.0) -> None:
        """Wait for (and drop) the answer of a job still in the child."""
        if self.in_flight is not None and self.receive(timeout) is None:
            self._stop()  # no answer in time: the child is stuck; end it
        self.in_flight = None

    def _stop(self) -> None:
        self._failed = True
        self._ready = False
        self.in_flight = None
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(5.0)
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """End the child (any job in it is dropped); a no-op in a forked copy of the owner."""
        if self._process is None or os.getpid() != self._pid:
            return
        end_child(self._process, self._conn)
        self._process = None
        self._conn = None
        self._ready = False
        self.in_flight = None
        self._owner = None


_shared: dict[str, tuple[int, EncoderProcess]] = {}
_shared_lock = threading.Lock()


def shared_encoder(model: str | None = None) -> EncoderProcess:
    """This process's encoder child for ``model`` (one per process and model; after a fork, a
    new one for the child)."""
    name = face_model(model).name
    with _shared_lock:
        held = _shared.get(name)
        if held is None or held[0] != os.getpid():
            encoder = EncoderProcess(name)
            _shared[name] = (os.getpid(), encoder)
            atexit.register(encoder.close)
        return _shared[name][1]
