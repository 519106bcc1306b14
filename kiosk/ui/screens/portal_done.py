"""portal-done: the staff checked the patient's マイナポータル screen by eye; the patient
goes on to the desk (nothing lies on the reader to take)."""

from __future__ import annotations

from kiosk.ui.screens.done import DoneScreen


class PortalDoneScreen(DoneScreen):
    screen_id = "portal-done"
