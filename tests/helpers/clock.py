"""A wall clock moved by hand, for code that takes ``clock=`` (a callable giving the time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class HandClock:
    """Now, until :meth:`advance` moves it: waits never pass by themselves."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
