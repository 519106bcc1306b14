"""A scripted :class:`~kiosk.face.matching.verifier.FaceVerifier` for headless scenarios and tests.

It needs no model, camera or image: each ``check`` returns the next step of a script, and the
last step repeats. Steps are :class:`~kiosk.face.guidance.messages.Guidance` ids or final
:class:`~kiosk.face.matching.results.Verdict` values, as objects or strings::

    ScriptedVerifier(["face.too_far", "face.hold_still", "face.hold_still", "match"])
    ScriptedVerifier.verdict_after(Verdict.NO_MATCH, frames=5)

It records what was asked of it (``prepared``, ``frames``, ``forgotten``) for assertions.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType

import numpy as np

from kiosk.face.errors import CardPhotoError, VerifierStateError
from kiosk.face.guidance.messages import Guidance
from kiosk.face.matching.results import FrameResult, Liveness, Verdict

_FINAL_GUIDANCE = {
    Verdict.MATCH: Guidance.MATCHED,
    Verdict.NO_MATCH: Guidance.NOT_MATCHED,
    Verdict.NOT_LIVE: Guidance.NOT_LIVE,
    Verdict.TIMEOUT: Guidance.TIMED_OUT,
}


def _step(value: str | Guidance | Verdict) -> Guidance | Verdict:
    if isinstance(value, Guidance | Verdict):
        return value
    for kind in (Verdict, Guidance):
        try:
            return kind(value)
        except ValueError:
            continue
    raise ValueError(f"unknown face script step {value!r} (a guidance id or a verdict)")


class ScriptedVerifier:
    """Returns predetermined results; ``fail_prepare`` makes ``prepare`` fail like a bad photo."""

    def __init__(
        self,
        script: Iterable[str | Guidance | Verdict] | None = None,
        *,
        needed: int = 3,
        fail_prepare: bool = False,
    ) -> None:
        if script is None:
            script = [Guidance.HOLD_STILL] * 3 + [Verdict.MATCH]
        self._script = [_step(s) for s in script] or [Verdict.MATCH]
        self._needed = needed
        self._fail_prepare = fail_prepare
        self._position = 0
        self._agreeing = 0
        self._ready = False
        self.prepared = 0
        self.frames = 0
        self.forgotten = 0

    @classmethod
    def verdict_after(cls, verdict: Verdict | str, frames: int = 3) -> ScriptedVerifier:
        """``frames`` frames of "hold still", then ``verdict``."""
        return cls([Guidance.HOLD_STILL] * frames + [_step(verdict)])

    @property
    def ready(self) -> bool:
        return self._ready

    def prepare(self, card_photo: bytes) -> None:
        self.prepared += 1
        if self._fail_prepare:
            raise CardPhotoError("no face found in the card's photo; use the PIN or ask staff")
        self._position = 0
        self._agreeing = 0
        self._ready = True

    def check(self, frame: np.ndarray | None = None, now: float | None = None) -> FrameResult:
        if not self._ready:
            raise VerifierStateError("prepare(card_photo) must succeed before frames are checked")
        self.frames += 1
        step = self._script[min(self._position, len(self._script) - 1)]
        self._position += 1
        if isinstance(step, Verdict):
            verdict = step
            guidance = _FINAL_GUIDANCE.get(step, Guidance.HOLD_STILL)
        else:
            verdict = Verdict.PENDING
            guidance = step
            if step is Guidance.HOLD_STILL:
                self._agreeing = min(self._needed, self._agreeing + 1)
        if verdict is Verdict.MATCH:
            self._agreeing = self._needed
        result = FrameResult(
            guidance=guidance,
            verdict=verdict,
            liveness=Liveness.BLINK if verdict is Verdict.MATCH else Liveness.WAITING,
            faces=0 if guidance is Guidance.NO_FACE else 1,
            agreeing=self._agreeing,
            attempts=self.frames,
            needed=self._needed,
        )
        if verdict.final:
            self.forget()
        return result

    def forget(self) -> None:
        self.forgotten += 1
        self._ready = False

    def __enter__(self) -> ScriptedVerifier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.forget()
