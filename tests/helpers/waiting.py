"""Waiting for something to happen: poll a condition until it holds, with a generous limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

TIMEOUT_S = 60.0
"""The default limit: generous, since a wait ends as soon as its condition holds and a busy
machine (a full test run, a CI runner) is slow."""


def wait_for(
    condition: Callable[[], Any],
    timeout_s: float = TIMEOUT_S,
    what: str = "",
    *,
    poll_s: float = 0.05,
) -> Any:
    """Poll ``condition`` until it returns something truthy, and return that; fail (an
    AssertionError naming ``what``) once ``timeout_s`` has passed without it."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what or condition}")
        time.sleep(poll_s)
