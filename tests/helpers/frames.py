"""Feeding frames to a verifier at camera time (frame i at i / 30 s)."""

from __future__ import annotations

from typing import Any

from kiosk.face.matching.results import FrameResult


def run_frames(verifier: Any, camera: Any, frames: int, fps: float = 30.0) -> list[FrameResult]:
    """Check up to ``frames`` frames; stop after the first final verdict."""
    results = []
    for i in range(frames):
        result = verifier.check(camera.read(), now=i / fps)
        results.append(result)
        if result.verdict.final:
            break
    return results
