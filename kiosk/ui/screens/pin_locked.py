"""pin-locked: what happened (the 利用者証明用 PIN locked after wrong entries), the ways left
(face, staff) and where it is unlocked. The kiosk only ever verifies the 利用者証明用 PIN, so
that is the one it names."""

from __future__ import annotations

from kiosk.ui.screens.alert import AlertScreen


class PinLockedScreen(AlertScreen):
    screen_id = "pin-locked"
