"""The card's file model: elementary files, PIN files and key files, grouped per applet.

Each applet module (``applet_*.py``) builds an :class:`AppletFiles` from a
:class:`~kiosk.simcard.state.CardState` each time the applet is selected, so a reset or
re-issue of the state shows at the next SELECT. Contents are callables: derived files (the
individual number, the basic 4 info, the card face) are computed only when read.

Access rules:

- :class:`BinaryFile` with ``opened_by=None`` is free to read; otherwise one of the named
  PINs must have been verified in this applet since it was selected.
- :class:`PinFile` is never readable; VERIFY / CHANGE address it (by the current EF or SFI).
- :class:`KeyFile` is never readable; ``80 2A`` signs with it once ``needs`` is verified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.card.applets import Applet
from kiosk.simcard.state import CardState
from kiosk.vocabulary import PinKind

MAX_SFI = 0x1E
"""Short EF identifiers run 1-30; every EF of the card is in 0001-001E."""


@dataclass(frozen=True)
class BinaryFile:
    """A transparent EF read with READ BINARY."""

    fid: int
    content: Callable[[], bytes]
    opened_by: frozenset[PinKind] | None = None  # None: free to read

    def readable_with(self, verified: set[PinKind]) -> bool:
        return self.opened_by is None or bool(self.opened_by & verified)


@dataclass(frozen=True)
class PinFile:
    """A PIN (or 照合番号) object; ``change_ins`` is the INS that may change it (None: never)."""

    fid: int
    pin: PinKind
    change_ins: int | None = None


@dataclass(frozen=True)
class KeyFile:
    """An RSA private key (PKCS#8 DER from ``key``), usable by COMPUTE SIGNATURE."""

    fid: int
    key: Callable[[], bytes]
    needs: PinKind


ElementaryFile = BinaryFile | PinFile | KeyFile


@dataclass
class AppletFiles:
    """The EFs one applet holds, by file id."""

    applet: Applet
    files: dict[int, ElementaryFile] = field(default_factory=dict)

    def add(self, ef: ElementaryFile) -> None:
        self.files[ef.fid] = ef

    def get(self, fid: int) -> ElementaryFile | None:
        return self.files.get(fid)

    def by_sfi(self, sfi: int) -> ElementaryFile | None:
        """The EF addressed by a short EF id (its file id, 1-30)."""
        if not 1 <= sfi <= MAX_SFI:
            return None
        return self.files.get(sfi)


@dataclass
class CardContext:
    """What applet builders read: the chip state, the photo source and a per-card cache.

    ``photo(person_id)`` returns the chip's greyscale JPEG 2000 face photo; ``cache`` keeps
    derived blobs (the photo, the card face images) for the life of the virtual card.
    """

    state: CardState
    photo: Callable[[str], bytes]
    cache: dict[str, bytes] = field(default_factory=dict)

    def cached(self, key: str, make: Callable[[], bytes]) -> bytes:
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = make()
        return value


def fixed(value: bytes) -> Callable[[], bytes]:
    """A content callable for bytes known when the applet is built."""
    return lambda: value
