"""phone-reading: the smartphone is being read (1–2 seconds); do not move it."""

from __future__ import annotations

from kiosk.ui.screens.reading import ReadingScreen


class PhoneReadingScreen(ReadingScreen):
    screen_id = "phone-reading"
