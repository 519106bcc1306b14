"""The virtual card's exceptions: one root for the simulator, one class per thing a caller acts on.

Messages name files, fields and counts; never a PIN, a key or the individual number.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import KioskError


def shown_path(path: str | Path) -> str:
    """A path as a message shows it: quoted when it holds a control character (NUL, newline)."""
    text = str(path)
    return text if text.isprintable() else repr(text)


class SimCardError(KioskError):
    """Root of every error raised by the virtual card and its tools."""


class CardFileError(SimCardError):
    """A card file that cannot be used: missing, unreadable, corrupt, foreign or too new.

    ``path`` is the file; ``problem`` says what is wrong with it. The file is left as it is.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"card file {shown_path(self.path)}: {problem}")


class VpcdError(SimCardError):
    """The link to pcscd's vpcd driver failed (not listening, or it hung up)."""
