"""Plain data the verifier returns: face boxes, per-frame results and the final verdict.

Coordinates are pixels of the frame they were found in; a :class:`Box` follows face_recognition's
(top, right, bottom, left) order. No result holds an image or an encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from kiosk.face.guidance.messages import Guidance


class Box(NamedTuple):
    """A face box in pixels: top, right, bottom, left (right/bottom exclusive)."""

    top: int
    right: int
    bottom: int
    left: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return max(0, self.width) * max(0, self.height)

    def scaled(self, factor: float, limit_w: int, limit_h: int) -> Box:
        """This box multiplied by ``factor`` and clipped to a ``limit_w`` x ``limit_h`` image."""
        return Box(
            max(0, round(self.top * factor)),
            min(limit_w, round(self.right * factor)),
            min(limit_h, round(self.bottom * factor)),
            max(0, round(self.left * factor)),
        )


class Verdict(StrEnum):
    """Where the verification stands; every value but PENDING is final."""

    PENDING = "pending"
    MATCH = "match"
    NO_MATCH = "no_match"
    NOT_LIVE = "not_live"
    TIMEOUT = "timeout"

    @property
    def final(self) -> bool:
        return self is not Verdict.PENDING


class Liveness(StrEnum):
    """Liveness evidence so far."""

    WAITING = "waiting"
    BLINK = "blink"
    HEAD_MOVEMENT = "head_movement"
    FROZEN = "frozen"


@dataclass(frozen=True)
class FrameResult:
    """What one frame gave: guidance, liveness, match progress and the verdict so far.

    ``distance`` is the face distance of this frame's encoding to the card photo's (None when
    the frame was not encoded; with the encoder child, the last distance that became known
    with this frame, possibly of an earlier frame); ``agreeing`` counts frames within
    tolerance so far out of ``attempts`` encoded frames; ``needed`` is how many agreeing frames
    a match requires. ``elapsed_ms`` is the time this frame took to process.
    """

    guidance: Guidance
    verdict: Verdict
    liveness: Liveness
    face: Box | None = None
    faces: int = 0
    distance: float | None = None
    agreeing: int = 0
    attempts: int = 0
    needed: int = 0
    elapsed_ms: float = 0.0
    issues: tuple[Guidance, ...] = field(default=())

    @property
    def progress(self) -> float:
        """Match progress 0..1 for a progress ring: 0.8 for the agreeing frames, 0.2 for
        liveness."""
        if self.verdict is Verdict.MATCH:
            return 1.0
        if not self.needed:
            return 0.0
        frames = min(self.agreeing, self.needed) / self.needed
        live = self.liveness in (Liveness.BLINK, Liveness.HEAD_MOVEMENT)
        return round(0.8 * frames + (0.2 if live else 0.0), 3)
