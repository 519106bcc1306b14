"""What staff see of a waiting patient, held in memory only while that kiosk waits.

The chip photo and a small, low-rate live image (JPEG, at most :data:`FRAME_WIDTH` pixels
wide) with the card holder's name and birth date. Nothing here is written to a file or a
database: :meth:`MediaHub.clear` drops a kiosk's view when its reception leaves 目視確認 or
ends, and the station sends it to signed-in browsers only, over their WebSocket.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from kiosk.station.eras import era_date, era_year

FRAME_WIDTH = 320
PHOTO_HEIGHT = 320
JPEG_QUALITY = 70


@dataclass(frozen=True)
class Holder:
    """The card holder as the card states it (券面事項, read without a PIN)."""

    name: str = ""  # kanji, "姓　名"
    kana: str = ""  # when the card gives it
    birth_date: str = ""  # ISO date
    age: int | None = None
    sex: str = ""  # "1" male, "2" female, "9"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kana": self.kana,
            "birth_date": self.birth_date,
            "age": self.age,
            "sex": self.sex,
            **birth_words(self.birth_date),
        }


def birth_words(birth_date: str) -> dict[str, str]:
    """The birth date as patients say it: ``birth_ja`` 昭和43年9月12日, ``birth_era_en``
    Showa 43 (both empty when the date cannot be read)."""
    try:
        day = date.fromisoformat(birth_date)
    except ValueError:
        return {"birth_ja": "", "birth_era_en": ""}
    return {"birth_ja": era_date(day, "ja"), "birth_era_en": era_year(day, "en")}


@dataclass(frozen=True)
class Viewing:
    """One kiosk's waiting patient as staff see it."""

    kiosk_id: str
    reception_id: str
    photo: bytes | None = field(default=None, repr=False)  # JPEG
    frame: bytes | None = field(default=None, repr=False)  # JPEG
    frame_no: int = 0
    holder: Holder | None = field(default=None, repr=False)


def photo_jpeg(data: bytes) -> bytes | None:
    """The chip photo (JPEG 2000 or any Pillow image) as a JPEG; None when unreadable."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            grey = image.convert("L")
            if grey.height > PHOTO_HEIGHT:
                width = max(1, grey.width * PHOTO_HEIGHT // grey.height)
                grey = grey.resize((width, PHOTO_HEIGHT))
            out = io.BytesIO()
            grey.save(out, format="JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
    except Exception:  # a broken photo leaves the box saying so
        return None


def frame_jpeg(array: Any) -> bytes | None:
    """A camera frame (numpy RGB uint8 HxWx3) as a small JPEG; None when it is not one."""
    shape = tuple(getattr(array, "shape", ()))
    if len(shape) != 3 or shape[2] != 3:
        return None
    try:
        from PIL import Image

        image = Image.fromarray(array, "RGB")
        if image.width > FRAME_WIDTH:
            image = image.resize((FRAME_WIDTH, max(1, image.height * FRAME_WIDTH // image.width)))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=JPEG_QUALITY)
        return out.getvalue()
    except Exception:
        return None


class MediaHub:
    """The waiting patients of the kiosks whose links run in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._views: dict[str, Viewing] = {}
        self.listeners: list[Callable[[str], None]] = []
        self.stations: set[str] = set()  # the stations of this process (they see the views)

    def open(self, kiosk_id: str, reception_id: str) -> None:
        with self._lock:
            self._views[kiosk_id] = Viewing(kiosk_id, reception_id)
        self._tell(kiosk_id)

    def update(self, kiosk_id: str, reception_id: str, **changes: Any) -> None:
        """Set ``photo``, ``holder`` or ``frame`` of a kiosk's view (ignored when the view is
        of another reception or closed)."""
        with self._lock:
            view = self._views.get(kiosk_id)
            if view is None or view.reception_id != reception_id:
                return
            if "frame" in changes:
                changes["frame_no"] = view.frame_no + 1
            self._views[kiosk_id] = replace(view, **changes)
        self._tell(kiosk_id)

    def clear(self, kiosk_id: str) -> None:
        with self._lock:
            gone = self._views.pop(kiosk_id, None)
        if gone is not None:
            self._tell(kiosk_id)

    def get(self, kiosk_id: str) -> Viewing | None:
        with self._lock:
            return self._views.get(kiosk_id)

    def _tell(self, kiosk_id: str) -> None:
        for listener in list(self.listeners):
            listener(kiosk_id)


_HUB = MediaHub()


def media_hub() -> MediaHub:
    """This process's hub (the kiosk links and the station of one process share it)."""
    return _HUB
