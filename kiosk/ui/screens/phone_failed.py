"""phone-failed: why the smartphone cannot be used (its PIN locked, the iPhone's Face ID /
Touch ID, its certificate expired or revoked — also when the card expired —, a card held
over the phone reader) and what to do: hold it again when that can help, or show the
マイナポータル screen to the staff."""

from __future__ import annotations

from kiosk.ui.screens.alert import AlertScreen


class PhoneFailedScreen(AlertScreen):
    screen_id = "phone-failed"
