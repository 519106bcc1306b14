"""Accuracy on the development sets kept outside the repository (``shared/faces-dev``: 7 people
x 5 photos; ``shared/faces-asia-dev``: 25 East Asian women, one photo each, and two Japanese
men, six each): benchmark-style tests, skipped with a message when a set is not there.

They are looked for beside the repository (where CI puts its copy of shared/), or where
``KIOSK_FACES_DEV`` / ``KIOSK_FACES_ASIA_DEV`` point. Every ordered pair of two different photos
goes through the kiosk's matcher (card side through the chip path) at the shipped tolerance.
Any false match fails. The false non-matches are held to what the shipped model measured
(docs/face.md): more would mean the pipeline got worse.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import kiosk
from kiosk.face.evaluation.evaluate import evaluate
from kiosk.face.evaluation.threshold import rule_tolerance
from kiosk.face.matching.models import DEFAULT_MODEL
from kiosk.face.matching.verifier import DEFAULT_TOLERANCE


def _find(name: str, variable: str) -> Path | None:
    repo = Path(kiosk.__file__).resolve().parent.parent
    candidates = [repo.parent / "shared" / name]
    if os.environ.get(variable):
        candidates.insert(0, Path(os.environ[variable]))
    return next((p for p in candidates if p.is_dir() and any(p.glob("*.*g"))), None)


FACES_DEV = _find("faces-dev", "KIOSK_FACES_DEV")
FACES_ASIA_DEV = _find("faces-asia-dev", "KIOSK_FACES_ASIA_DEV")
need_dev = pytest.mark.skipif(
    FACES_DEV is None, reason="faces-dev not found in ../shared/faces-dev (or KIOSK_FACES_DEV)"
)
need_asia = pytest.mark.skipif(
    FACES_ASIA_DEV is None,
    reason="faces-asia-dev not found in ../shared/faces-asia-dev (or KIOSK_FACES_ASIA_DEV)",
)


@cache
def _report(folder: Path) -> dict[str, Any]:
    return evaluate(folder, DEFAULT_TOLERANCE)


@pytest.mark.slow
@need_dev
def test_faces_dev_at_the_shipped_tolerance() -> None:
    assert FACES_DEV is not None
    report = _report(FACES_DEV)
    assert report["model"] == DEFAULT_MODEL
    assert (report["genuine_pairs"], report["impostor_pairs"]) == (140, 1050)
    assert report["failures_to_acquire"] == []
    assert report["false_matches"] == 0
    assert report["false_non_matches"] <= 50  # 45 measured (docs/face.md)


@pytest.mark.slow
@need_asia
def test_faces_asia_dev_at_the_shipped_tolerance() -> None:
    assert FACES_ASIA_DEV is not None
    report = _report(FACES_ASIA_DEV)
    # momo.jpg has no face dlib's HOG detector finds: the CNN detector finds it
    assert report["failures_to_acquire"] == []
    assert (report["genuine_pairs"], report["impostor_pairs"]) == (60, 1272)
    assert report["false_matches"] == 0
    assert report["false_non_matches"] <= 18  # 15 measured (docs/face.md)


@pytest.mark.slow
@need_asia
@need_dev
def test_the_shipped_tolerance_follows_the_rule_on_the_sets() -> None:
    assert FACES_DEV is not None and FACES_ASIA_DEV is not None
    people = Path(kiosk.__file__).resolve().parent.parent / "assets" / "people" / "pairs.csv"
    sets = {
        path.name: [p["distance"] for p in _report(path)["pairs"] if p["same"] == 0]
        for path in (FACES_DEV, FACES_ASIA_DEV, people)
    }
    assert rule_tolerance(sets) == DEFAULT_TOLERANCE
