"""No frame, crop or encoding outlives the decision, forget(), or reaches a file."""

from __future__ import annotations

import gc
import os
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from helpers.frames import run_frames
from kiosk.face.matching.results import Verdict
from kiosk.face.matching.verifier import DlibVerifier


def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.fixture
def watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """cwd and the temp dir both point at an empty watched folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return tmp_path


def test_frames_and_encodings_are_not_kept_after_the_verdict(
    watched: Path, card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    camera = person_camera("obama")
    verifier = DlibVerifier()
    verifier.prepare(card_jp2("obama-2"))
    card = verifier._card
    assert card is not None and card._encoding is not None
    card_ref = weakref.ref(card._encoding)
    frame_refs = []
    for i in range(120):
        frame = camera.read()  # type: ignore[attr-defined]
        frame_refs.append(weakref.ref(frame))
        result = verifier.check(frame, now=i / 30)
        del frame
        if result.verdict.final:
            break
    assert result.verdict is Verdict.MATCH
    del card
    gc.collect()
    assert card_ref() is None
    assert all(ref() is None for ref in frame_refs)
    # nothing image-like is left on the verifier or its liveness tracker
    left = [v for v in vars(verifier._liveness).values() if isinstance(v, np.ndarray)]
    assert left == []
    assert _tree(watched) == []


def test_forget_drops_everything_mid_attempt(
    watched: Path, card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    with DlibVerifier() as verifier:
        verifier.prepare(card_jp2("obama"))
        encoding_ref = weakref.ref(verifier._card._encoding)  # type: ignore[union-attr,arg-type]
        run_frames(verifier, person_camera("obama", blink=False), 10)
        assert verifier._liveness._previous is not None  # a thumbnail while it runs
    gc.collect()
    assert encoding_ref() is None
    assert not verifier.ready
    assert verifier._liveness._previous is None
    assert _tree(watched) == []


def test_results_and_errors_carry_no_image_data(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    verifier = DlibVerifier()
    verifier.prepare(card_jp2("obama"))
    result = verifier.check(person_camera("obama").read(), now=0.0)  # type: ignore[attr-defined]
    assert not any(isinstance(v, np.ndarray) for v in vars(result).values())
    assert len(repr(result)) < 1000


def test_no_file_is_written_by_a_whole_cli_eval(watched: Path) -> None:
    from kiosk.cli import main
    from kiosk.face.camera.people import people_dir

    before = _tree(people_dir())
    assert main(["face", "eval", str(people_dir() / "pairs.csv"), "--json"]) == 0
    assert _tree(watched) == []
    assert _tree(people_dir()) == before
    assert not any(name.startswith("kiosk") for name in os.listdir(watched))
