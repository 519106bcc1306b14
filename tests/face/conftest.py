"""Fixtures for the face tests: the real licensed photos, their chip photos, cameras."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pytest

from kiosk.face.camera.people import find_photo, load_rgb
from kiosk.face.matching.chip import chip_photo_jp2


@cache
def _card(photo_id: str) -> bytes:
    return chip_photo_jp2(load_rgb(find_photo(photo_id).path))


@cache
def _layout(name: str, fraction: float, offset: tuple[float, float]) -> object:
    from kiosk.face.camera.synthetic import person_layout

    return person_layout(name, face_fraction=fraction, offset=offset)


@pytest.fixture
def card_jp2() -> Callable[[str], bytes]:
    """The chip photo (greyscale JPEG 2000) made from a photo in assets/people."""
    return _card


@pytest.fixture
def person_camera() -> Callable[..., object]:
    """Open ``person:<name>`` (layouts cached across tests to save model time)."""
    from kiosk.face.camera.synthetic import PersonCamera

    def open_person(name: str, **options: object) -> object:
        fraction = float(options.pop("face_fraction", 0.24))  # type: ignore[arg-type]
        offset = options.pop("offset", (0.0, 0.0))
        layout = _layout(name, fraction, offset)  # type: ignore[arg-type]
        return PersonCamera(
            name,
            face_fraction=fraction,
            offset=offset,  # type: ignore[arg-type]
            layout=layout,  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )

    return open_person


@pytest.fixture
def photo() -> Callable[[str], np.ndarray]:
    """A photo from assets/people as RGB."""
    return lambda photo_id: load_rgb(find_photo(photo_id).path)
