"""The soak at CI size: receptions with random patients and faults, in one process.

The full size is one command: ``kiosk soak --receptions 1000 --seed 1 --json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

import pytest

from kiosk.cli import main
from kiosk.faults.harness import CardBox, Choices, HeadlessKiosk, auth_pin
from kiosk.faults.soak import FAULT_NAMES, soak
from kiosk.reception.ports import ReceptionResult
from kiosk.reception.states import State

CI_SIZE = 100


def _explain(report: object) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=1)  # type: ignore[attr-defined]


def test_soak_without_camera_faults() -> None:
    faults = set(FAULT_NAMES[1:]) - {"camera-gone"}
    report = soak(CI_SIZE, seed=11, faults=faults)
    assert report.ok, _explain(report)
    assert report.endings["done"] > CI_SIZE // 4  # most visits still complete
    injected = {k for k, v in report.injected.items() if v and k != "none"}
    assert len(injected) >= 5, report.injected  # the faults really happened
    assert report.stored["completed"] == report.endings["done"]


def test_soak_all_faults() -> None:
    report = soak(CI_SIZE, seed=7)
    assert report.crash_count == 0, report.crashes[:3]
    assert report.ok, _explain(report)


def test_same_seed_same_visits() -> None:
    faults = {"card", "eligibility-down", "records-down"}
    first = soak(25, seed=5, faults=faults)
    second = soak(25, seed=5, faults=faults)
    assert first.endings == second.endings
    assert first.injected == second.injected


class _Forgetful:
    """A records port that says yes and keeps nothing (what the checks must catch)."""

    def record_reception(self, result: ReceptionResult) -> str | None:
        return None

    def record_event(self, kind: str, details: Mapping[str, str | int], at: datetime) -> None:
        return None


def test_the_records_check_can_fail(cards: CardBox) -> None:
    kiosk = HeadlessKiosk()
    try:
        kiosk.records.inner = _Forgetful()
        kiosk.place(cards.card())
        assert kiosk.answer(Choices("pin", auth_pin())) == State.DONE
        kiosk.back_to_start()
        failures = kiosk.check_records()
        assert any("acknowledged" in f for f in failures)
        assert any("done screens" in f for f in failures)
    finally:
        kiosk.close()


def test_soak_command(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["soak", "--receptions", "20", "--seed", "3", "--faults", "card", "--json"])
    figures = json.loads(capsys.readouterr().out)
    assert code == 0, figures
    assert figures["receptions"] == 20 and figures["ok"] is True
    assert figures["rss_mb"]["growth_pct"] < 10


def test_soak_command_refuses_unknown_faults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["soak", "--receptions", "5", "--faults", "meteor"]) == 2
    assert "unknown faults meteor" in capsys.readouterr().err
