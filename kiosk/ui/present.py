"""From the flow's :class:`~kiosk.reception.Screen` to what a kiosk screen shows (no Qt).

The flow names the screen and its details; this module picks the widget (``screen id``) and
the few values it needs. Texts come from the UI's own catalogue (:mod:`kiosk.ui.i18n`), so
both languages go through Qt's translation machinery.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.reception import Change, Screen

TRANSIENT_IDS = frozenset({"pin-check", "qualifying", "finishing"})
"""Flow states entered and left inside one event: the screen on show stays."""

HIGH_COST_STAGES = {
    "high-cost": "use",
    "limit-consent": "limit",
    "specific-disease": "specific_disease",
}


def option(screen: Screen, event: str) -> tuple[bool, bool]:
    """(offered, enabled) for the button that sends ``event``."""
    for choice in screen.options:
        if choice.event == event:
            return True, choice.enabled
    return False, False


def present(
    screen: Screen, event: str = "", today: date | None = None
) -> tuple[str, dict[str, Any]] | None:
    """(screen id, data) for the kiosk window; None to keep the current screen."""
    details = screen.details
    sid = screen.id
    if sid in TRANSIENT_IDS:
        return None
    data: dict[str, Any] = {}
    # the flow says where cancelling is possible (not on end screens nor while reading)
    data["can_cancel"] = option(screen, "cancel")[0]
    if sid in HIGH_COST_STAGES:
        return "high-cost", {"stage": HIGH_COST_STAGES[sid], "can_cancel": data["can_cancel"]}
    if sid == "card-error":
        data["code"] = str(details.get("error_code", "001"))
    elif sid == "expiry-alert":
        text = details.get("expiry_date")
        if isinstance(text, str):
            expiry = date.fromisoformat(text)
            data["expiry"] = expiry
            data["expired"] = expiry < (today or date.today())
    elif sid in ("method", "face-failed", "pin", "pin-locked"):
        data["face_only"] = bool(details.get("face_only"))
        data["pin_locked"] = details.get("locked_pin") == "auth"
        data["tries_left"] = details.get("pin_tries_left")
        data["wrong"] = event == "pin_wrong" and sid == "pin"
        data["can_retry"] = option(screen, "retry_face") == (True, True)
        data["can_use_pin"] = option(screen, "choose_pin") == (True, True)
        data["can_call_staff"] = option(screen, "call_staff")[1]
        data["can_use_face"] = option(screen, "choose_face")[1]
        data["face_reason"] = str(details.get("face_reason", "") or "")
    elif sid == "consent-item":
        data["item"] = str(details.get("consent_item", ""))
        index, total = details.get("item_index"), details.get("item_count")
        if isinstance(index, int) and isinstance(total, int):
            data["index"], data["total"] = index + 1, total
    elif sid == "idle-warning":
        data["seconds_left"] = details.get("idle_seconds_left")
    elif sid == "done":
        data["validity"] = details.get("qualification_validity")
    return sid, data


def present_change(change: Change) -> tuple[str, dict[str, Any]] | None:
    return present(change.screen, change.event)
