"""Liveness against a printed or on-screen still: a blink, or a head turn, within a time window.

Evidence, from the 68-point landmarks of successive frames (times in seconds):

* blink — the mean eye aspect ratio (EAR) drops below ``blink_drop`` x the open-eye baseline
  (median of recent open frames) and comes back above ``blink_recover`` x baseline within
  ``max_blink_s``;
* head movement — the nose tip's position in eye-aligned coordinates (divided by the distance
  between the eyes) changes by more than ``min_turn`` across the window. Moving, rotating or
  scaling a flat photo in front of the camera moves every landmark together and does not change
  these coordinates, so it does not count.
* open eyes — neither counts while the eyes look shut: the eye aspect ratio of the
  last ``open_frames`` frames (at least ``min_open_frames`` of them) must be ``min_open_ear``
  or more in ``open_share`` of them (a blink is a few frames). Shut eyes measure up to 0.25
  in single frames and runs of them (landmark noise under head motion) but stay near 0.12
  most of the time; a face whose eyes stay shut (asleep, or a photo with the
  eyes closed moved about) is not a live patient looking at the kiosk;
* frozen — ``frozen_frames`` consecutive frames that are (nearly) identical pixel for pixel, as
  a still image or a paused video gives and a real sensor never does, refuse the attempt at once.

What it does NOT stop: a video replay of the person (it blinks), a 3D mask or a bent or
animated photo with moving eyes, a screen showing a deepfake. It is a check against the
simplest attack (holding up the card or a printed photo), not a presentation-attack detector.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from kiosk.face.guidance.quality import Landmarks, mean_ear
from kiosk.face.matching.results import Liveness


@dataclass(frozen=True)
class LivenessPolicy:
    """Thresholds and the time window of the liveness check."""

    window_s: float = 8.0
    """Evidence must come within this many seconds of the first face."""
    blink_drop: float = 0.70
    blink_recover: float = 0.85
    max_blink_s: float = 1.0
    min_turn: float = 0.18
    """Change of the nose tip's position along the eye axis (in eye distances): a head turn."""
    min_nod: float = 0.28
    """Change of the nose tip's position across the eye axis (in eye distances): a nod."""
    min_open_ear: float = 0.17
    """Eye aspect ratio of open eyes (measured: open 0.21-0.38, shut 0.09-0.18 median 0.14)."""
    open_frames: int = 30
    min_open_frames: int = 10
    open_share: float = 0.7
    frozen_frames: int = 8
    frozen_diff: float = 0.05
    """Mean absolute difference (0-255, on an ~80 px wide grey thumbnail) under which two frames
    count as identical: repeated frames give 0, a real sensor's noise about 0.3-1 even on a
    still scene."""


def nose_offset(marks: Landmarks) -> tuple[float, float]:
    """Nose tip position relative to the eye centre, along and across the eye axis, in eye
    distances (invariant to moving, rotating and scaling a flat photo)."""
    left = np.mean(np.asarray(marks["left_eye"], dtype=np.float64), axis=0)
    right = np.mean(np.asarray(marks["right_eye"], dtype=np.float64), axis=0)
    tip = np.asarray(marks["nose_tip"], dtype=np.float64)[2]
    axis = right - left
    span = float(np.linalg.norm(axis))
    if span < 1e-6:
        return 0.0, 0.0
    unit = axis / span
    normal = np.array([-unit[1], unit[0]])
    rel = tip - (left + right) / 2.0
    return float(rel @ unit / span), float(rel @ normal / span)


class LivenessTracker:
    """Follows one attempt's frames and says when liveness is shown (or refused)."""

    def __init__(self, policy: LivenessPolicy | None = None) -> None:
        self.policy = policy or LivenessPolicy()
        self.state = Liveness.WAITING
        self._ears: deque[float] = deque(maxlen=15)
        self._closed_at: float | None = None
        self._offsets: list[tuple[float, float]] = []
        self._recent: deque[tuple[float, float]] = deque(maxlen=5)
        self._previous: np.ndarray | None = None
        self._same = 0
        self._open: deque[float] = deque(maxlen=self.policy.open_frames)
        self.eyes_open_seen = False
        self.first_face_at: float | None = None

    @property
    def shown(self) -> bool:
        """True once a blink or a head movement was seen."""
        return self.state in (Liveness.BLINK, Liveness.HEAD_MOVEMENT)

    def expired(self, now: float) -> bool:
        """True when the window has passed without evidence, or the frames are frozen."""
        if self.state is Liveness.FROZEN:
            return True
        if self.shown or self.first_face_at is None:
            return False
        return now - self.first_face_at > self.policy.window_s

    def observe_pixels(self, thumb: np.ndarray) -> None:
        """Compare a small greyscale copy of the frame with the previous one (frozen check)."""
        if self._previous is not None and self._previous.shape == thumb.shape:
            diff = float(np.abs(thumb.astype(np.int16) - self._previous).mean())
            self._same = self._same + 1 if diff < self.policy.frozen_diff else 0
            if self._same >= self.policy.frozen_frames and not self.shown:
                self.state = Liveness.FROZEN
        self._previous = thumb.astype(np.int16)

    def observe_face(self, marks: Landmarks, now: float) -> None:
        """Take one frame's landmarks at time ``now`` (seconds)."""
        if self.first_face_at is None:
            self.first_face_at = now
        if self.shown or self.state is Liveness.FROZEN:
            return
        ear = mean_ear(marks)
        self._open.append(ear)
        enough = len(self._open) >= self.policy.min_open_frames
        low = float(np.quantile(self._open, 1.0 - self.policy.open_share)) if enough else 0.0
        self.eyes_open_seen = enough and low >= self.policy.min_open_ear
        baseline = float(np.median(self._ears)) if len(self._ears) >= 3 else None
        if baseline is not None and ear < self.policy.blink_drop * baseline:
            if self._closed_at is None:
                self._closed_at = now
        else:
            if (
                self._closed_at is not None
                and baseline is not None
                and ear > self.policy.blink_recover * baseline
            ):
                if now - self._closed_at <= self.policy.max_blink_s and self.eyes_open_seen:
                    self.state = Liveness.BLINK
                self._closed_at = None
            if self._closed_at is None:
                self._ears.append(ear)
        self._recent.append(nose_offset(marks))
        if len(self._recent) == self._recent.maxlen:
            # median of the last frames, so landmark jitter does not count as movement
            smooth = np.median(np.asarray(self._recent), axis=0)
            self._offsets.append((float(smooth[0]), float(smooth[1])))
            xs = [o[0] for o in self._offsets]
            ys = [o[1] for o in self._offsets]
            turned = max(xs) - min(xs) > self.policy.min_turn
            moved = turned or max(ys) - min(ys) > self.policy.min_nod
            if moved and self.eyes_open_seen:
                self.state = Liveness.HEAD_MOVEMENT

    def forget(self) -> None:
        """Drop every stored measurement and the last frame thumbnail."""
        self._ears.clear()
        self._offsets.clear()
        self._recent.clear()
        self._previous = None
        self._closed_at = None
        self._open.clear()
        self.eyes_open_seen = False
