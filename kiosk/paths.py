"""Where the kiosk finds its assets and keeps its state.

``KIOSK_ASSETS`` overrides the assets folder (default: ``assets/`` beside the package);
``KIOSK_HOME`` overrides the state folder (default: ``~/.local/share/kiosk``), which holds the
simulated CA's revocation list and ledger, card files made by default, records and the outbox.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from kiosk.errors import KioskError


class KioskHomeError(KioskError):
    """The kiosk home folder cannot be made (read-only or full disk, a file in the way)."""


def assets_dir() -> Path:
    override = os.environ.get("KIOSK_ASSETS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "assets"


def kiosk_home() -> Path:
    override = os.environ.get("KIOSK_HOME")
    home = Path(override) if override else Path.home() / ".local" / "share" / "kiosk"
    try:
        home.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise KioskHomeError(f"the kiosk home {home!s} cannot be made ({problem})") from None
    return home


@contextlib.contextmanager
def kiosk_home_at(home: Path) -> Iterator[Path]:
    """Run with KIOSK_HOME at ``home`` (CA ledger, records, outbox, card files)."""
    old = os.environ.get("KIOSK_HOME")
    os.environ["KIOSK_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("KIOSK_HOME", None)
        else:
            os.environ["KIOSK_HOME"] = old
