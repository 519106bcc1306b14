"""The fuzz machinery: failures are shrunk and saved, hangs and memory hogs are caught, known
failures are tolerated only where listed, and ``kiosk fuzz`` reports in one line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.fuzz import known as known_module
from kiosk.fuzz import registry
from kiosk.fuzz.known import Known, known
from kiosk.fuzz.runner import run_target, save_reproducer
from kiosk.fuzz.target import Hang, Target, TooMuchMemory


def _text_target(feed: object, **options: object) -> Target:
    return Target(
        name="toy",
        summary="a toy input",
        inputs=st.text(max_size=40),
        feed=feed,  # type: ignore[arg-type]
        encode=lambda t: t.encode("utf-8"),
        decode=lambda b: b.decode("utf-8"),
        suffix=".txt",
        examples=300,
        **options,  # type: ignore[arg-type]
    )


def _breaks_on_z(text: str, _work: Path) -> None:
    if "z" in text:
        raise TypeError("z is not handled")


def test_a_failure_is_shrunk_saved_and_replayed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _text_target(_breaks_on_z)
    report = run_target(target, derandomize=True)
    assert report.failure is not None
    assert report.failure.value == "z"  # minimal
    assert report.failure.error == "TypeError: z is not handled"
    assert "_breaks_on_z" in report.failure.traceback_head
    saved = save_reproducer(target, report.failure, tmp_path)
    assert saved.read_bytes() == b"z"
    assert "TypeError" in Path(f"{saved}.txt").read_text()
    monkeypatch.setitem(registry.TARGETS, "toy", target)
    assert main(["fuzz", "--replay", str(saved)]) == 1
    assert "TypeError: z is not handled" in capsys.readouterr().err


def test_a_hang_is_a_failure() -> None:
    def slow(text: str, _work: Path) -> None:
        if "h" in text:
            time.sleep(5)

    report = run_target(_text_target(slow, hang_s=0.2), derandomize=True, examples=200)
    assert report.failure is not None and report.failure.error.startswith("Hang")


def test_too_much_memory_is_a_failure() -> None:
    def hog(text: str, _work: Path) -> None:
        if "m" in text:
            blob = bytearray(40_000_000)
            del blob

    report = run_target(_text_target(hog, memory_mb=10), derandomize=True, examples=200)
    assert report.failure is not None
    assert report.failure.error.startswith(TooMuchMemory.__name__)
    assert Hang.__name__ not in report.failure.error


def test_known_failures_match_target_module_and_message(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = Known("toy", ValueError, "kiosk/config.py", "finite number", "a test entry")
    monkeypatch.setattr(known_module, "KNOWN", (entry,))
    try:
        Settings().with_overrides({"display_s": float("nan")})
    except Exception as exc:  # SettingsError: not a ValueError, so not this entry
        assert known("toy", exc) is None
    from kiosk.config import _convert

    with pytest.raises(ValueError) as caught:
        _convert("display_s", float("nan"))
    assert known("toy", caught.value) is entry
    assert known("other", caught.value) is None
    with pytest.raises(ValueError) as here:
        raise ValueError("not a finite number, but raised outside the kiosk")
    assert known("toy", here.value) is None


def test_cli_lists_targets_and_refuses_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in registry.TARGETS)
    assert main(["fuzz", "--target", "no-such"]) == 2
    assert main(["fuzz", "--minutes", "0"]) == 2
    assert main(["fuzz", "--minutes", "nan"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err


def test_cli_runs_a_target_for_a_time_budget(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "--minutes", "0.05", "--target", "apdu", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["targets"]
    assert row["target"] == "apdu" and row["examples"] > 0 and row["failure"] is None
