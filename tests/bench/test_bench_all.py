"""``kiosk bench all``: every benchmark in its own process, figures next to their targets."""

from __future__ import annotations

import argparse
import json
import subprocess
from typing import Any

import pytest

from kiosk.bench import all as bench_all
from kiosk.cli import main


def _fake(stdout: str, code: int = 0, stderr: str = "") -> Any:
    def runner(argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        assert argv[3:6] == ["bench", "card", "--json"]
        return subprocess.CompletedProcess(argv, code, stdout, stderr)

    return runner


def test_figures_are_judged_against_targets() -> None:
    figures = {
        "in_process": {"apdus": 7, "median_ms": 0.2},
        "all_pins_apdus": 9,
        "opensc_cert_read": {"total_apdus": 21},
        "pcsc": None,
    }
    result = bench_all.run_one("card", [], 10, runner=_fake("noise\n" + json.dumps(figures)))
    assert result["ok"] and result["figures"] == figures
    apdus = [t for t in result["targets"] if t["figure"] == "in_process.apdus"]
    assert all(t["met"] is True for t in apdus)
    opensc = [t["compared_with"] for t in apdus if t["compared_with"]["value"] is not None]
    assert opensc == [{"what": opensc[0]["what"], "value": 21, "ratio": 3.0}]
    assert "pcsc.median_ms" not in {t["figure"] for t in result["targets"]}  # not measured


def test_a_missed_target_is_reported() -> None:
    figures = {"in_process": {"apdus": 12, "median_ms": 80}}
    result = bench_all.run_one("card", [], 10, runner=_fake(json.dumps(figures)))
    missed = {t["figure"] for t in result["targets"] if t["met"] is False}
    assert missed == {"in_process.apdus", "in_process.median_ms"}


def test_beating_the_naive_pipeline_is_the_face_target() -> None:
    target = next(t for t in bench_all.TARGETS["face"] if t.figure == "decision_ms")
    assert target.judge({"decision_ms": 85, "naive_decision_ms": 290})["met"] is True
    assert target.judge({"decision_ms": 300, "naive_decision_ms": 290})["met"] is False


def test_a_failing_benchmark_is_reported_not_raised() -> None:
    result = bench_all.run_one("card", [], 10, runner=_fake("", 1, "Traceback\nBoom: no\n"))
    assert result["ok"] is False and "Boom: no" in result["error"]


def test_other_benchmarks_are_found() -> None:
    found = bench_all.names()
    assert "all" not in found
    assert {"card", "flow"} <= set(found)


def test_bench_all_card_for_real(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "all", "--only", "card", "--quick", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    card = report["benchmarks"]["card"]
    assert card["ok"], card
    assert card["figures"]["in_process"]["apdus"] <= 8
    assert report["quick"] is True and list(report["benchmarks"]) == ["card"]


def test_unknown_benchmark_is_refused() -> None:
    with pytest.raises(Exception, match="unknown benchmarks"):
        bench_all.run(argparse.Namespace(only="warp", quick=True, timeout=10))


def test_records_runs_only_when_named(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def fake_run_one(name: str, extra: list[str], timeout_s: float) -> dict[str, Any]:
        ran.append(name)
        return {"ok": True, "seconds": 0.0, "figures": {}, "targets": []}

    monkeypatch.setattr(bench_all, "run_one", fake_run_one)
    args = argparse.Namespace(only=None, quick=True, timeout=10, reader=None)
    bench_all.run(args)
    assert "records" not in ran and {"card", "face", "flow", "startup"} <= set(ran)
    ran.clear()
    bench_all.run(argparse.Namespace(only="records", quick=True, timeout=10, reader=None))
    assert ran == ["records"]


def test_records_targets_judge_ratio_and_memory() -> None:
    figures = {"append_filled_over_fresh": 1.5, "verify_peak_rss_mb": 40, "export_peak_rss_mb": 900}
    judged = {t.figure: t.judge(figures)["met"] for t in bench_all.TARGETS["records"]}
    assert judged == {
        "append_filled_over_fresh": False,
        "verify_peak_rss_mb": True,
        "export_peak_rss_mb": False,
    }


def test_a_target_set_for_other_conditions_says_which() -> None:
    target = next(t for t in bench_all.TARGETS["flow"] if t.figure == "face_receptions_per_s")
    judged = target.judge({"face_receptions_per_s": 0.31})
    assert judged["met"] is False  # still reported as missed
    assert "0.4 s" in judged["set_for"] and "480x360" in judged["set_for"]
    pin = next(t for t in bench_all.TARGETS["flow"] if t.figure == "pin_own_ms")
    assert "set_for" not in pin.judge({"pin_own_ms": 2.0})
