"""The people whose photos stand in for card holders, and the chip's face photo made from them.

``assets/people/people.toml`` lists each person with the photo's provenance and licence::

    [[people]]
    id = "person-id"
    name = "Full Name"
    file = "person-id.jpg"        # relative to assets/people/
    source = "https://…"          # where the photo came from
    author = "…"
    licence = "CC BY 4.0"
    notes = "…"                   # optional
    crop = [left, top, right, bottom]   # optional, pixels of the original: the portrait box

(``[people.<id>]`` tables with the same keys are accepted too.) The chip (券面AP) holds a small
greyscale JPEG 2000 portrait; :func:`face_photo_jp2` makes one (3:4, ``CHIP_PHOTO_SIZE``).
"""

from __future__ import annotations

import functools
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.paths import assets_dir
from kiosk.simcard.errors import SimCardError

CHIP_PHOTO_SIZE = (300, 400)
"""Width, height in pixels of the chip portrait (3:4, like the printed photo)."""
CHIP_PHOTO_RATE = 12.0
"""JPEG 2000 compression ratio (raw bytes / coded bytes): ~10 KB for 300x400 greyscale."""


class PeopleError(SimCardError):
    """The people list or a person's photo cannot be used."""


class UnknownPersonError(PeopleError):
    """A person id that assets/people/people.toml does not list."""


@dataclass(frozen=True)
class Person:
    """One person of assets/people, with the provenance of their photo."""

    id: str
    name: str
    file: str
    source: str
    author: str
    licence: str
    notes: str = ""
    crop: tuple[int, int, int, int] | None = None


def people_dir() -> Path:
    return assets_dir() / "people"


def people_file() -> Path:
    return people_dir() / "people.toml"


def load_people(path: Path | None = None) -> dict[str, Person]:
    """Every person of ``people.toml`` (default: assets/people/people.toml), by id."""
    path = path if path is not None else people_file()
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except FileNotFoundError as exc:
        raise PeopleError(
            f"no people list at {path}: the face photos of assets/people are missing"
        ) from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PeopleError(f"the people list {path} cannot be read: {exc}") from exc
    entries = _entries(data)
    people: dict[str, Person] = {}
    for number, raw in enumerate(entries, start=1):
        person = _person(raw, f"{path}, entry {number}")
        if person.id in people:
            raise PeopleError(f"{path}: person id {person.id!r} is listed twice")
        people[person.id] = person
    return people


def _entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    table = data.get("people", data.get("person", []))
    if isinstance(table, dict):  # [people.<id>] form
        return [{"id": key, **value} for key, value in table.items() if isinstance(value, dict)]
    if isinstance(table, list):
        return [entry for entry in table if isinstance(entry, dict)]
    return []


def _person(raw: dict[str, Any], where: str) -> Person:
    missing = [key for key in ("id", "name", "file", "source", "licence") if not raw.get(key)]
    if missing:
        raise PeopleError(f"{where}: missing {', '.join(missing)}")
    crop = raw.get("crop")
    box: tuple[int, int, int, int] | None = None
    if crop is not None:
        if not (
            isinstance(crop, list) and len(crop) == 4 and all(isinstance(v, int) for v in crop)
        ):
            raise PeopleError(f"{where}: crop must be [left, top, right, bottom] in pixels")
        box = (crop[0], crop[1], crop[2], crop[3])
    return Person(
        id=str(raw["id"]),
        name=str(raw["name"]),
        file=str(raw["file"]),
        source=str(raw["source"]),
        author=str(raw.get("author", "")),
        licence=str(raw["licence"]),
        notes=str(raw.get("notes", "")),
        crop=box,
    )


def get_person(person_id: str) -> Person:
    people = load_people()
    try:
        return people[person_id]
    except KeyError:
        raise UnknownPersonError(
            f"no person {person_id!r} in {people_file()}; known: {', '.join(sorted(people))}"
        ) from None


def photo_path(person_id: str) -> Path:
    """The original photo of ``person_id`` (a file under assets/people/)."""
    person = get_person(person_id)
    path = people_dir() / person.file
    if not path.is_file():
        raise PeopleError(f"the photo of {person_id!r} is missing: {path}")
    return path


def face_photo_jp2(person_id: str) -> bytes:
    """The chip's face photo of ``person_id``: greyscale 3:4 portrait, JPEG 2000 (lossy, a
    few KB). Cached in memory per photo file (path, size and modification time)."""
    person = get_person(person_id)
    path = photo_path(person_id)
    stat = path.stat()
    return _chip_photo(str(path), stat.st_mtime_ns, stat.st_size, person.crop)


@functools.lru_cache(maxsize=64)
def _chip_photo(
    path: str, _mtime_ns: int, _size: int, crop: tuple[int, int, int, int] | None
) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as original:
            image = ImageOps.exif_transpose(original).convert("L")
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise PeopleError(f"the photo {path} cannot be decoded: {type(exc).__name__}") from exc
    return encode_chip_photo(image, crop)


def encode_chip_photo(image: Any, crop: tuple[int, int, int, int] | None = None) -> bytes:
    """Crop a PIL image to the chip portrait (``crop`` box, else a 3:4 box, centred across and
    towards the top, where faces are), greyscale, resize and encode as JPEG 2000."""
    from PIL import Image

    grey = image.convert("L")
    box = crop if crop is not None else portrait_box(grey.width, grey.height)
    portrait = grey.crop(box).resize(CHIP_PHOTO_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    portrait.save(
        out,
        format="JPEG2000",
        irreversible=True,
        quality_mode="rates",
        quality_layers=[CHIP_PHOTO_RATE],
        no_jp2=False,
    )
    return out.getvalue()


def portrait_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The largest 3:4 box in a ``width`` x ``height`` image, centred across; vertically a
    fifth of the spare height is left above it (faces sit high in photos)."""
    target_w, target_h = CHIP_PHOTO_SIZE
    if width * target_h > height * target_w:  # too wide: full height
        box_w, box_h = height * target_w // target_h, height
    else:
        box_w, box_h = width, width * target_h // target_w
    left = (width - box_w) // 2
    top = (height - box_h) // 5
    return left, top, left + box_w, top + box_h
