"""A DET picture of an evaluation (Pillow only): FNMR against FMR on normal-deviate axes, and
beside it the two distance distributions with the tolerance.

Left: the detection error trade-off curve, one point per threshold, both axes on the normal
deviate scale (0.1 % … 50 %) as DET curves are drawn; a rate of zero cannot sit on that scale
and is drawn on the axis's lower edge, marked "0". Right: how the genuine (same person) and
impostor (different people) distances fall, with the tolerance as a vertical line. Written only
where the caller says; no image of a face is in it.
"""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from kiosk.face.errors import FaceError

SIZE = (1200, 540)
TICKS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
GENUINE = (31, 119, 180)
IMPOSTOR = (214, 39, 40)
GRID = (225, 225, 225)
INK = (30, 30, 30)

_normal = NormalDist()


def det_points(genuine: list[float], impostor: list[float]) -> list[tuple[float, float, float]]:
    """(threshold, FMR, FNMR) at every distance that occurs (accept when distance ≤ threshold)."""
    points = []
    for t in sorted(set(genuine) | set(impostor)):
        fmr = sum(d <= t for d in impostor) / len(impostor)
        fnmr = sum(d > t for d in genuine) / len(genuine)
        points.append((t, fmr, fnmr))
    return points


def _deviate(rate: float) -> float:
    low, high = TICKS[0], TICKS[-1]
    return _normal.inv_cdf(min(high, max(low, rate)))


def _font(size: int) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()


def draw_det(report: dict[str, Any], path: Path, title: str = "") -> None:
    """Write the DET picture of an evaluation report (``kiosk face eval --json``) to ``path``."""
    rows = report["pairs"]
    genuine = [r["distance"] for r in rows if r["same"] == 1]
    impostor = [r["distance"] for r in rows if r["same"] == 0]
    if not genuine or not impostor:
        raise FaceError("a DET curve needs both same-person and different-person pairs")
    tolerance = float(report["tolerance"])
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(15), _font(12)
    heading = (title + ": " if title else "") + (
        f"{len(genuine)} same-person, {len(impostor)} different-person pairs "
        "(a rate of 0 is drawn on the 0.1 % edge)"
    )
    draw.text((20, 10), heading, fill=INK, font=font)
    _det_panel(draw, (70, 50, 540, 480), genuine, impostor, tolerance, small)
    _distance_panel(draw, (650, 50, 1170, 480), genuine, impostor, report, small)
    try:
        image.save(path, "PNG")
    except (OSError, ValueError) as exc:
        raise FaceError(f"cannot write {path}: {type(exc).__name__}") from None


def _det_panel(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    genuine: list[float],
    impostor: list[float],
    tolerance: float,
    font: Any,
) -> None:
    x0, y0, x1, y1 = box
    lo, hi = _deviate(TICKS[0]), _deviate(TICKS[-1])

    def x(rate: float) -> float:
        return x0 + (_deviate(rate) - lo) / (hi - lo) * (x1 - x0)

    def y(rate: float) -> float:
        return y1 - (_deviate(rate) - lo) / (hi - lo) * (y1 - y0)

    for tick in TICKS:
        draw.line([(x(tick), y0), (x(tick), y1)], fill=GRID)
        draw.line([(x0, y(tick)), (x1, y(tick))], fill=GRID)
        label = f"{tick * 100:g}%"
        draw.text((x(tick) - 12, y1 + 6), label, fill=INK, font=font)
        draw.text((x0 - 44, y(tick) - 7), label, fill=INK, font=font)
    draw.rectangle(box, outline=INK)
    draw.text(
        ((x0 + x1) / 2 - 110, y1 + 26), "FMR (different people accepted)", fill=INK, font=font
    )
    draw.text((x0 - 60, y0 - 22), "FNMR (same person rejected)", fill=INK, font=font)
    points = det_points(genuine, impostor)
    path = [(x(fmr), y(fnmr)) for _t, fmr, fnmr in points]
    draw.line(path, fill=GENUINE, width=3)
    fmr = sum(d <= tolerance for d in impostor) / len(impostor)
    fnmr = sum(d > tolerance for d in genuine) / len(genuine)
    cx, cy = x(fmr), y(fnmr)
    draw.ellipse([cx - 6, cy - 6, cx + 6, cy + 6], outline=IMPOSTOR, width=3)
    draw.text(
        (cx + 10, cy - 20),
        f"tolerance {tolerance:.2f}: FMR {fmr:.3%}, FNMR {fnmr:.2%}",
        fill=IMPOSTOR,
        font=font,
    )


def _distance_panel(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    genuine: list[float],
    impostor: list[float],
    report: dict[str, Any],
    font: Any,
) -> None:
    x0, y0, x1, y1 = box
    lo, hi, step = 0.1, 1.1, 0.02
    bins = round((hi - lo) / step)

    def hist(values: list[float]) -> list[float]:
        counts = [0] * bins
        for v in values:
            counts[min(bins - 1, max(0, int((v - lo) / step)))] += 1
        return [c / len(values) for c in counts]

    g, i = hist(genuine), hist(impostor)
    top = max(max(g), max(i)) * 1.1

    def x(d: float) -> float:
        return x0 + (d - lo) / (hi - lo) * (x1 - x0)

    for tick in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        draw.line([(x(tick), y0), (x(tick), y1)], fill=GRID)
        draw.text((x(tick) - 10, y1 + 6), f"{tick:.1f}", fill=INK, font=font)
    draw.rectangle(box, outline=INK)
    width = (x1 - x0) / bins
    for k in range(bins):
        for share, colour in ((g[k], GENUINE), (i[k], IMPOSTOR)):
            if share:
                h = share / top * (y1 - y0)
                left = x0 + k * width
                draw.rectangle([left + 1, y1 - h, left + width - 1, y1], outline=colour)
    tolerance = float(report["tolerance"])
    draw.line([(x(tolerance), y0), (x(tolerance), y1)], fill=INK, width=2)
    draw.text((x(tolerance) + 4, y0 + 4), f"tolerance {tolerance:.2f}", fill=INK, font=font)
    draw.text(
        (x0, y1 + 26), "face distance (card encoding to fused live encoding)", fill=INK, font=font
    )
    draw.text((x1 - 260, y0 + 24), f"same person ({len(genuine)})", fill=GENUINE, font=font)
    draw.text((x1 - 260, y0 + 42), f"different people ({len(impostor)})", fill=IMPOSTOR, font=font)
    closest = min(impostor)
    draw.text(
        (x1 - 260, y0 + 60),
        f"farthest same {max(genuine):.3f}, closest different {closest:.3f}",
        fill=INK,
        font=font,
    )
