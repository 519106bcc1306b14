"""From the flow's :class:`~kiosk.reception.Screen` to what a kiosk screen shows (no Qt).

Every screen gets the flow's texts (``body``: catalogue keys with their parameters) and its
``options`` (the buttons: event, value, label, enabled, reason), plus the few facts it shows
from the screen's details (tries left, the error code, the expiry date …). A button sends its
option's event and value back to the flow unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.reception import Change, Event, Screen
from kiosk.vocabulary import ReaderError

TRANSIENT_IDS = frozenset({"pin-check", "qualifying", "finishing"})
"""Flow states entered and left inside one event: the screen on show stays."""

WIDGETS = {
    "limit-consent": "high-cost",
    "specific-disease": "high-cost",
    "card-left": "take-card",
}
"""Flow screens shown by another screen's widget (the high-cost steps share one, and so do
the two screens asking for a card left on the reader)."""


def present(
    screen: Screen, event: str = "", today: date | None = None
) -> tuple[str, dict[str, Any]] | None:
    """(widget id, data) for the kiosk window; None to keep the current screen."""
    details = screen.details
    sid = screen.id
    if sid in TRANSIENT_IDS:
        return None
    data: dict[str, Any] = {"body": screen.body, "options": screen.options}
    if sid in WIDGETS:
        data["stage"] = sid
    elif sid == "card-error":
        data["code"] = str(details.get("error_code", ReaderError.NOT_RECOGNISED.value))
    elif sid == "expiry-alert":
        text = details.get("expiry_date")
        if isinstance(text, str):
            expiry = date.fromisoformat(text)
            data["expiry"] = expiry
            data["expired"] = expiry < (today or date.today())
    elif sid in ("pin", "phone-pin"):
        data["tries_left"] = details.get("pin_tries_left")
        data["wrong"] = event == Event.PIN_WRONG
    elif sid == "consent-item":
        data["item"] = str(details.get("consent_item", ""))
        data["hours"] = details.get("valid_hours", 24)
        index, total = details.get("item_index"), details.get("item_count")
        if isinstance(index, int) and isinstance(total, int):
            data["index"], data["total"] = index + 1, total
    elif sid == "idle-warning":
        data["seconds_left"] = details.get("idle_seconds_left")
    elif sid == "face-failed":
        data["reason"] = str(details.get("face_reason") or "")
    elif sid == "done":
        data["completed"] = details.get("completed", True)
    if "ended_by" in details:
        data["ended_by"] = details["ended_by"]
    if details.get("patient_name"):  # the name as the eligibility service sent it (●)
        data["patient_name"] = details["patient_name"]
    return WIDGETS.get(sid, sid), data


def present_change(change: Change) -> tuple[str, dict[str, Any]] | None:
    return present(change.screen, change.event)
