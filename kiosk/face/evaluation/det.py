"""DET pictures of evaluations (Pillow only): FNMR against FMR on normal-deviate axes.

One report (:func:`draw_det`): left, the detection error trade-off curve, one point per
threshold, both axes on the normal deviate scale (0.1 % … 99 %) as DET curves are drawn; a
rate of zero cannot sit on that scale and is drawn on the axis's lower edge, marked "0".
Right: how the genuine (same person) and impostor (different people) distances fall, with the
tolerance as a vertical line.

Several reports (:func:`draw_dets`, one per set and model): one curve each in its own colour
on the same DET axes, each with its tolerance point, and beside it a legend ("faces-asia-dev ·
mobilefacenet") with each run's FMR and FNMR at its tolerance, their 95 % intervals and the
failures to acquire. Distances of different models are on different scales, so no histogram.

Written only where the caller says; no image of a face is in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from statistics import NormalDist
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from kiosk.face.errors import FaceError

SIZE = (1200, 540)
DET_BOX = (70, 50, 540, 480)
"""Where the DET panel is drawn (left, top, right, bottom)."""
TICKS = (0.001, 0.005, 0.02, 0.1, 0.3, 0.6, 0.9, 0.99)
GENUINE = (31, 119, 180)
IMPOSTOR = (214, 39, 40)
GRID = (225, 225, 225)
INK = (30, 30, 30)
PALETTE: tuple[tuple[int, int, int], ...] = (
    GENUINE,
    (255, 127, 14),
    (44, 160, 44),
    IMPOSTOR,
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)
"""Curve colours of :func:`draw_dets`, in order (more reports than colours: they repeat)."""
LEGEND_ROW = 72
"""Height in px of one report's entry in the legend."""

_normal = NormalDist()


def det_points(genuine: list[float], impostor: list[float]) -> list[tuple[float, float, float]]:
    """(threshold, FMR, FNMR) at every distance that occurs (accept when distance ≤ threshold)."""
    points = []
    for t in sorted(set(genuine) | set(impostor)):
        fmr = sum(d <= t for d in impostor) / len(impostor)
        fnmr = sum(d > t for d in genuine) / len(genuine)
        points.append((t, fmr, fnmr))
    return points


def curve_label(report: dict[str, Any]) -> str:
    """A report's name in a legend: its set and model ("faces-asia-dev · mobilefacenet")."""
    parts = [str(report[k]) for k in ("set", "model") if report.get(k)]
    return " · ".join(parts) or "evaluation"


def _deviate(rate: float) -> float:
    low, high = TICKS[0], TICKS[-1]
    return _normal.inv_cdf(min(high, max(low, rate)))


def _font(size: int) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()


def _distances(report: dict[str, Any]) -> tuple[list[float], list[float]]:
    rows = report["pairs"]
    genuine = [float(r["distance"]) for r in rows if r["same"] == 1]
    impostor = [float(r["distance"]) for r in rows if r["same"] == 0]
    return genuine, impostor


def draw_det(report: dict[str, Any], path: Path, title: str = "") -> None:
    """Write the DET picture of an evaluation report (``kiosk face eval --json``) to ``path``."""
    draw_dets([report], path, title)


def draw_dets(reports: Sequence[dict[str, Any]], path: Path, title: str = "") -> None:
    """Write one DET curve per report (set × model) to ``path`` as a PNG: with one report the
    curve and the distance histogram, with several the curves in distinct colours and a legend.

    FaceError when no report has both same-person and different-person pairs, or the file
    cannot be written."""
    if not reports:
        raise FaceError("a DET picture needs at least one evaluation")
    drawable = [all(_distances(r)) for r in reports]
    if not any(drawable):
        raise FaceError("a DET curve needs both same-person and different-person pairs")
    several = len(reports) > 1
    image = _several(reports, drawable, title) if several else _single(reports[0], title)
    try:
        image.save(path, "PNG")
    except (OSError, ValueError) as exc:
        raise FaceError(f"cannot write {path}: {type(exc).__name__}") from None


def _single(report: dict[str, Any], title: str) -> Image.Image:
    genuine, impostor = _distances(report)
    tolerance = float(report["tolerance"])
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(15), _font(12)
    name = f" ({report['model']})" if report.get("model") else ""
    failures = len(report.get("failures_to_acquire") or [])
    missed = f", {failures} failures to acquire" if failures else ""
    heading = (title + name + ": " if title else "") + (
        f"{len(genuine)} same-person, {len(impostor)} different-person pairs{missed} "
        "(a rate of 0 is drawn on the 0.1 % edge)"
    )
    draw.text((20, 10), heading, fill=INK, font=font)
    scale = _det_axes(draw, DET_BOX, small)
    fmr, fnmr = _curve(draw, scale, genuine, impostor, tolerance, GENUINE)
    cx, cy = scale(fmr, fnmr)
    _ring(draw, (cx, cy), IMPOSTOR, 6)
    draw.text(
        (cx + 10, cy - 20),
        f"tolerance {tolerance:.2f}: FMR {fmr:.3%}, FNMR {fnmr:.2%}",
        fill=IMPOSTOR,
        font=small,
    )
    _distance_panel(draw, (650, 50, 1170, 480), genuine, impostor, tolerance, small)
    return image


def _several(reports: Sequence[dict[str, Any]], drawable: list[bool], title: str) -> Image.Image:
    height = max(SIZE[1], 90 + LEGEND_ROW * len(reports))
    image = Image.new("RGB", (SIZE[0], height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(15), _font(12)
    heading = (title + ": " if title else "") + (
        f"{len(reports)} evaluations, one DET curve each (a rate of 0 is drawn on the 0.1 % edge)"
    )
    draw.text((20, 10), heading, fill=INK, font=font)
    scale = _det_axes(draw, DET_BOX, small)
    left, top = 620, 60
    rings = []
    for index, (report, ok) in enumerate(zip(reports, drawable, strict=True)):
        colour = PALETTE[index % len(PALETTE)]
        tolerance = float(report["tolerance"])
        if ok:
            # earlier curves wider, so one that lies on another (both on an edge) still shows
            width = 3 + 2 * (len(reports) - 1 - index)
            genuine, impostor = _distances(report)
            at = _curve(draw, scale, genuine, impostor, tolerance, colour, width)
            rings.append((scale(*at), colour, width + 3))
        y = top + index * LEGEND_ROW
        swatch = [left, y + 3, left + 22, y + 13]
        if ok:
            draw.rectangle(swatch, fill=colour)
        else:
            draw.rectangle(swatch, outline=colour)
        draw.text((left + 30, y), curve_label(report), fill=INK, font=font)
        for line, text in enumerate(_legend_lines(report, tolerance, ok), start=1):
            draw.text((left + 30, y + 4 + 15 * line), text, fill=INK, font=small)
    for centre, colour, r in rings:  # on top of every curve
        _ring(draw, centre, colour, r)
    return image


def _legend_lines(report: dict[str, Any], tolerance: float, drawn: bool) -> list[str]:
    lines = [
        f"tolerance {tolerance:.2f}: "
        + _rate("FMR", report.get("fmr"), report.get("fmr_ci95"))
        + f" ({report.get('false_matches', 0)}/{report.get('impostor_pairs', 0)})",
        " " * 4
        + _rate("FNMR", report.get("fnmr"), report.get("fnmr_ci95"))
        + f" ({report.get('false_non_matches', 0)}/{report.get('genuine_pairs', 0)})",
    ]
    failures = len(report.get("failures_to_acquire") or [])
    notes = []
    if failures:
        notes.append(
            f"{failures} failures to acquire, {report.get('pairs_not_compared', 0)} pairs "
            "not compared"
        )
    if not drawn:
        notes.append("no curve: needs same- and different-person pairs")
    if notes:
        lines.append(" " * 4 + "; ".join(notes))
    return lines


def _rate(name: str, value: float | None, interval: list[float] | None) -> str:
    if value is None:
        return f"{name} n/a"
    text = f"{name} {value:.2%}"
    if interval:
        text += f", 95 % CI {interval[0]:.2%} to {interval[1]:.2%}"
    return text


class _Scale:
    """Rates to pixels on a DET panel (normal deviate axes)."""

    def __init__(self, box: tuple[int, int, int, int]) -> None:
        self.box = box
        self.lo, self.hi = _deviate(TICKS[0]), _deviate(TICKS[-1])

    def x(self, rate: float) -> float:
        x0, _y0, x1, _y1 = self.box
        return x0 + (_deviate(rate) - self.lo) / (self.hi - self.lo) * (x1 - x0)

    def y(self, rate: float) -> float:
        _x0, y0, _x1, y1 = self.box
        return y1 - (_deviate(rate) - self.lo) / (self.hi - self.lo) * (y1 - y0)

    def __call__(self, fmr: float, fnmr: float) -> tuple[float, float]:
        return self.x(fmr), self.y(fnmr)


def _det_axes(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], font: Any) -> _Scale:
    scale = _Scale(box)
    x0, y0, x1, y1 = box
    for tick in TICKS:
        draw.line([(scale.x(tick), y0), (scale.x(tick), y1)], fill=GRID)
        draw.line([(x0, scale.y(tick)), (x1, scale.y(tick))], fill=GRID)
        label = f"{tick * 100:g}%"
        draw.text((scale.x(tick) - 12, y1 + 6), label, fill=INK, font=font)
        draw.text((x0 - 44, scale.y(tick) - 7), label, fill=INK, font=font)
    draw.rectangle(box, outline=INK)
    draw.text(
        ((x0 + x1) / 2 - 110, y1 + 26), "FMR (different people accepted)", fill=INK, font=font
    )
    draw.text((x0 - 60, y0 - 22), "FNMR (same person rejected)", fill=INK, font=font)
    return scale


def _curve(
    draw: ImageDraw.ImageDraw,
    scale: _Scale,
    genuine: list[float],
    impostor: list[float],
    tolerance: float,
    colour: tuple[int, int, int],
    width: int = 3,
) -> tuple[float, float]:
    """Draw one DET curve ``width`` px wide; the FMR and FNMR at ``tolerance``."""
    points = det_points(genuine, impostor)
    draw.line([scale(fmr, fnmr) for _t, fmr, fnmr in points], fill=colour, width=width)
    fmr = sum(d <= tolerance for d in impostor) / len(impostor)
    fnmr = sum(d > tolerance for d in genuine) / len(genuine)
    return fmr, fnmr


def _ring(
    draw: ImageDraw.ImageDraw, centre: tuple[float, float], colour: tuple[int, int, int], r: int
) -> None:
    """The tolerance point: a ring of radius ``r``."""
    cx, cy = centre
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=colour, width=3)


def _distance_panel(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    genuine: list[float],
    impostor: list[float],
    tolerance: float,
    font: Any,
) -> None:
    x0, y0, x1, y1 = box
    everything = [*genuine, *impostor, tolerance]
    lo = max(0.0, math.floor(min(everything) * 10) / 10)
    hi = max(lo + 0.2, math.ceil(max(everything) * 10) / 10)
    bins = 50
    step = (hi - lo) / bins

    def hist(values: list[float]) -> list[float]:
        counts = [0] * bins
        for v in values:
            counts[min(bins - 1, max(0, int((v - lo) / step)))] += 1
        return [c / len(values) for c in counts]

    g, i = hist(genuine), hist(impostor)
    top = max(max(g), max(i)) * 1.1

    def x(d: float) -> float:
        return x0 + (d - lo) / (hi - lo) * (x1 - x0)

    tick_step = 0.1 if hi - lo <= 1.2 else 0.2
    tick = lo
    while tick <= hi + 1e-9:
        draw.line([(x(tick), y0), (x(tick), y1)], fill=GRID)
        draw.text((x(tick) - 10, y1 + 6), f"{tick:.1f}", fill=INK, font=font)
        tick = round(tick + tick_step, 6)
    draw.rectangle(box, outline=INK)
    width = (x1 - x0) / bins
    for k in range(bins):
        for share, colour in ((g[k], GENUINE), (i[k], IMPOSTOR)):
            if share:
                h = share / top * (y1 - y0)
                left = x0 + k * width
                draw.rectangle([left + 1, y1 - h, left + width - 1, y1], outline=colour)
    draw.line([(x(tolerance), y0), (x(tolerance), y1)], fill=INK, width=2)
    draw.text((x(tolerance) + 4, y0 + 4), f"tolerance {tolerance:.2f}", fill=INK, font=font)
    draw.text(
        (x0, y1 + 26), "face distance (card encoding to fused live encoding)", fill=INK, font=font
    )
    draw.text((x1 - 260, y0 + 24), f"same person ({len(genuine)})", fill=GENUINE, font=font)
    draw.text((x1 - 260, y0 + 42), f"different people ({len(impostor)})", fill=IMPOSTOR, font=font)
    draw.text(
        (x1 - 260, y0 + 60),
        f"farthest same {max(genuine):.3f}, closest different {min(impostor):.3f}",
        fill=INK,
        font=font,
    )
