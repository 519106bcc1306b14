"""The rule that chooses a model's tolerance from the different-person distances of several sets.

Not the closest pair of one set plus a margin: a few hundred pairs say little about the one pair
in ten thousand that matters, and the closest pair moves with every photo added. Instead each
set's lower tail is modelled, and the tolerance is where every set expects at most
``TARGET_FMR`` of its different-person pairs to be accepted:

1. For each set, take its different-person (impostor) distances and their 1st and 10th
   percentiles. The lower tail is taken to be normal: its spread is
   ``(q10 - q1) / (z(0.10) - z(0.01))`` (z: the standard normal quantile), fitted on the tail
   itself so that the far pairs (other sexes, other ages) do not widen it.
2. The set's limit is the distance that tail puts at ``TARGET_FMR``:
   ``q1 + (z(TARGET_FMR) - z(0.01)) * spread``.
3. The tolerance is the largest multiple of 0.01 not above the lowest limit of all sets.

With 1,000-odd impostor pairs a set, the 1st and 10th percentiles rest on about 10 and 100
pairs: the fit uses the nearest pairs without depending on any single one. The sets used and the
limits they gave are in docs/face.md, per model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from statistics import NormalDist

TARGET_FMR = 0.001
"""The share of different-person pairs each set may expect to be accepted (0.1 %)."""

_LOW, _HIGH = 0.01, 0.10
_normal = NormalDist()


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (linear between order statistics)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def set_limit(impostor: Sequence[float], target_fmr: float = TARGET_FMR) -> float:
    """The distance at which the normal fitted to the set's lower tail accepts ``target_fmr`` of
    its different-person pairs (see the module docstring)."""
    if len(impostor) < 20:
        raise ValueError("a set needs at least 20 different-person pairs for its tail")
    low, high = percentile(impostor, _LOW), percentile(impostor, _HIGH)
    spread = (high - low) / (_normal.inv_cdf(_HIGH) - _normal.inv_cdf(_LOW))
    return low + (_normal.inv_cdf(target_fmr) - _normal.inv_cdf(_LOW)) * spread


def rule_tolerance(sets: Mapping[str, Sequence[float]], target_fmr: float = TARGET_FMR) -> float:
    """The largest multiple of 0.01 not above the lowest :func:`set_limit` of ``sets`` (name ->
    different-person distances)."""
    if not sets:
        raise ValueError("no sets")
    lowest = min(set_limit(values, target_fmr) for values in sets.values())
    return math.floor(round(lowest * 100, 6)) / 100
