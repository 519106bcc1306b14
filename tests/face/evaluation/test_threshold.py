"""The tolerance rule: a normal fitted to each set's lower tail, the lowest limit of all sets."""

from __future__ import annotations

import random
from statistics import NormalDist

import pytest

from kiosk.face.evaluation.threshold import TARGET_FMR, percentile, rule_tolerance, set_limit


def test_percentile_interpolates_between_order_statistics() -> None:
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 5.0
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.125) == pytest.approx(1.5)


def test_on_a_normal_set_the_limit_is_where_it_accepts_the_target_share() -> None:
    normal = NormalDist(0.8, 0.1)
    rng = random.Random(7)
    impostor = [normal.inv_cdf(rng.random()) for _ in range(20000)]
    assert set_limit(impostor) == pytest.approx(normal.inv_cdf(TARGET_FMR), abs=0.01)


def test_far_pairs_do_not_move_the_limit() -> None:
    """Pairs of other sexes or ages, far beyond the tail, change neither percentile used."""
    rng = random.Random(3)
    near = [NormalDist(0.6, 0.08).inv_cdf(rng.random()) for _ in range(1000)]
    with_far = near + [1.2 + rng.random() * 0.3 for _ in range(50)]
    assert set_limit(with_far) == pytest.approx(set_limit(near), abs=0.01)
    # the closest pair plus a margin would not see the difference a wider tail makes
    wide = [0.6 + (d - 0.6) * 1.5 for d in near]
    assert set_limit(wide) < set_limit(near) - 0.05


def test_the_tolerance_is_the_lowest_limit_rounded_down() -> None:
    rng = random.Random(5)
    western = [NormalDist(0.95, 0.1).inv_cdf(rng.random()) for _ in range(1000)]
    asian = [NormalDist(0.65, 0.1).inv_cdf(rng.random()) for _ in range(1000)]
    tolerance = rule_tolerance({"western": western, "asian": asian})
    assert tolerance == int(set_limit(asian) * 100) / 100
    assert tolerance < set_limit(western)


def test_a_set_too_small_for_its_tail_is_refused() -> None:
    with pytest.raises(ValueError, match="20"):
        set_limit([0.5] * 10)
    with pytest.raises(ValueError):
        rule_tolerance({})
