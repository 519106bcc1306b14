"""The desk's page in a real browser, as staff reach it: signed in, with its scripts running.

The page's HTML arrives before its scripts; its tabs are served disabled and enabled by the
desk's script once it has wired them, which also marks the calls tab current: that is what a
test waits for before it presses anything."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct horse battery"


def desk_ready(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait until the desk's script has run: its tabs now answer a click."""
    page.wait_for_selector(".tab.current", state="attached", timeout=timeout_ms)


def sign_in_at_desk(page: Any, base: str, staff_id: str, password: str = PASSWORD) -> None:
    """Open the desk, sign in as ``staff_id`` and wait until the desk's script runs."""
    page.goto(base)
    page.fill("#staff_id", staff_id)
    page.fill("#password", password)
    page.click("#login")
    desk_ready(page)
