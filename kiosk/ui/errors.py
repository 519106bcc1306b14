"""The UI layer's exceptions."""

from __future__ import annotations

from kiosk.errors import KioskError


class UiError(KioskError):
    """Root of the errors raised by the kiosk window (no display, missing catalogue …)."""


class StaffPasswordError(UiError):
    """The staff password is not set, or the one given is wrong."""
