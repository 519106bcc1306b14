"""In-memory collaborators the kiosk runs with where no real part is wanted: scripted face
verdicts (the ``scripted:`` cameras of ``kiosk run``, the demo and the scenarios) and one staff
credential (a scenario's staff password). The tests' doubles (a fake card and reader, an
eligibility table, a records list) are in ``tests/helpers/doubles.py``."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from kiosk.reception.ports import FaceFrame, FaceVerdict


class ScriptedFace:
    """Face verdicts from a list ("match" / "no-match"); the last one repeats."""

    def __init__(self, script: list[str] | None = None) -> None:
        self.script = list(script or ["match"])
        self.prepared: bytes | None = None
        self.attempts = 0

    def prepare(self, card_photo: bytes) -> None:
        self.prepared = card_photo

    def attempt(self, on_frame: Callable[[FaceFrame], bool]) -> FaceVerdict:
        verdict = self.script[min(self.attempts, len(self.script) - 1)]
        self.attempts += 1
        if not on_frame(FaceFrame(None, None, 1.0)):
            return FaceVerdict(False, "stopped")
        return FaceVerdict(verdict == "match", "" if verdict == "match" else "no_match")

    def forget(self) -> None:
        self.prepared = None


class StaticStaff:
    """Accepts one credential (compared by digest, constant time)."""

    def __init__(self, credential: str) -> None:
        self._digest = hashlib.sha256(credential.encode()).digest()

    def check(self, credential: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(credential.encode()).digest(), self._digest)
