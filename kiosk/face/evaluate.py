"""Accuracy on labelled pairs: ``card,live,same`` rows, each card image through the chip path
(greyscale, downscaled, JPEG 2000) and each live image through the live path (detect on a
downscaled copy, largest face, encode at full resolution).

FMR = accepted different-person pairs / different-person pairs; FNMR = rejected same-person
pairs / same-person pairs (None when there are no pairs of that kind). A measurement on the
pairs given, not a real-world rate.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.face.chip import chip_photo_jp2
from kiosk.face.engine import FaceEngine, load_engine
from kiosk.face.errors import FaceError
from kiosk.face.people import load_rgb
from kiosk.face.results import Box
from kiosk.face.verifier import CardFace


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
    return pairs


def live_encoding(
    frame: np.ndarray, engine: FaceEngine, detect_width: int = 400
) -> tuple[Box, np.ndarray]:
    """The live path on one image: detect downscaled, largest face, encode at full size."""
    from PIL import Image

    h, w = frame.shape[:2]
    factor = min(1.0, detect_width / w)
    small = frame
    if factor < 1.0:
        size = (round(w * factor), round(h * factor))
        small = np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))
    boxes = engine.detect(small, 0) or engine.detect(small, 1)
    if not boxes:
        raise FaceError("no face found in the live image")
    box = max(boxes, key=lambda b: b.area).scaled(1.0 / factor, w, h)
    return box, engine.encode(frame, [box])[0]


def evaluate(csv_path: Path, tolerance: float, engine: FaceEngine | None = None) -> dict[str, Any]:
    """Distances and verdicts of every pair, with FMR and FNMR at ``tolerance``."""
    engine = engine or load_engine()
    base = csv_path.parent
    cards: dict[str, CardFace] = {}
    lives: dict[str, np.ndarray] = {}
    rows: list[dict[str, Any]] = []
    for pair in read_pairs(csv_path):
        if pair.card not in cards:
            cards[pair.card] = CardFace.encode(chip_photo_jp2(load_rgb(base / pair.card)), engine)
        if pair.live not in lives:
            try:
                lives[pair.live] = live_encoding(load_rgb(base / pair.live), engine)[1]
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
    for card in cards.values():
        card.forget()
    lives.clear()
    genuine = [r for r in rows if r["same"] == 1]
    impostor = [r for r in rows if r["same"] == 0]
    fmr = sum(r["match"] for r in impostor) / len(impostor) if impostor else None
    fnmr = sum(not r["match"] for r in genuine) / len(genuine) if genuine else None
    return {"tolerance": tolerance, "fmr": fmr, "fnmr": fnmr, "pairs": rows}


def distance_of(card_image: np.ndarray, live_image: np.ndarray, engine: FaceEngine) -> float:
    """Face distance between a card image (through the chip path) and a live image."""
    card = CardFace.encode(chip_photo_jp2(card_image), engine)
    try:
        _box, live = live_encoding(live_image, engine)
        return card.distance_to(live)
    finally:
        card.forget()
