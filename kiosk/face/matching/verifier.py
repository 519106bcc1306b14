"""Face verification against the chip's photo: the :class:`FaceVerifier` protocol and the
dlib-backed :class:`DlibVerifier`.

Use: ``prepare(card_photo_jp2)`` in a worker as soon as the card is read (decodes the chip's
greyscale JPEG 2000 photo and encodes its face once), then ``check(frame, now)`` for each live
frame (numpy RGB uint8, any size; ``now`` in seconds, monotonic), which returns a
:class:`~kiosk.face.matching.results.FrameResult`. When its verdict is final, every image-derived
value is dropped; ``forget()`` (or leaving the ``with`` block) drops them at any time — the card's
removal, a timeout, a cancel. To try again, call ``prepare`` again.

Per live frame: downscale to ``detect_width`` px wide, HOG-detect there, keep the largest face,
scale its box back up, take the 68-point landmarks on the full-resolution frame and cut the
aligned face chip with them; when quality allows and more frames are wanted, encode the chip —
at once in this thread, or, with an ``encoder`` child, on the second core while the next frames
are detected here (:mod:`kiosk.face.matching.parallel`).

The decision (:mod:`kiosk.face.matching.template`): the card encoding is the mean over several views
of the chip photo's face; the live encoding is the quality-weighted mean of the last
``fusion_window`` encoded frames. A match needs ``agreeing_frames`` encoded frames whose fused
encoding is within ``tolerance`` of the card's, and a live sign.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image

from kiosk.face.errors import CardPhotoError, FaceError, VerifierStateError
from kiosk.face.guidance.liveness import LivenessPolicy, LivenessTracker
from kiosk.face.guidance.messages import Guidance
from kiosk.face.guidance.quality import Landmarks, QualityLimits, assess, cover_scores
from kiosk.face.matching.chip import decode_card_photo
from kiosk.face.matching.encoder import EncoderProcess
from kiosk.face.matching.engine import FaceEngine, load_engine
from kiosk.face.matching.models import DEFAULT_MODEL, face_model
from kiosk.face.matching.parallel import PendingEncodings
from kiosk.face.matching.results import Box, FrameResult, Verdict
from kiosk.face.matching.template import LiveFusion, card_views, frame_weight, mean_encoding

DEFAULT_TOLERANCE = face_model().tolerance
"""Fused face distance at or below which the live face matches the card photo, for the default
model (each model has its own: :mod:`kiosk.face.matching.models`; the rule that chose it:
docs/face.md)."""

HARD_DETECT_EVERY_S = 1.0
"""Seconds between two tries of the slower CNN detector on live frames where HOG finds no face."""

BLOCKING = frozenset(
    {
        Guidance.NO_FACE,
        Guidance.SEVERAL_FACES,
        Guidance.TOO_FAR,
        Guidance.TOO_CLOSE,
        Guidance.TOO_DARK,
        Guidance.TOO_BRIGHT,
        Guidance.COVERED,
        Guidance.EYES_CLOSED,
    }
)
"""Issues that stop a frame from being encoded (off-centre only guides)."""


@dataclass(frozen=True)
class VerifierPolicy:
    """How strict the verification is and how long it may take.

    ``tolerance`` None means the model's own
    (:attr:`~kiosk.face.matching.models.FaceModel.tolerance`).
    """

    tolerance: float | None = None
    model: str = DEFAULT_MODEL
    agreeing_frames: int = 3
    """Encoded frames fused before a match can be decided (their fused encoding within
    tolerance)."""
    max_attempts: int = 15
    """Encoded frames after which, without a match, the verdict is NO_MATCH."""
    fusion_window: int = 5
    """The last this many encoded frames make the fused live encoding."""
    timeout_s: float = 20.0
    """Seconds from the first frame after which the verdict is TIMEOUT."""
    detect_width: int = 400
    """Width in px of the downscaled copy the detector runs on."""
    require_liveness: bool = True
    eyes_closed_after_s: float = 0.6
    """Eyes closed longer than this (not a blink) shows the eyes-closed guidance."""
    weak_face_threshold: float = -0.8
    """Detector score above which a weak detection is checked for a covered face."""
    quality: QualityLimits = field(default_factory=QualityLimits)
    liveness: LivenessPolicy = field(default_factory=LivenessPolicy)

    @property
    def limit(self) -> float:
        """The tolerance in force: the one given, else the model's."""
        return face_model(self.model).tolerance if self.tolerance is None else self.tolerance


@runtime_checkable
class FaceVerifier(Protocol):
    """What the reception flow needs from face verification (real or scripted)."""

    def prepare(self, card_photo: bytes) -> None:
        """Decode and encode the chip's face photo (blocking: call from a worker)."""

    @property
    def ready(self) -> bool:
        """True between a successful ``prepare`` and the verdict or ``forget``."""

    def check(self, frame: np.ndarray, now: float | None = None) -> FrameResult:
        """Process one live frame (blocking: call from a worker)."""

    def forget(self) -> None:
        """Drop the card encoding and everything derived from frames."""


class CardFace:
    """The card photo's face encoding (the mean over its views), made once; ``forget()`` drops
    it."""

    def __init__(self, encoding: np.ndarray, box: Box, engine: FaceEngine) -> None:
        self._encoding: np.ndarray | None = encoding
        self.box = box
        self._engine = engine

    @staticmethod
    def locate(card_photo: bytes, engine: FaceEngine) -> tuple[np.ndarray, Box]:
        """The chip photo decoded (RGB) and its largest face's box; CardPhotoError if none."""
        image = decode_card_photo(card_photo)
        boxes = (
            engine.detect(image, upsample=1)
            or engine.detect(image, upsample=2)
            or engine.detect_hard(image)
        )
        if not boxes:
            raise CardPhotoError(
                "no face found in the card's photo; use the PIN or ask staff to confirm"
            )
        return image, max(boxes, key=lambda b: b.area)

    @classmethod
    def views(cls, card_photo: bytes, engine: FaceEngine) -> tuple[list[np.ndarray], Box]:
        """The aligned chips of the card photo's face to encode (see ``card_views``) and its box."""
        image, box = cls.locate(card_photo, engine)
        chip, _marks = engine.align(image, box)
        del image
        return card_views(chip), box

    @classmethod
    def encode(cls, card_photo: bytes, engine: FaceEngine | None = None) -> CardFace:
        """Decode the chip's JPEG 2000 photo, find its face and encode it (mean over views)."""
        engine = engine or load_engine()
        views, box = cls.views(card_photo, engine)
        encoding = mean_encoding(engine.describe(views))
        views.clear()
        return cls(encoding, box, engine)

    @property
    def encoding(self) -> np.ndarray:
        if self._encoding is None:
            raise VerifierStateError("the card photo was forgotten; prepare again")
        return self._encoding

    def distance_to(self, encoding: np.ndarray) -> float:
        return self._engine.distance(self.encoding, encoding)

    def forget(self) -> None:
        self._encoding = None


class DlibVerifier:
    """The real verifier over :class:`~kiosk.face.matching.engine.FaceEngine` (one thread at a
    time).

    With an ``encoder`` (:class:`~kiosk.face.matching.encoder.EncoderProcess`, e.g.
    :func:`~kiosk.face.matching.encoder.shared_encoder`) the encodings run on a second core:
    ``prepare`` only finds and aligns the card photo's face and hands its views to the child, and
    frames worth encoding are queued (:class:`~kiosk.face.matching.parallel.PendingEncodings`) while
    the next frames are detected; once only encodings are missing, ``check`` encodes here too and
    waits for them. The decisions are the same; a result's ``distance`` is then the last fused
    distance that became known with that frame. Without an encoder (or while another verifier
    holds it) every encoding is made at once in this thread.
    """

    def __init__(
        self,
        policy: VerifierPolicy | None = None,
        engine: FaceEngine | None = None,
        *,
        encoder: EncoderProcess | None = None,
    ) -> None:
        self.policy = policy or VerifierPolicy()
        self._engine = engine
        self._encoder = encoder
        self._jobs: PendingEncodings | None = None
        self._card: CardFace | None = None
        self._liveness = LivenessTracker(self.policy.liveness)
        self._fusion = LiveFusion(self.policy.fusion_window)
        self._fused: float | None = None
        self._started: float | None = None
        self._attempts = 0
        self._last: FrameResult | None = None
        self._watching = False
        self._closed_since: float | None = None
        self._fresh: float | None = None
        self._hard_tried: float | None = None

    @property
    def engine(self) -> FaceEngine:
        if self._engine is None:
            self._engine = load_engine(self.policy.model)
        return self._engine

    @property
    def ready(self) -> bool:
        return self._card is not None or (self._jobs is not None and self._jobs.card_due)

    def prepare(self, card_photo: bytes) -> None:
        self.forget()
        if self._encoder is None:
            self._card = CardFace.encode(card_photo, self.engine)
            return
        views, box = CardFace.views(card_photo, self.engine)
        self._jobs = PendingEncodings.open(self.engine, self._encoder)
        if self._jobs is None:  # another verifier holds the child: encode here
            self._card = CardFace(mean_encoding(self.engine.describe(views)), box, self.engine)
        else:
            self._jobs.add_card(views)
        del views

    def watch(self) -> None:
        """Quality and liveness only, with no card photo (``kiosk face check``): frames are
        never encoded and the verdict is only ever NOT_LIVE or TIMEOUT."""
        self.forget()
        self._watching = True

    def __enter__(self) -> DlibVerifier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.forget()

    def forget(self) -> None:
        if self._card is not None:
            self._card.forget()
        self._card = None
        if self._jobs is not None:
            self._jobs.forget()
            self._jobs = None
        self._liveness.forget()
        self._liveness = LivenessTracker(self.policy.liveness)
        self._fusion.forget()
        self._fused = None
        self._started = None
        self._attempts = 0
        self._last = None
        self._watching = False
        self._closed_since = None

    def check(self, frame: np.ndarray, now: float | None = None) -> FrameResult:
        if self._last is not None and self._last.verdict.final:
            return self._last
        if not self.ready and not self._watching:
            raise VerifierStateError("prepare(card_photo) must succeed before frames are checked")
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise FaceError("a camera frame must be an RGB uint8 array (height x width x 3)")
        t0 = time.perf_counter()
        now = time.monotonic() if now is None else now
        if self._started is None:
            self._started = now
        self._fresh = None
        self._tend()
        faces, largest, marks, chip = self._find(frame, now)
        issues = assess(frame, faces, largest, marks, self.policy.quality)
        if largest is None:
            issues = self._covered_or_missing(frame)
        if marks is not None:
            self._liveness.observe_face(marks, now)
        if Guidance.EYES_CLOSED in issues:
            self._closed_since = now if self._closed_since is None else self._closed_since
        else:
            self._closed_since = None
        closed_for = 0.0 if self._closed_since is None else now - self._closed_since
        closed_long = closed_for >= self.policy.eyes_closed_after_s
        blocking = [g for g in issues if g in BLOCKING]
        shown = [g for g in issues if g is not Guidance.EYES_CLOSED or closed_long]
        distance_now = None
        pending = 0 if self._jobs is None else self._jobs.live
        wanted = (
            self.ready
            and not self._watching
            and self._attempts + pending < self.policy.max_attempts
            and (self._attempts + pending < self.policy.agreeing_frames or not self._within())
        )
        if chip is not None and marks is not None and not blocking and wanted:
            weight = frame_weight(chip, marks)
            if self._jobs is not None:
                self._jobs.add_frame(chip, weight)
            elif self._card is not None:
                distance_now = self._count(self.engine.describe([chip])[0], weight)
        del chip
        if self._jobs is not None:
            self._collect(self._jobs, now)
            distance_now = self._fresh
        verdict = self._verdict(now)
        guidance = self._guidance(verdict, shown)
        result = FrameResult(
            guidance=guidance,
            verdict=verdict,
            liveness=self._liveness.state,
            face=largest,
            faces=len(faces),
            distance=None if distance_now is None else round(distance_now, 4),
            agreeing=self._agreeing(),
            attempts=self._attempts,
            needed=self.policy.agreeing_frames,
            elapsed_ms=round((time.perf_counter() - t0) * 1000.0, 2),
            issues=tuple(shown),
        )
        if verdict.final:
            self.forget()
        self._last = result
        return result

    def _count(self, encoding: np.ndarray, weight: float) -> float:
        """One encoded frame: an attempt, fused with the last ones; the fused distance."""
        card = self._card.encoding if self._card is not None else None
        if card is None and self._jobs is not None:
            card = self._jobs.card
        if card is None:
            raise VerifierStateError("the card photo was forgotten; prepare again")
        self._attempts += 1
        self._fusion.add(encoding, weight)
        fused = self._fusion.distance_to(card, self.engine.distance)
        self._fused = fused
        return 0.0 if fused is None else fused

    def _within(self) -> bool:
        """True when no frame is fused yet or the fused encoding is within tolerance."""
        return self._fused is None or self._fused <= self.policy.limit

    def _agreeing(self) -> int:
        """Frames fused (up to the number needed) when the fused encoding is within tolerance."""
        if self._fused is None or self._fused > self.policy.limit:
            return 0
        return min(len(self._fusion), self.policy.agreeing_frames)

    def _tend(self) -> None:
        """Parallel mode: count the child's answer if it came, hand it the next job (cheap; called
        between the steps of a frame so the child waits as little as possible)."""
        if self._jobs is not None:
            for encoding, weight in self._jobs.step():
                self._fresh = self._count(encoding, weight)

    def _collect(self, jobs: PendingEncodings, now: float) -> None:
        """Count the distances that became known; when only encodings are missing (liveness
        shown, enough frames queued), settle them now."""
        self._tend()
        while jobs.live and not self._verdict(now).final:
            live = self._liveness.shown or not self.policy.require_liveness
            queued_enough = self._attempts + jobs.live >= self.policy.agreeing_frames
            if not (live and queued_enough):
                break
            settled = jobs.settle()
            if not settled:
                break
            for encoding, weight in settled:
                self._fresh = self._count(encoding, weight)

    def _find(
        self, frame: np.ndarray, now: float
    ) -> tuple[list[Box], Box | None, Landmarks | None, np.ndarray | None]:
        """Faces, the largest, its landmarks and aligned chip (cut at full resolution)."""
        h, w = frame.shape[:2]
        factor = min(1.0, self.policy.detect_width / w)
        small = self._downscale(frame, factor)
        self._liveness.observe_pixels(self._thumb(small))
        found = self.engine.detect(small, upsample=0)
        del small
        self._tend()
        if not found and factor < 0.5:
            # a small (far) face: look again at twice the size, so it gets "come closer"
            factor *= 2.0
            larger = self._downscale(frame, factor)
            found = self.engine.detect(larger, upsample=0)
            del larger
        faces = [b.scaled(1.0 / factor, w, h) for b in found]
        if not faces and self._hard_due(now):
            faces = self.engine.detect_hard(frame)
        if not faces:
            return [], None, None, None
        largest = max(faces, key=lambda b: b.area)
        chip, marks = self.engine.align(frame, largest)
        return faces, largest, marks, chip

    def _hard_due(self, now: float) -> bool:
        """Whether the CNN detector may look at this frame (at most once a second of the
        frames' time)."""
        if self._hard_tried is not None and now - self._hard_tried < HARD_DETECT_EVERY_S:
            return False
        self._hard_tried = now
        return True

    def _covered_or_missing(self, frame: np.ndarray) -> list[Guidance]:
        """No face: a weak detection whose lower face is flat means a covered face."""
        h, w = frame.shape[:2]
        factor = min(1.0, self.policy.detect_width / w)
        small = self._downscale(frame, factor)
        weak = self.engine.detect_weak(small, self.policy.weak_face_threshold)
        del small
        limit = self.policy.quality.min_face_width * w
        for box in sorted((b.scaled(1.0 / factor, w, h) for b in weak), key=lambda b: -b.area):
            if box.width < limit:
                break
            marks = self.engine.landmarks(frame, [box])[0]
            _chroma, texture = cover_scores(frame, marks)
            if texture < self.policy.quality.covered_texture:
                return [Guidance.COVERED]
        return [Guidance.NO_FACE]

    def _verdict(self, now: float) -> Verdict:
        policy = self.policy
        live = self._liveness.shown or not policy.require_liveness
        enough = len(self._fusion) >= policy.agreeing_frames
        if enough and self._fused is not None and self._within() and live:
            return Verdict.MATCH
        if policy.require_liveness and self._liveness.expired(now):
            return Verdict.NOT_LIVE
        if self._attempts >= policy.max_attempts:
            return Verdict.NO_MATCH
        if self._started is not None and now - self._started > policy.timeout_s:
            return Verdict.TIMEOUT
        return Verdict.PENDING

    def _guidance(self, verdict: Verdict, issues: list[Guidance]) -> Guidance:
        final = {
            Verdict.MATCH: Guidance.MATCHED,
            Verdict.NO_MATCH: Guidance.NOT_MATCHED,
            Verdict.NOT_LIVE: Guidance.NOT_LIVE,
            Verdict.TIMEOUT: Guidance.TIMED_OUT,
        }
        if verdict in final:
            return final[verdict]
        if issues:
            return issues[0]
        pending = 0 if self._jobs is None else self._jobs.live
        queued = len(self._fusion) + pending >= self.policy.agreeing_frames
        waiting = self._watching or (queued and self._within())
        if waiting and not self._liveness.shown:
            return Guidance.BLINK
        return Guidance.HOLD_STILL

    @staticmethod
    def _downscale(frame: np.ndarray, factor: float) -> np.ndarray:
        if factor >= 1.0:
            return frame
        h, w = frame.shape[:2]
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        return np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))

    @staticmethod
    def _thumb(small: np.ndarray) -> np.ndarray:
        step = max(1, small.shape[1] // 80)
        return small[::step, ::step].mean(axis=2)
