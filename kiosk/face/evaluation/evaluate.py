"""Accuracy on labelled pairs, through the kiosk's own matcher.

Pairs come from a ``card,live,same`` CSV (paths relative to the CSV) or from a folder of
photos of people (:func:`folder_pairs`): every ordered pair of two different photos, the same
person's being genuine pairs. Each card image goes through the chip path (greyscale, height
≤ 320 px, JPEG 2000) and is encoded as the kiosk encodes a card (mean over the aligned chip's
views); each live image becomes ``frames`` camera frames (the photo itself, then the same photo
slightly turned, scaled, moved and lit, as a patient holding still in front of the camera is
seen) that go through the live path (detect on a copy at most 400 px wide, align on the
68 landmarks at full resolution, encode) and are fused with their quality weights, as
:class:`~kiosk.face.matching.verifier.DlibVerifier` fuses the frames of one attempt.

An image whose face cannot be found (the card path finds no face in its chip photo, or the
live path none in its first frame even with the CNN detector) is a failure to acquire: listed
once per image and side in ``failures_to_acquire`` (name, side, a short reason; never pixels),
and every pair that needs it is left out of FMR and FNMR and counted in
``pairs_not_compared``. A pair whose file is missing or unreadable is bad input: a
:class:`~kiosk.face.errors.FaceError`.

FMR = accepted different-person pairs / different-person pairs compared; FNMR = rejected
same-person pairs / same-person pairs compared (None when there are no pairs of that kind),
each with its 95 % Wilson score interval (``fmr_ci95``, ``fnmr_ci95``). A measurement on the
pairs given, not a real-world rate (and the pairs of one photo are not independent, so the
interval is, if anything, too narrow). ``rule_tolerance`` is the tolerance the rule of
:mod:`kiosk.face.evaluation.threshold` gives on these pairs alone (None with fewer than ``MIN_TAIL``
different-person pairs); the shipped tolerance is the rule over several sets (docs/face.md).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
from PIL import Image

from kiosk.face.camera.people import load_rgb
from kiosk.face.errors import CardPhotoError, FaceError
from kiosk.face.evaluation.threshold import rule_tolerance
from kiosk.face.matching.chip import chip_photo_jp2
from kiosk.face.matching.engine import FaceEngine, load_engine
from kiosk.face.matching.results import Box
from kiosk.face.matching.template import LiveFusion, frame_weight
from kiosk.face.matching.verifier import CardFace

MIN_TAIL = 20
"""Different-person pairs a set needs before the tolerance rule reads its tail."""

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".webp", ".tif", ".tiff"})

CONFIDENCE = 0.95
"""Level of the intervals around FMR and FNMR."""

LIVE_FRAMES = 3
"""Frames made from each live photo (the verifier decides after three encoded frames)."""

MOTION: tuple[tuple[float, float, float, float, float], ...] = (
    (0.0, 1.0, 0.0, 0.0, 1.0),
    (1.5, 1.02, 0.01, 0.005, 1.04),
    (-1.5, 0.98, -0.01, -0.005, 0.96),
    (0.8, 1.01, -0.005, 0.01, 1.02),
    (-0.8, 0.99, 0.005, -0.01, 0.98),
)
"""Per live frame: rotation (degrees), scale, shift (fractions of width and height), light gain
— the small movements of a patient holding still."""


@dataclass(frozen=True)
class Pair:
    card: str
    live: str
    same: int


def read_pairs(path: Path) -> list[Pair]:
    """The pairs of a ``card,live,same`` CSV (paths as written, relative to the CSV)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"card", "live", "same"} <= set(reader.fieldnames):
                raise FaceError(f"{path}: the header must be card,live,same")
            pairs = []
            for line, row in enumerate(reader, start=2):
                same = (row.get("same") or "").strip()
                if same not in ("0", "1") or not row.get("card") or not row.get("live"):
                    raise FaceError(f"{path} line {line}: need card, live and same (1 or 0)")
                pairs.append(Pair(row["card"].strip(), row["live"].strip(), int(same)))
    except OSError as exc:
        raise FaceError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FaceError(f"{path} is not a UTF-8 CSV file") from None
    return pairs


def person_of(path: Path, folder: Path) -> str:
    """Whose photo this is: its sub-folder under ``folder``, else its name without the trailing
    number (``amy3.png`` and ``amy-3.jpg`` are amy's)."""
    relative = path.relative_to(folder)
    if len(relative.parts) > 1:
        return relative.parts[0]
    return re.sub(r"[-_ ]*\d+$", "", path.stem) or path.stem


def folder_pairs(folder: Path) -> list[Pair]:
    """Every ordered pair of two different photos under ``folder`` (one sub-folder per person,
    or files named person + number); same person: a genuine pair."""
    photos = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES
    )
    people = {p: person_of(p, folder) for p in photos}
    if len(set(people.values())) < 2:
        raise FaceError(f"{folder}: need photos of at least two people (one folder each)")
    return [
        Pair(str(a.relative_to(folder)), str(b.relative_to(folder)), int(people[a] == people[b]))
        for a in photos
        for b in photos
        if a != b
    ]


def pairs_of(source: Path) -> tuple[list[Pair], Path]:
    """The pairs of a CSV file or a folder of photos, and the folder their paths are under."""
    if source.is_dir():
        return folder_pairs(source), source
    if not source.is_file():
        raise FaceError(f"{source} does not exist (a card,live,same CSV or a folder of photos)")
    return read_pairs(source), source.parent


def motion_frames(image: np.ndarray, count: int = LIVE_FRAMES) -> list[np.ndarray]:
    """``count`` camera-like frames of a still photo (see ``MOTION``); the first is the photo."""
    import cv2

    frames = []
    h, w = image.shape[:2]
    for angle, scale, dx, dy, gain in MOTION[: max(1, count)]:
        moved = image
        if (angle, scale, dx, dy) != (0.0, 1.0, 0.0, 0.0):
            matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
            matrix[0, 2] += dx * w
            matrix[1, 2] += dy * h
            moved = cv2.warpAffine(
                image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
        if gain != 1.0:
            moved = np.clip(moved.astype(np.float32) * gain, 0, 255).astype(np.uint8)
        frames.append(np.asarray(moved))
    return frames


def live_face(frame: np.ndarray, engine: FaceEngine, detect_width: int = 400) -> Box:
    """The live path's face box: HOG on a copy at most ``detect_width`` px wide (upsampled
    once if it finds nothing), then dlib's CNN detector on the frame; the largest face, its box
    in the frame's pixels. FaceError when none of them finds a face."""
    h, w = frame.shape[:2]
    factor = min(1.0, detect_width / w)
    small = frame
    if factor < 1.0:
        size = (round(w * factor), round(h * factor))
        small = np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))
    boxes = [
        b.scaled(1.0 / factor, w, h) for b in engine.detect(small, 0) or engine.detect(small, 1)
    ]
    del small
    if not boxes:
        boxes = engine.detect_hard(frame)  # already in the frame's pixels
    if not boxes:
        raise FaceError("no face found in the live image")
    return max(boxes, key=lambda b: b.area)


def live_encoding(
    image: np.ndarray, engine: FaceEngine, frames: int = LIVE_FRAMES
) -> tuple[Box, np.ndarray]:
    """The live path on a still photo: ``frames`` frames encoded and fused (see the module
    docstring); the first frame's face box and the fused encoding."""
    fusion = LiveFusion(window=max(1, frames))
    first: Box | None = None
    for frame in motion_frames(image, frames):
        try:
            box = live_face(frame, engine)
        except FaceError:
            if first is None:
                raise
            continue  # a moved copy where the detector misses the face: like a skipped frame
        first = first or box
        chip, marks = engine.align(frame, box)
        fusion.add(engine.describe([chip])[0], frame_weight(chip, marks))
    fused = fusion.fused()
    fusion.forget()
    if first is None or fused is None:  # pragma: no cover - the first frame raised above
        raise FaceError("no face found in the live image")
    return first, fused


def wilson_interval(
    errors: int, trials: int, confidence: float = CONFIDENCE
) -> tuple[float, float] | None:
    """The Wilson score interval of the rate ``errors / trials`` (None when ``trials`` is 0).

    Unlike the normal approximation it stays inside [0, 1] and is not empty at 0 errors: 0 of
    1,050 gives [0, 0.0036] at 95 %."""
    if trials <= 0:
        return None
    if not 0 <= errors <= trials:
        raise ValueError(f"{errors} errors out of {trials} trials")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = errors / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials))
    low = 0.0 if errors == 0 else max(0.0, centre - half)
    high = 1.0 if errors == trials else min(1.0, centre + half)
    return low, high


def _interval(errors: int, trials: int) -> list[float] | None:
    bounds = wilson_interval(errors, trials)
    return None if bounds is None else [round(bounds[0], 6), round(bounds[1], 6)]


def summarise(rows: list[dict[str, Any]], tolerance: float) -> dict[str, Any]:
    """FMR, FNMR, their intervals and the counts behind them at ``tolerance`` over ``rows``
    (same, distance)."""
    genuine = [r["distance"] for r in rows if r["same"] == 1]
    impostor = [r["distance"] for r in rows if r["same"] == 0]
    false_matches = sum(d <= tolerance for d in impostor)
    false_non_matches = sum(d > tolerance for d in genuine)
    closest = min(impostor) if impostor else None
    return {
        "tolerance": tolerance,
        "fmr": false_matches / len(impostor) if impostor else None,
        "fnmr": false_non_matches / len(genuine) if genuine else None,
        "fmr_ci95": _interval(false_matches, len(impostor)),
        "fnmr_ci95": _interval(false_non_matches, len(genuine)),
        "false_matches": false_matches,
        "false_non_matches": false_non_matches,
        "impostor_pairs": len(impostor),
        "genuine_pairs": len(genuine),
        "closest_impostor": closest,
        "farthest_genuine": max(genuine) if genuine else None,
        "rule_tolerance": None if len(impostor) < MIN_TAIL else rule_tolerance({"set": impostor}),
    }


def set_name(source: Path) -> str:
    """What a source is called in reports and legends: the folder's or the CSV file's name."""
    return source.name or source.resolve().name or str(source)


def _reason(exc: FaceError) -> str:
    """A short reason for a failure to acquire (the first clause of the message: no advice)."""
    if isinstance(exc, CardPhotoError):
        return "no face found in the chip photo"
    return str(exc).split(";")[0].strip()[:120] or type(exc).__name__


def _image(base: Path, name: str) -> np.ndarray:
    """A pair's image; a missing or unreadable file is bad input (FaceError), not a failure to
    acquire."""
    path = base / name
    if not path.is_file():
        raise FaceError(f"{name}: no such image file (paths are relative to {base})")
    return load_rgb(path)


class _Acquired:
    """Each image's encoding per side, made once, or why it could not be made."""

    def __init__(self, base: Path, engine: FaceEngine, frames: int) -> None:
        self.base, self.engine, self.frames = base, engine, frames
        self.cards: dict[str, CardFace | None] = {}
        self.lives: dict[str, np.ndarray | None] = {}
        self.failures: list[dict[str, str]] = []

    def card(self, name: str) -> CardFace | None:
        if name not in self.cards:
            photo = chip_photo_jp2(_image(self.base, name))
            try:
                self.cards[name] = CardFace.encode(photo, self.engine)
            except FaceError as exc:
                self._failed(name, "card", exc)
                self.cards[name] = None
            del photo
        return self.cards[name]

    def live(self, name: str) -> np.ndarray | None:
        if name not in self.lives:
            image = _image(self.base, name)
            try:
                self.lives[name] = live_encoding(image, self.engine, self.frames)[1]
            except FaceError as exc:
                self._failed(name, "live", exc)
                self.lives[name] = None
            del image
        return self.lives[name]

    def _failed(self, name: str, side: str, exc: FaceError) -> None:
        self.failures.append({"image": name, "side": side, "reason": _reason(exc)})

    def forget(self) -> None:
        for card in self.cards.values():
            if card is not None:
                card.forget()
        self.cards.clear()
        self.lives.clear()


def evaluate(
    source: Path,
    tolerance: float | None = None,
    engine: FaceEngine | None = None,
    frames: int = LIVE_FRAMES,
    model: str | None = None,
) -> dict[str, Any]:
    """Distances and verdicts of every pair of ``source`` (CSV or folder) through ``engine``
    (default: :func:`~kiosk.face.matching.engine.load_engine` of ``model``), with FMR and FNMR at
    ``tolerance`` (None: the model's own), their 95 % intervals and the failures to acquire
    (see the module docstring)."""
    if engine is None:
        engine = load_engine(model)
    elif model is not None and engine.model.name != model:
        raise FaceError(f"the engine runs {engine.model.name}, not {model}")
    limit = engine.model.tolerance if tolerance is None else tolerance
    pairs, base = pairs_of(source)
    acquired = _Acquired(base, engine, frames)
    rows: list[dict[str, Any]] = []
    not_compared = 0
    try:
        for pair in pairs:
            card = acquired.card(pair.card)
            live = acquired.live(pair.live)  # tried even when the card failed: a full list
            if card is None or live is None:
                not_compared += 1
                continue
            d = card.distance_to(live)
            rows.append(
                {
                    "card": pair.card,
                    "live": pair.live,
                    "same": pair.same,
                    "distance": round(d, 4),
                    "match": d <= limit,
                }
            )
    finally:
        acquired.forget()
    return {
        "set": set_name(source),
        "model": engine.model.name,
        **summarise(rows, limit),
        "frames": frames,
        "failures_to_acquire": acquired.failures,
        "pairs_not_compared": not_compared,
        "pairs": rows,
    }


def distance_of(card_image: np.ndarray, live_image: np.ndarray, engine: FaceEngine) -> float:
    """Face distance between a card image (through the chip path) and a live image (the live
    path over ``LIVE_FRAMES`` frames, fused)."""
    card = CardFace.encode(chip_photo_jp2(card_image), engine)
    try:
        _box, live = live_encoding(live_image, engine)
        return card.distance_to(live)
    finally:
        card.forget()
