"""The card path: greyscale, downscaled, JPEG 2000, back to three channels."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from kiosk.face.errors import CardPhotoError
from kiosk.face.matching.chip import CHIP_HEIGHT, card_path, chip_photo_jp2, decode_card_photo


def test_chip_photo_is_small_greyscale_jpeg2000(photo: Callable[[str], np.ndarray]) -> None:
    data = chip_photo_jp2(photo("obama"))
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.format == "JPEG2000"
        assert picture.mode == "L"
        assert picture.height == CHIP_HEIGHT
    assert len(data) < 20_000


def test_decoded_photo_has_three_equal_channels(photo: Callable[[str], np.ndarray]) -> None:
    image = card_path(photo("hopper"))
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert np.array_equal(image[..., 0], image[..., 1])
    assert np.array_equal(image[..., 1], image[..., 2])


@pytest.mark.parametrize(
    "data", [b"", b"not a photo", b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"x" * 40]
)
def test_a_broken_photo_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(CardPhotoError, match="cannot be decoded"):
        decode_card_photo(data)
