"""The encodings one attempt waits for, shared between this process and the encoder child.

With an :class:`~kiosk.face.matching.encoder.EncoderProcess`, the verifier does not encode a frame
when it decides to: it queues the frame's aligned chip here and goes on detecting the next frames,
while the child encodes the card photo's views first and then the queued chips, one job at a
time. When the verifier has nothing else to do (liveness shown, enough frames queued),
:meth:`PendingEncodings.settle` encodes queued jobs in this process too, so both cores work,
and waits for the child's last answer. Live encodings are handed to the verifier (with their
weights) once the card's encoding is known, in the order the frames came.

Nothing outlives :meth:`PendingEncodings.forget`: the queued chips, the card encoding and the
live encodings waiting for it are dropped, and a job still in the child is waited for and its
answer dropped. Work and results are the same as encoding each frame at once; only the order
in time differs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from kiosk.face.matching.encoder import EncoderProcess
from kiosk.face.matching.engine import FaceEngine
from kiosk.face.matching.template import mean_encoding

CHILD_TIMEOUT_S = 30.0
"""Longest wait for one answer of the child before it is ended and the job redone here."""

Encoded = tuple[np.ndarray, float]
"""A live frame's encoding and its weight in the fusion."""


@dataclass
class _Job:
    id: int
    chips: list[np.ndarray]
    weight: float
    card: bool


class PendingEncodings:
    """Encoding jobs of one attempt: the card photo's, then live frames' (see module docstring)."""

    def __init__(self, engine: FaceEngine, encoder: EncoderProcess) -> None:
        self._engine = engine
        self._encoder = encoder
        self._queue: deque[_Job] = deque()
        self._sent: _Job | None = None
        self._card: np.ndarray | None = None
        self._card_due = False
        self._early: list[Encoded] = []
        self._next_id = 0

    @classmethod
    def open(cls, engine: FaceEngine, encoder: EncoderProcess) -> PendingEncodings | None:
        """Jobs for one attempt over ``encoder``; None when another attempt holds the child or
        the child runs another model."""
        if encoder.model != engine.model.name:
            return None
        jobs = cls(engine, encoder)
        return jobs if encoder.claim(jobs) else None

    # -- what is pending -----------------------------------------------------------------------

    @property
    def card_due(self) -> bool:
        """True from :meth:`add_card` until :meth:`forget` (the card encoding is or will be)."""
        return self._card_due

    @property
    def card(self) -> np.ndarray | None:
        """The card photo's encoding once known."""
        return self._card

    @property
    def live(self) -> int:
        """Live frames queued, in the child or encoded but not yet handed over."""
        queued = sum(1 for job in self._queue if not job.card)
        sent = 1 if self._sent is not None and not self._sent.card else 0
        return queued + sent + len(self._early)

    # -- adding jobs -----------------------------------------------------------------------------

    def add_card(self, views: list[np.ndarray]) -> None:
        """The chip photo's aligned views: encoded (and averaged) before any frame."""
        self._card_due = True
        self._queue.appendleft(_Job(self._new_id(), views, 1.0, card=True))
        self._feed()

    def add_frame(self, chip: np.ndarray, weight: float) -> None:
        """A live frame's aligned chip (quality passed) and its weight in the fusion."""
        self._queue.append(_Job(self._new_id(), [chip], weight, card=False))
        self._feed()

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- doing jobs ------------------------------------------------------------------------------

    def step(self) -> list[Encoded]:
        """Without blocking: take the child's answer, give it the next job; the live encodings
        ready now. Without a working child every job is done here at once."""
        ready = self._take(0.0)
        self._feed()
        if not self._encoder.alive:
            while self._queue:
                ready += self._run_here(self._queue.popleft())
        return ready

    def settle(self) -> list[Encoded]:
        """Block until at least one more live encoding is ready (or nothing is pending): keep
        the child busy and encode queued jobs here meanwhile."""
        ready: list[Encoded] = []
        while not ready and (self._queue or self._sent is not None):
            ready += self._take(0.0)
            self._feed()
            if ready:
                break
            if self._queue:
                ready += self._run_here(self._queue.popleft())
            elif self._sent is not None:
                ready += self._take(CHILD_TIMEOUT_S)
        return ready

    def _feed(self) -> None:
        if self._sent is None and self._queue and self._encoder.ready():
            job = self._queue[0]
            if self._encoder.send(job.id, job.chips):
                self._sent = self._queue.popleft()

    def _take(self, timeout: float) -> list[Encoded]:
        job = self._sent
        if job is None:
            return []
        answer = self._encoder.receive(timeout)
        if answer is None:
            if timeout > 0:  # no answer in time: end the child, redo the job here
                self._encoder.drain(0.0)
                self._sent = None
                return self._run_here(job)
            return []
        self._sent = None
        _job_id, encodings = answer
        if encodings is None:  # the child failed or went away: redo the job here
            return self._run_here(job)
        return self._done(job, encodings)

    def _run_here(self, job: _Job) -> list[Encoded]:
        return self._done(job, self._engine.describe(job.chips))

    def _done(self, job: _Job, encodings: list[np.ndarray]) -> list[Encoded]:
        job.chips = []
        if job.card:
            self._card = mean_encoding(encodings)
            early, self._early = self._early, []
            return early
        if self._card is None:
            self._early.append((encodings[0], job.weight))
            return []
        return [(encodings[0], job.weight)]

    def forget(self) -> None:
        """Drop every job, encoding and chip; wait for and drop the child's pending answer."""
        self._queue.clear()
        self._early.clear()
        self._card = None
        self._card_due = False
        self._sent = None
        self._encoder.release(self)
