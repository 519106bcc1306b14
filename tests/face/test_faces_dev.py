"""Accuracy on faces-dev (7 people x 5 photos, kept outside the repository): a benchmark-style
test, skipped when the set is not there.

It is looked for in ``shared/faces-dev`` beside the repository (where CI puts its copy of
shared/), or where ``KIOSK_FACES_DEV`` points. Every ordered pair of two different photos is
compared through the kiosk's matcher (card side through the chip path): 140 same-person and
1,050 different-person pairs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kiosk
from kiosk.face.evaluate import evaluate, rule_tolerance
from kiosk.face.verifier import DEFAULT_TOLERANCE


def faces_dev() -> Path | None:
    repo = Path(kiosk.__file__).resolve().parent.parent
    candidates = [repo.parent / "shared" / "faces-dev"]
    if os.environ.get("KIOSK_FACES_DEV"):
        candidates.insert(0, Path(os.environ["KIOSK_FACES_DEV"]))
    return next((p for p in candidates if p.is_dir() and any(p.glob("*.png"))), None)


FACES_DEV = faces_dev()


@pytest.mark.slow
@pytest.mark.skipif(
    FACES_DEV is None, reason="faces-dev not found in ../shared/faces-dev (or KIOSK_FACES_DEV)"
)
def test_faces_dev_at_the_shipped_tolerance() -> None:
    assert FACES_DEV is not None
    report = evaluate(FACES_DEV, DEFAULT_TOLERANCE)
    assert (report["genuine_pairs"], report["impostor_pairs"]) == (140, 1050)
    assert report["false_matches"] == 0
    assert report["false_non_matches"] <= 3
    # the shipped tolerance keeps the stated margin below every different-person pair
    assert rule_tolerance(report["closest_impostor"]) >= DEFAULT_TOLERANCE
