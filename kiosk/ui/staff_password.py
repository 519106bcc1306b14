"""The staff entries of the kiosk window (Qt-free): the staff password's file (the hash is
kiosk.config's) and the facility's 目視 passcode (kiosk.station_tables.passcode)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.records.database import default_url, open_database
from kiosk.station_tables.passcode import passcode_set_in
from kiosk.ui.errors import StaffPasswordError


def staff_password_set(settings: Any) -> bool:
    """Whether a staff password hash exists for these settings."""
    path = settings.staff_password_path()
    try:
        return path.is_file() and path.read_text(encoding="ascii").startswith("scrypt$")
    except (OSError, UnicodeDecodeError):
        return False


def records_url(settings: Any, given: str | None = None) -> str:
    """The records database of ``--records`` (``given``), ``$KIOSK_RECORDS``, the settings,
    else the default; a bare path as a SQLite URL."""
    url = given or os.environ.get("KIOSK_RECORDS") or settings.records_url or default_url()
    return url if "://" in url else f"sqlite:///{Path(url).resolve()}"


@dataclass(frozen=True)
class ReaderEntries:
    """How staff switch a reader to 目視 (either is enough for kiosk mode): the facility's
    4-digit passcode (None: the records could not be read, with ``problem`` saying why) and
    the staff password."""

    passcode: bool | None
    password: bool
    problem: str = ""

    @property
    def any(self) -> bool:
        return bool(self.passcode) or self.password


def reader_entries(settings: Any, url: str | None = None) -> ReaderEntries:
    """Which 目視 entries are set for these settings and records."""
    password = staff_password_set(settings)
    try:
        db = open_database(records_url(settings, url))
        try:
            return ReaderEntries(passcode_set_in(db), password)
        finally:
            db.close()
    except KioskError as exc:
        return ReaderEntries(None, password, str(exc))


def require_staff_password(settings: Any, url: str | None = None) -> None:
    """Kiosk mode has no way to 目視 at the reader without the facility's passcode or the
    staff password: refuse to start without either."""
    entries = reader_entries(settings, url)
    if not entries.any:
        unread = f" (the records could not be read: {entries.problem})" if entries.problem else ""
        raise StaffPasswordError(
            "kiosk mode needs a visual-check passcode or a staff password"
            f"{unread}: set the passcode with `kiosk staff set-passcode` or a password with "
            "`kiosk staff set-password`, then start again"
        )
