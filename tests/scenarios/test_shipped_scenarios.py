"""The shipped scenarios, through the CLI: all pass, every rule and deck profile covered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.paths import assets_dir
from kiosk.simcard.deck import profile_names

SCENARIOS = assets_dir() / "scenarios"


def test_every_shipped_scenario_passes_and_the_last_line_sums_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["scenario", "run", str(SCENARIOS), "--json"])
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    failed = [s for s in summary["scenarios"] if not s["passed"]]
    assert failed == [] and code == 0
    assert summary["passed"] >= 20 and summary["failed"] == 0
    events = [json.loads(line) for line in lines[:-1]]
    assert {"scenario", "event", "from", "to", "screen"} <= set(events[0])
    screens = {e["screen"] for e in events}
    for screen in (
        "card-error",
        "expiry-alert",
        "register",
        "method",
        "face-failed",
        "pin",
        "pin-locked",
        "staff-wait",
        "consent-item",
        "high-cost",
        "limit-consent",
        "specific-disease",
        "prescription",
        "done",
        "cancelled",
        "idle-warning",
    ):
        assert screen in screens, screen


def test_the_scenarios_cover_every_deck_profile() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SCENARIOS.glob("*.yaml"))
    missing = [name for name in profile_names() if f"card: {name}\n" not in text]
    assert missing == []


def test_a_failing_scenario_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "name: expects the wrong thing\ncard: standard\nsteps: [place_card]\n"
        "expect: {state: done}\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (tmp_path / "unknown.yaml").write_text(
        "card: standard\nsteps: [place_card, {dance: yes}]\n", encoding="utf-8"
    )
    code = main(["scenario", "run", str(tmp_path), "--json"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 1
    assert summary["failed"] == 3 and summary["passed"] == 0
    reasons = " ".join(f for s in summary["scenarios"] for f in s["failures"])
    assert "expected 'done'" in reasons and "cannot read YAML" in reasons
    assert "unknown step 'dance'" in reasons


def test_a_card_file_carries_a_lock_to_the_next_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("06-three-wrong-pins-lock.yaml", "07-lock-persists.yaml"):
        (tmp_path / name).write_text((SCENARIOS / name).read_text("utf-8"), encoding="utf-8")
    home = tmp_path / "home"
    assert main(["scenario", "run", str(tmp_path), "--home", str(home)]) == 0
    assert (home / "lock-test.card").exists()
    # run only the second one in the same home: the lock is still on the card file
    assert (
        main(["scenario", "run", str(tmp_path / "07-lock-persists.yaml"), "--home", str(home)]) == 0
    )
    capsys.readouterr()
