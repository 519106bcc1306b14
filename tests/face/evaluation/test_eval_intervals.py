"""The 95 % Wilson score intervals around FMR and FNMR."""

from __future__ import annotations

import pytest

from kiosk.face.evaluation.evaluate import summarise, wilson_interval


def test_no_error_in_1050_trials() -> None:
    interval = wilson_interval(0, 1050)
    assert interval is not None
    assert interval[0] == 0.0
    assert interval[1] == pytest.approx(0.003645, abs=2e-6)  # z^2 / (n + z^2)


def test_three_errors_in_140_trials() -> None:
    assert wilson_interval(3, 140) == pytest.approx((0.007314, 0.061105), abs=2e-6)


def test_known_intervals() -> None:
    assert wilson_interval(1, 2) == pytest.approx((0.094531, 0.905469), abs=2e-6)
    assert wilson_interval(10, 100) == pytest.approx((0.055229, 0.174367), abs=2e-6)
    low, high = wilson_interval(140, 140) or (0.0, 0.0)
    assert high == 1.0 and low == pytest.approx(1 - 0.026706, abs=2e-6)


def test_the_interval_is_symmetric_and_holds_the_rate() -> None:
    for errors, trials in ((0, 5), (2, 7), (13, 60), (440, 1272)):
        low, high = wilson_interval(errors, trials) or (0.0, 0.0)
        mirror_low, mirror_high = wilson_interval(trials - errors, trials) or (0.0, 0.0)
        assert low == pytest.approx(1 - mirror_high) and high == pytest.approx(1 - mirror_low)
        assert 0.0 <= low <= errors / trials <= high <= 1.0


def test_no_trials_no_interval() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_the_summary_carries_the_intervals() -> None:
    rows = [{"same": 1, "distance": 0.2}, {"same": 1, "distance": 0.5}]
    rows += [{"same": 0, "distance": 0.9}] * 3
    summary = summarise(rows, 0.3)
    assert summary["fnmr"] == 0.5 and summary["fmr"] == 0.0
    assert summary["fnmr_ci95"] == pytest.approx(list(wilson_interval(1, 2) or ()), abs=1e-6)
    assert summary["fmr_ci95"] == pytest.approx(list(wilson_interval(0, 3) or ()), abs=1e-6)
    only_genuine = summarise(rows[:2], 0.3)
    assert only_genuine["fmr"] is None and only_genuine["fmr_ci95"] is None
