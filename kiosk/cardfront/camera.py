"""The reader's card-front camera: where the picture of the card's printed side comes from.

``--card-camera`` names it:

- ``image:<path>``: a photograph of the card front (read anew for each card);
- ``cv:<index>``: a camera through OpenCV (one frame after the exposure settles);
- ``printed``: the virtual card's own front, drawn from its card face
  (:func:`kiosk.cardfront.render.render_front`); a card in a PC/SC reader has no front
  picture then, and the face path is closed for it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.card.transport import Transport
from kiosk.cardfront.errors import CardFrontError
from kiosk.cardfront.render import render_front
from kiosk.simcard.state import CardFace

if TYPE_CHECKING:
    from PIL import Image as PILImage

IMAGE = "image:"
CV = "cv:"
PRINTED = "printed"
WARM_UP_FRAMES = 5
"""Frames dropped after opening an OpenCV camera (auto exposure and focus settle)."""


class FrontCamera(Protocol):
    def capture(self, transport: Transport) -> PILImage.Image | None:
        """The card front of the card behind ``transport``; None when there is no picture."""
        ...


def card_state(transport: Transport) -> Any:
    """The virtual card's state behind ``transport`` (or a wrapper of it), else None."""
    state = getattr(transport, "state", None)
    if state is None:
        state = getattr(getattr(transport, "inner", None), "state", None)
    return state


class PrintedFront:
    """The virtual card's own front, drawn from its card face; None for any other card."""

    def capture(self, transport: Transport) -> PILImage.Image | None:
        state = card_state(transport)
        face = getattr(state, "face", None)
        if not isinstance(face, CardFace):
            return None
        return _drawn(
            face.name,
            face.name_kana,
            face.birth_date,
            face.sex,
            face.address,
            face.expiry,
            face.security_code,
            face.person,
            tuple(face.remarks),
        )


@functools.lru_cache(maxsize=32)
def _drawn(
    name: str,
    kana: str,
    birth: date,
    sex: str,
    address: str,
    expiry: date,
    code: str,
    person: str,
    remarks: tuple[str, ...],
) -> PILImage.Image:
    face = CardFace(name, kana, birth, sex, address, expiry, code, person, list(remarks))
    return render_front(face)


@dataclass(frozen=True)
class ImageFront:
    """A photograph of the card front in a file."""

    path: Path

    def capture(self, transport: Transport) -> PILImage.Image | None:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(self.path) as picture:
                return picture.convert("RGB")
        except FileNotFoundError:
            raise CardFrontError(f"card-front image {self.path} does not exist") from None
        except (OSError, UnidentifiedImageError, ValueError):
            raise CardFrontError(f"card-front image {self.path} is not a readable image") from None


@dataclass(frozen=True)
class CvFront:
    """A camera over the card tray, through OpenCV."""

    index: int

    def capture(self, transport: Transport) -> PILImage.Image | None:
        from PIL import Image

        from kiosk.face.camera.opencv import OpenCvCamera  # OpenCV and numpy: only when asked
        from kiosk.face.errors import FaceError

        try:
            camera = OpenCvCamera(self.index)
        except FaceError as exc:  # no OpenCV, or the camera cannot be opened
            raise CardFrontError(f"card-front camera cv:{self.index}: {exc}") from None
        try:
            for _ in range(WARM_UP_FRAMES):  # let the exposure settle on the tray
                camera.read()
            return Image.fromarray(camera.read())
        except FaceError as exc:
            raise CardFrontError(
                f"card-front camera cv:{self.index} gave no picture ({exc})"
            ) from None
        finally:
            camera.close()


def open_front_camera(spec: str) -> FrontCamera:
    """The card-front camera named by ``--card-camera``; a spec that names none raises
    :class:`CardFrontError` in one line."""
    if spec == PRINTED:
        return PrintedFront()
    if spec.startswith(IMAGE) and spec[len(IMAGE) :]:
        path = Path(spec[len(IMAGE) :])
        if "\0" in spec or not path.is_file():
            raise CardFrontError(f"card camera {spec!r}: no such image file")
        return ImageFront(path)
    if spec.startswith(CV):
        index = spec[len(CV) :]
        if not index.isdigit():
            raise CardFrontError(f"card camera {spec!r}: use cv:<index>, e.g. cv:1")
        return CvFront(int(index))
    raise CardFrontError(f"card camera {spec!r}: use image:<path>, cv:<index> or printed")
