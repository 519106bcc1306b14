"""``kiosk face …``: compare a card image with a live image, evaluate labelled pairs, and watch
a camera's quality and liveness guidance."""

from __future__ import annotations

import argparse
import json
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from kiosk.face.camera.people import load_rgb
from kiosk.face.camera.sources import open_camera
from kiosk.face.errors import FaceError
from kiosk.face.evaluation.checkup import CheckLog, sentences
from kiosk.face.evaluation.det import draw_dets
from kiosk.face.evaluation.evaluate import LIVE_FRAMES, distance_of, evaluate, pairs_of
from kiosk.face.matching.chip import chip_photo_jp2
from kiosk.face.matching.engine import load_engine
from kiosk.face.matching.models import DEFAULT_MODEL, MODELS
from kiosk.face.matching.verifier import DEFAULT_TOLERANCE, DlibVerifier, VerifierPolicy
from kiosk.texts import say


def register(sub: Any) -> None:
    parser = sub.add_parser("face", help="face verification tools")
    commands = parser.add_subparsers(dest="face_command", metavar="COMMAND")
    commands.required = True

    compare = commands.add_parser(
        "compare", help="compare a card image (through the chip path) with a live image"
    )
    compare.add_argument("card_image", type=Path, help="any image; made greyscale JPEG 2000")
    compare.add_argument("live_image", type=Path, help="a colour photo of the patient")
    compare.add_argument("--tolerance", type=float, default=None, help="match threshold")
    compare.add_argument("--json", action="store_true", help="print one JSON object")
    compare.set_defaults(func=_compare)

    evaluate = commands.add_parser(
        "eval",
        help="accuracy (FMR, FNMR, failures to acquire) on card,live,same CSVs or folders of "
        "people's photos, per model",
    )
    evaluate.add_argument(
        "pairs",
        type=Path,
        nargs="+",
        metavar="SOURCE",
        help="CSV with header card,live,same, or a folder (one sub-folder per person, or files "
        "named person + number): every ordered pair of two different photos; several: one "
        "evaluation each",
    )
    evaluate.add_argument(
        "--model",
        action="append",
        choices=list(MODELS),
        default=None,
        help=f"embedding model, repeatable: one evaluation per source and model "
        f"(default {DEFAULT_MODEL})",
    )
    evaluate.add_argument(
        "--tolerance",
        type=float,
        default=None,
        help="match threshold (default: each model's own)",
    )
    evaluate.add_argument(
        "--frames", type=int, default=None, help="camera frames fused per live photo (default 3)"
    )
    evaluate.add_argument(
        "--det", type=Path, default=None, help="write the DET curves (PNG) here: one per run"
    )
    evaluate.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object (several runs: {"runs": [...]})',
    )
    evaluate.set_defaults(func=_eval)

    check = commands.add_parser("check", help="per-frame quality and liveness guidance")
    check.add_argument("--camera", required=True, help="cv:N, video:P, image:P, dir:P, person:N")
    check.add_argument("--frames", type=int, default=90, help="frames to look at (default 90)")
    check.add_argument("--card", type=Path, default=None, help="also match against this image")
    check.add_argument("--lang", choices=("ja", "en"), default="ja")
    check.add_argument("--json", action="store_true", help="one JSON object per frame")
    check.set_defaults(func=_check)


def _tolerance(value: float | None) -> float:

    if value is None:
        return DEFAULT_TOLERANCE
    if not 0.0 < value < 2.0:
        raise FaceError("--tolerance must be between 0 and 2 (face distances are about 0.2-1.0)")
    return value


def _compare(args: argparse.Namespace) -> int:

    tolerance = _tolerance(args.tolerance)
    for path in (args.card_image, args.live_image):
        if not path.is_file():
            raise FaceError(f"{path} does not exist")
    d = distance_of(load_rgb(args.card_image), load_rgb(args.live_image), load_engine())
    match = d <= tolerance
    if args.json:
        print(json.dumps({"tolerance": tolerance, "distance": round(d, 4), "match": match}))
    else:
        verdict = "same person" if match else "different people"
        print(f"distance {d:.3f} (tolerance {tolerance}): {verdict}")
    return 0 if match else 1


def _eval(args: argparse.Namespace) -> int:

    frames = LIVE_FRAMES if args.frames is None else args.frames
    if not 1 <= frames <= 5:
        raise FaceError("--frames must be between 1 and 5")
    tolerance = None if args.tolerance is None else _tolerance(args.tolerance)
    if args.det is not None and args.det.suffix.lower() != ".png":
        raise FaceError(f"--det {args.det}: the DET picture is a PNG file (name it ….png)")
    if args.det is not None and not args.det.parent.is_dir():
        raise FaceError(f"--det {args.det}: the folder {args.det.parent} does not exist")
    sources: list[Path] = list(dict.fromkeys(args.pairs))
    models: list[str] = list(dict.fromkeys(args.model or [DEFAULT_MODEL]))
    for source in sources:
        pairs_of(source)  # bad input stops here, before any model is loaded
    engines = {name: load_engine(name) for name in models}
    reports = [
        evaluate(source, tolerance, engines[name], frames=frames)
        for source in sources
        for name in models
    ]
    out: dict[str, Any] = reports[0] if len(reports) == 1 else {"runs": reports}
    if args.det is not None:
        title = "kiosk face eval " + " ".join(source.name or str(source) for source in sources)
        draw_dets(reports, args.det, title)
        out["det"] = str(args.det)
    if args.json:
        print(json.dumps(out))
        return 0
    if len(reports) == 1:
        for row in reports[0]["pairs"]:
            mark = "match" if row["match"] else "-"
            pair = f"{row['card']:28} {row['live']:28} same={row['same']}"
            print(f"{pair} {row['distance']:.3f} {mark}")
    for report in reports:
        for line in _eval_summary(report):
            print(line)
    return 0


def _eval_summary(report: dict[str, Any]) -> list[str]:
    """One line per run with FMR and FNMR, then one per failure to acquire."""
    failures = report["failures_to_acquire"]
    lines = [
        f"{report['set']} · {report['model']}, tolerance {report['tolerance']}: "
        f"FMR {_rate(report['fmr'], report['fmr_ci95'])} "
        f"({report['false_matches']}/{report['impostor_pairs']}), "
        f"FNMR {_rate(report['fnmr'], report['fnmr_ci95'])} "
        f"({report['false_non_matches']}/{report['genuine_pairs']}) over "
        f"{len(report['pairs'])} pairs compared; closest different-person pair "
        f"{_num(report['closest_impostor'])}, farthest same-person pair "
        f"{_num(report['farthest_genuine'])}; the tolerance rule gives "
        f"{_num(report['rule_tolerance'])} on these pairs; "
        f"{len(failures)} failures to acquire, {report['pairs_not_compared']} pairs not compared"
    ]
    lines += [
        f"  failure to acquire: {f['image']} ({f['side']} side): {f['reason']}" for f in failures
    ]
    return lines


def _rate(value: float | None, interval: list[float] | None) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.3f}"
    if interval is not None:
        text += f" [95 % CI {interval[0]:.4f}-{interval[1]:.4f}]"
    return text


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _check(args: argparse.Namespace) -> int:

    if args.frames < 1:
        raise FaceError("--frames must be at least 1")
    policy = VerifierPolicy(require_liveness=True)
    verifier = DlibVerifier(policy)
    if args.card is not None:
        if not args.card.is_file():
            raise FaceError(f"{args.card} does not exist")
        verifier.prepare(chip_photo_jp2(load_rgb(args.card)))
    else:
        verifier.watch()
    live = args.camera.startswith("cv:")  # a real camera: frames come in real time
    with verifier, closing(open_camera(args.camera)) as camera:
        log = CheckLog(camera.size, camera.fps, policy.quality)
        start = time.monotonic()
        for index in range(args.frames):
            frame = camera.read()
            now = time.monotonic() if live else start + index / camera.fps
            result = verifier.check(frame, now)
            log.add(frame, result, now - start if live else index / camera.fps)
            del frame
            if args.json:
                print(json.dumps(_frame_json(index, result, args.lang)), flush=True)
            else:
                print(
                    f"{index:4d} {result.guidance.value:20} {result.liveness.value:13} "
                    f"faces={result.faces} {result.verdict.value:8} "
                    f"{say(result.guidance.value, args.lang)}",
                    flush=True,
                )
            if result.verdict.final:
                break
        log.checked_in_s = time.monotonic() - start
    summary = log.summary()
    words = sentences(summary, policy.quality, args.lang)
    if args.json:
        print(json.dumps({"summary": summary, "text": words}, ensure_ascii=False), flush=True)
    else:
        print()
        for line in words:
            print(line)
    return 0


def _frame_json(index: int, result: Any, lang: str) -> dict[str, Any]:

    return {
        "frame": index,
        "guidance": result.guidance.value,
        "text": say(result.guidance.value, lang),
        "issues": [g.value for g in result.issues],
        "liveness": result.liveness.value,
        "faces": result.faces,
        "face": list(result.face) if result.face else None,
        "verdict": result.verdict.value,
        "distance": result.distance,
        "agreeing": result.agreeing,
        "needed": result.needed,
        "ms": result.elapsed_ms,
    }
