"""The reception flow's exceptions: one root (:class:`FlowError`) below ``KioskError``."""

from __future__ import annotations

from typing import TypeVar

from kiosk.errors import KioskError


class FlowError(KioskError):
    """An event the flow does not accept in its current state (strict events)."""


class RefusedError(FlowError):
    """An event the current state knows, refused by a rule (``guard`` names the rule)."""

    def __init__(self, event: str, state: str, guard: str) -> None:
        super().__init__(f"{event} refused in state {state}: rule {guard}")
        self.event = event
        self.state = state
        self.guard = guard


T = TypeVar("T")


def need(value: T | None, what: str) -> T:
    """``value``, or FlowError when the flow reached a point without it (a bug)."""
    if value is None:
        raise FlowError(f"the reception has no {what} at this point")
    return value


class FlowDefinitionError(FlowError):
    """A flow class whose declared transitions are inconsistent (raised at class definition)."""
