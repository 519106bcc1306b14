"""Accuracy on labelled pairs, through the kiosk's own matcher.

Pairs come from a ``card,live,same`` CSV (paths relative to the CSV) or from a folder of
photos of people (:func:`folder_pairs`): every ordered pair of two different photos, the same
person's being genuine pairs. Each card image goes through the chip path (greyscale, height
≤ 320 px, JPEG 2000) and is encoded as the kiosk encodes a card (mean over the aligned chip's
views); each live image becomes ``frames`` camera frames (the photo itself, then the same photo
slightly turned, scaled, moved and lit, as a patient holding still in front of the camera is
seen) that go through the live path (detect on a copy at most 400 px wide, align on the
68 landmarks at full resolution, encode) and are fused with their quality weights, as
:class:`~kiosk.face.verifier.DlibVerifier` fuses the frames of one attempt.

FMR = accepted different-person pairs / different-person pairs; FNMR = rejected same-person
pairs / same-person pairs (None when there are no pairs of that kind). A measurement on the
pairs given, not a real-world rate. ``rule_tolerance`` is the tolerance the rule of
docs/face.md gives on these pairs alone: the largest multiple of 0.01 at least
``TOLERANCE_MARGIN`` below the closest different-person pair.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from kiosk.face.chip import chip_photo_jp2
from kiosk.face.engine import FaceEngine, load_engine
from kiosk.face.errors import FaceError
from kiosk.face.people import load_rgb
from kiosk.face.results import Box
from kiosk.face.template import LiveFusion, frame_weight
from kiosk.face.verifier import TOLERANCE_MARGIN, CardFace

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".webp", ".tif", ".tiff"})

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
    """The live path's face box: detect on a copy at most ``detect_width`` px wide, largest
    face, box scaled back to the frame."""
    h, w = frame.shape[:2]
    factor = min(1.0, detect_width / w)
    small = frame
    if factor < 1.0:
        size = (round(w * factor), round(h * factor))
        small = np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))
    boxes = engine.detect(small, 0) or engine.detect(small, 1)
    if not boxes:
        raise FaceError("no face found in the live image")
    return max(boxes, key=lambda b: b.area).scaled(1.0 / factor, w, h)


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


def rule_tolerance(closest_impostor: float | None, margin: float = TOLERANCE_MARGIN) -> float:
    """The largest multiple of 0.01 at least ``margin`` below the closest impostor distance."""
    if closest_impostor is None:
        return float("nan")
    return math.floor(round((closest_impostor - margin) * 100, 6)) / 100


def summarise(rows: list[dict[str, Any]], tolerance: float) -> dict[str, Any]:
    """FMR, FNMR and the counts behind them at ``tolerance`` over ``rows`` (same, distance)."""
    genuine = [r["distance"] for r in rows if r["same"] == 1]
    impostor = [r["distance"] for r in rows if r["same"] == 0]
    false_matches = sum(d <= tolerance for d in impostor)
    false_non_matches = sum(d > tolerance for d in genuine)
    closest = min(impostor) if impostor else None
    return {
        "tolerance": tolerance,
        "fmr": false_matches / len(impostor) if impostor else None,
        "fnmr": false_non_matches / len(genuine) if genuine else None,
        "false_matches": false_matches,
        "false_non_matches": false_non_matches,
        "impostor_pairs": len(impostor),
        "genuine_pairs": len(genuine),
        "closest_impostor": closest,
        "farthest_genuine": max(genuine) if genuine else None,
        "rule_tolerance": None if closest is None else rule_tolerance(closest),
    }


def evaluate(
    source: Path,
    tolerance: float,
    engine: FaceEngine | None = None,
    frames: int = LIVE_FRAMES,
) -> dict[str, Any]:
    """Distances and verdicts of every pair of ``source`` (CSV or folder), with FMR and FNMR at
    ``tolerance`` (see the module docstring)."""
    engine = engine or load_engine()
    pairs, base = pairs_of(source)
    cards: dict[str, CardFace] = {}
    lives: dict[str, np.ndarray] = {}
    rows: list[dict[str, Any]] = []
    try:
        for pair in pairs:
            if pair.card not in cards:
                try:
                    photo = chip_photo_jp2(load_rgb(base / pair.card))
                    cards[pair.card] = CardFace.encode(photo, engine)
                except FaceError as exc:
                    raise FaceError(f"{pair.card}: {exc}") from None
            if pair.live not in lives:
                try:
                    lives[pair.live] = live_encoding(load_rgb(base / pair.live), engine, frames)[1]
                except FaceError as exc:
                    raise FaceError(f"{pair.live}: {exc}") from None
            d = cards[pair.card].distance_to(lives[pair.live])
            rows.append(
                {
                    "card": pair.card,
                    "live": pair.live,
                    "same": pair.same,
                    "distance": round(d, 4),
                    "match": d <= tolerance,
                }
            )
    finally:
        for card in cards.values():
            card.forget()
        lives.clear()
    return {**summarise(rows, tolerance), "frames": frames, "pairs": rows}


def distance_of(card_image: np.ndarray, live_image: np.ndarray, engine: FaceEngine) -> float:
    """Face distance between a card image (through the chip path) and a live image (the live
    path over ``LIVE_FRAMES`` frames, fused)."""
    card = CardFace.encode(chip_photo_jp2(card_image), engine)
    try:
        _box, live = live_encoding(live_image, engine)
        return card.distance_to(live)
    finally:
        card.forget()
