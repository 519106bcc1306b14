"""The shipped scenarios, through the CLI: all pass, every rule and deck profile covered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.clinic_parser import ClinicParseError, parse_onshi_result
from kiosk.cli import main
from kiosk.paths import assets_dir
from kiosk.records.result_xml import NAME_PATTERNS
from kiosk.simcard.deck import profile_names

SCENARIOS = assets_dir() / "scenarios"


def test_every_shipped_scenario_passes_and_the_last_line_sums_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    code = main(["scenario", "run", str(SCENARIOS), "--json", "--home", str(home)])
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
    _every_result_file_is_read_by_a_clinic_system(home)


def _every_result_file_is_read_by_a_clinic_system(home: Path) -> None:
    """Every result file the scenarios wrote sits in the outbox's face folder under the
    terminal's name, decodes by its declared character code, and the clinic system's parser
    (myclinic-ts's reading, tests/helpers/clinic_parser.py) accepts it — except 該当資格なし:
    no insurance, so no InsuredCardClassification or InsurerName, which that parser requires
    of every result item."""
    outbox = home / "outbox"
    files = sorted(outbox.rglob("*.xml"))
    assert len(files) >= 25
    refused = {}
    statuses = set()
    for path in files:
        assert path.parent == outbox / "face", path
        assert all(p.fullmatch(path.name) for p in NAME_PATTERNS), path.name
        try:
            seen = parse_onshi_result(path.read_bytes())
        except ClinicParseError as exc:
            refused[path.name] = str(exc)
            continue
        statuses.add((seen.segment_of_result, seen.processing_result_status))
    no_qualification = [p.name for p in files if b"<QualificationValidity>4<" in p.read_bytes()]
    assert sorted(refused) == sorted(no_qualification), refused
    assert all(
        why == "ResultOfQualificationConfirmation.InsuredCardClassification is missing"
        for why in refused.values()
    ), refused
    # the failed checks are among the accepted ones: no answer, and an error answer
    assert {("異常終了", "エラー"), ("正常終了", "エラー"), ("正常終了", "正常終了")} <= statuses


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
