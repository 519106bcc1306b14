"""The card path: what the chip's face photo looks like, and turning it back into pixels.

The chip (券面AP) holds a small greyscale JPEG 2000 photo. :func:`chip_photo_jp2` makes one
from any image (greyscale, downscale so the height is at most ``CHIP_HEIGHT`` px, lossy JPEG
2000 at ``CHIP_RATE``:1); :func:`decode_card_photo` turns the chip's bytes back into a
3-channel RGB array (grey in every channel) for encoding. Pillow only; nothing is written to
disk.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

from kiosk.face.errors import CardPhotoError

CHIP_HEIGHT = 320
"""Largest chip photo height in pixels (the real chip's size is not published; about 4:5)."""

CHIP_RATE = 12
"""JPEG 2000 compression ratio of the simulated chip photo (lossy, about 12:1)."""


def chip_photo_jp2(image: Image.Image | np.ndarray, height: int = CHIP_HEIGHT) -> bytes:
    """Greyscale, downscaled, JPEG 2000 bytes like the chip's face photo."""
    picture = Image.fromarray(image) if isinstance(image, np.ndarray) else image
    grey = picture.convert("L")
    if grey.height > height:
        width = max(1, round(grey.width * height / grey.height))
        grey = grey.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    grey.save(out, "JPEG2000", quality_mode="rates", quality_layers=[CHIP_RATE], irreversible=True)
    return out.getvalue()


def decode_card_photo(data: bytes) -> np.ndarray:
    """The chip photo as an RGB uint8 array (H x W x 3), grey copied into all three channels."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            grey = np.asarray(picture.convert("L"))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CardPhotoError(
            f"the card's face photo cannot be decoded ({type(exc).__name__}); "
            "read the card again or use the PIN / staff confirmation"
        ) from None
    return np.repeat(grey[:, :, None], 3, axis=2)


def card_path(image: Image.Image | np.ndarray) -> np.ndarray:
    """An image as it comes back from the chip: greyscale, downscaled, JPEG 2000, 3-channel."""
    return decode_card_photo(chip_photo_jp2(image))
