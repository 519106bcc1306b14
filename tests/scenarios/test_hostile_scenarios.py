"""Scenario files a stranger could write: each is reported as a failed scenario (or the whole
run refused in one line), never a traceback; one scenario's broken disk does not stop the
run."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.records.store import RecordStore
from kiosk.scenarios.runner import MAX_SCENARIO_BYTES, run_scenarios


def run(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    report = run_scenarios([path], home=tmp_path / "home")
    assert report.failed == len(report.results) >= 1
    failures = [f for r in report.results for f in r.failures]
    assert all(len(f) < 600 and "Traceback" not in f for f in failures), failures
    return failures


BASE = "name: s\ncard: standard\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (BASE + "steps: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than"),
        (BASE + "settings: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n", "nested more than"),
        (BASE + "steps: &a [*a]\n", "step 1"),
        (BASE + "steps: [{refused: &r {step: {refused: *r}}}]\n", "refused"),
        (BASE + "steps: [{wait: .inf}]\n", "wait"),
        (BASE + "steps: [{wait: 1.0e+18}]\n", "wait"),
        (BASE + "steps: [{wait: " + "9" * 5000 + "}]\n", "cannot read YAML"),
        (BASE + "steps: [{wait: 2024-13-45}]\n", "cannot read YAML"),
        (BASE + "steps: [{eligibility_fails: 1.0e+300}]\n", "eligibility_fails"),
        (BASE + "steps: [{pin: [1, 2]}]\n", "pin"),
        (BASE + "steps: [{1: 2}]\n", "unknown step"),
        (BASE + 'card_file: "a\\0b"\nsteps: []\n', "NUL"),
        (BASE + "settings: {display_s: .nan}\n", "finite"),
        (BASE + "settings: {idle_timeout_s: 1.0e+308}\n", "at most a day"),
        (BASE + 'settings: {medical_institution_code: "１２３４５６７８９０"}\n', "ASCII"),
        (BASE + "settings: {no_such_policy: 1}\n", "unknown setting"),
        (BASE + "camera: cv:0\n", "camera"),
        (BASE + "staff_password: [a, b]\n", "single value"),
        ("name: s\ncard: !!python/object:os.system [echo]\n", "cannot read YAML"),
    ],
)
def test_hostile_scenarios_fail_in_one_line(tmp_path: Path, text: str, words: str) -> None:
    failures = run(tmp_path, text)
    assert any(words in f for f in failures), failures


def test_a_huge_value_is_quoted_briefly(tmp_path: Path) -> None:
    huge = "x" * 900_000
    failures = run(tmp_path, BASE + f"steps: [{{choose: {huge}}}]\n")
    assert "choose" in failures[0]


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    failures = run(tmp_path, "# " + "x" * MAX_SCENARIO_BYTES + "\n" + BASE)
    assert "larger than 1 MB" in failures[0]


def test_a_full_disk_fails_that_scenario_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first scenario's commit finds the disk full; the second one still runs."""

    def full(self: RecordStore, records: Any) -> list[int]:
        if any(r.kind == "reception" and r.body.get("outcome") == "completed" for r in records):
            raise sqlite3.OperationalError("database or disk is full")
        return original(self, records)

    original = RecordStore.append
    monkeypatch.setattr(RecordStore, "append", full)
    (tmp_path / "1.yaml").write_text(
        BASE + "steps: [place_card, {choose: pin}, {pin: correct}, {consent: yes}, "
        "{consent: yes}, {high_cost: no}]\nexpect: {state: done}\n",
        encoding="utf-8",
    )
    (tmp_path / "2.yaml").write_text(
        BASE + "steps: [place_card]\nexpect: {state: method}\n", encoding="utf-8"
    )
    report = run_scenarios([tmp_path / "1.yaml", tmp_path / "2.yaml"], home=tmp_path / "home")
    first, second = report.results
    assert not first.passed
    assert any("disk is full" in f or "state: expected" in f for f in first.failures)
    assert second.passed, second.failures
