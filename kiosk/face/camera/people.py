"""The licensed photos in assets/people/ (people.toml), as the face layer needs them.

Only reads the record; the simulated card's chip photo is made by kiosk.simcard.people.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.face.errors import FaceError
from kiosk.paths import assets_dir


@dataclass(frozen=True)
class Photo:
    """One photo of a real person: ``person`` is the person's id, ``id`` the photo's."""

    id: str
    person: str
    name: str
    path: Path


def people_dir() -> Path:
    return assets_dir() / "people"


def photos() -> list[Photo]:
    """Every photo, primary ones first ([[people]] then [[extra_photos]])."""
    folder = people_dir()
    record = folder / "people.toml"
    try:
        data = tomllib.loads(record.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FaceError(f"cannot read {record}: {exc}") from None
    found = [Photo(p["id"], p["id"], p["name"], folder / p["file"]) for p in data.get("people", [])]
    found += [
        Photo(p["id"], p["person"], p["name"], folder / p["file"])
        for p in data.get("extra_photos", [])
    ]
    return found


def find_photo(name: str) -> Photo:
    """A photo by photo id, person id or real name (case-insensitive; a person gives their
    primary photo)."""
    wanted = name.strip().lower()
    for photo in photos():
        if wanted in (photo.id.lower(), photo.name.lower()):
            return photo
    known = ", ".join(p.id for p in photos())
    raise FaceError(f"no person or photo named {name!r} in assets/people (known: {known})")


def load_rgb(path: Path) -> np.ndarray:
    """An image file as an RGB uint8 array."""
    try:
        with Image.open(path) as picture:
            return np.asarray(picture.convert("RGB"))
    except (OSError, ValueError) as exc:
        raise FaceError(f"cannot read image {path}: {type(exc).__name__}") from None
