"""The staff password as the kiosk window needs it (Qt-free; the hash is kiosk.config's)."""

from __future__ import annotations

from typing import Any

from kiosk.ui.errors import StaffPasswordError


def staff_password_set(settings: Any) -> bool:
    """Whether a staff password hash exists for these settings."""
    path = settings.staff_password_path()
    try:
        return path.is_file() and path.read_text(encoding="ascii").startswith("scrypt$")
    except (OSError, UnicodeDecodeError):
        return False


def require_staff_password(settings: Any) -> None:
    """Kiosk mode has no way out but the staff console: refuse to start without a password."""
    if not staff_password_set(settings):
        raise StaffPasswordError(
            "kiosk mode needs a staff password (there is no default): "
            "set one with `kiosk staff set-password`, then start again"
        )
