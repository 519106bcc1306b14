"""What a fuzz target is, and the guard every example runs under.

A :class:`Target` names an input kind, its Hypothesis strategy and ``feed(value, work)``, which
gives one input to the kiosk inside the scratch folder ``work``. :func:`guarded` runs ``feed``
with a time limit (SIGALRM on the main thread: a hang becomes :class:`Hang`) and a memory
bound (Python allocations traced by tracemalloc: :class:`TooMuchMemory`); a
:class:`~kiosk.errors.KioskError` is the kiosk refusing the input, which is fine; anything
else escapes and is a failure.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis.strategies import SearchStrategy

from kiosk.errors import KioskError
from kiosk.fuzz.known import known

HANG_S = 60.0
MEMORY_MB = 256.0


class FuzzFailure(AssertionError):
    """The kiosk broke its contract on an input (other than by raising an exception)."""


class Hang(FuzzFailure):
    """An input kept the kiosk busy past the time limit."""


class TooMuchMemory(FuzzFailure):
    """An input made the kiosk allocate more than the memory bound."""


class Answer(Enum):
    """How the kiosk took one input."""

    ACCEPTED = "accepted"  # used it
    REFUSED = "refused"  # a KioskError: the one-line message a user would see
    KNOWN = "known"  # a failure listed in kiosk.fuzz.known (tolerated unless strict)


@dataclass(frozen=True)
class Target:
    """One kind of input: ``inputs`` makes them, ``feed(value, work)`` gives one to the kiosk.

    ``encode`` turns an input into the bytes saved as its reproducer (``suffix``: the file
    name's ending) and ``decode`` back; ``examples`` is how many a CI run tries.
    """

    name: str
    summary: str
    inputs: SearchStrategy[Any]
    feed: Callable[[Any, Path], None]
    suffix: str
    encode: Callable[[Any], bytes] = lambda text: str(text).encode("utf-8")  # text inputs
    decode: Callable[[bytes], Any] = lambda data: data.decode("utf-8")
    examples: int = 150
    hang_s: float = HANG_S
    memory_mb: float = MEMORY_MB


def guarded(target: Target, value: Any, work: Path, *, strict: bool = False) -> Answer:
    """Feed ``value`` under the time limit and the memory bound; KioskError is a refusal.

    A failure listed in :mod:`kiosk.fuzz.known` is :attr:`Answer.KNOWN` unless ``strict``."""
    with _time_limit(target.hang_s), _memory_bound(target.memory_mb):
        try:
            target.feed(value, work)
        except KioskError:
            return Answer.REFUSED
        except Exception as exc:
            if strict or known(target.name, exc) is None:
                raise
            return Answer.KNOWN
    return Answer.ACCEPTED


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` inside the work when it runs past ``seconds`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"still busy after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_bound(megabytes: float) -> Iterator[None]:
    """Raise :class:`TooMuchMemory` when the work's peak Python allocations pass the bound."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
        used_mb = (peak - before) / 1e6
        if used_mb > megabytes:
            raise TooMuchMemory(f"allocated {used_mb:.0f} MB (bound {megabytes:g} MB)")
    finally:
        if started:
            tracemalloc.stop()
