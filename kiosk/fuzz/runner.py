"""Running fuzz targets: a number of examples (CI) or a time budget (``kiosk fuzz``).

:func:`run_target` runs one target with Hypothesis and returns a :class:`TargetReport`: the
examples tried, how many the kiosk accepted and refused, and the first failure, shrunk by
Hypothesis to a minimal input. :func:`save_reproducer` keeps that input and the head of its
traceback in a folder, as ``<target>-<digest><suffix>`` and ``….txt``.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

from kiosk.fuzz.target import Answer, Target, guarded

TRACEBACK_LINES = 12
CHUNK = 100  # examples per Hypothesis run when working to a time budget


@dataclass
class Failure:
    """A minimal input the kiosk did not handle, and what it raised."""

    value: Any
    error: str  # "TypeName: message" (cut)
    traceback_head: str
    saved: Path | None = None


@dataclass
class TargetReport:
    name: str
    examples: int = 0
    accepted: int = 0
    refused: int = 0
    known: int = 0  # failures listed in kiosk.fuzz.known, tolerated
    seconds: float = 0.0
    failure: Failure | None = None
    _last: list[Any] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        failure = None
        if self.failure is not None:
            failure = {
                "error": self.failure.error,
                "reproducer": str(self.failure.saved) if self.failure.saved else None,
            }
        return {
            "target": self.name,
            "examples": self.examples,
            "accepted": self.accepted,
            "refused": self.refused,
            "known": self.known,
            "seconds": round(self.seconds, 1),
            "failure": failure,
        }


def run_target(
    target: Target,
    *,
    examples: int | None = None,
    seconds: float | None = None,
    derandomize: bool = False,
    database: Path | None = None,
    deadline_s: float = 30.0,
    strict: bool = False,
) -> TargetReport:
    """Run ``target``: ``examples`` inputs (default: the target's CI count), or as many as
    fit in ``seconds``. Stops at the first failure (shrunk to a minimal input); ``strict``
    counts the failures of :mod:`kiosk.fuzz.known` too."""
    report = TargetReport(target.name)
    started = time.monotonic()
    if seconds is None:
        _run(target, report, examples or target.examples, derandomize, database, deadline_s, strict)
    else:
        while report.failure is None and time.monotonic() - started < seconds:
            _run(target, report, CHUNK, derandomize, database, deadline_s, strict)
            derandomize = False  # later chunks explore further
    report.seconds = time.monotonic() - started
    return report


def _run(
    target: Target,
    report: TargetReport,
    count: int,
    derandomize: bool,
    database: Path | None,
    deadline_s: float,
    strict: bool,
) -> None:
    db: ExampleDatabase | None = None
    if database is not None:
        db = DirectoryBasedExampleDatabase(database / target.name)

    @settings(
        max_examples=count,
        deadline=timedelta(seconds=deadline_s),
        derandomize=derandomize,
        database=db,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        print_blob=False,
    )
    @given(target.inputs)
    def feed(value: Any) -> None:
        report.examples += 1
        with tempfile.TemporaryDirectory(prefix="kiosk-fuzz-") as work:
            try:
                answer = guarded(target, value, Path(work), strict=strict)
            except BaseException as exc:
                report._last[:] = [value, exc]
                raise
        if answer is Answer.ACCEPTED:
            report.accepted += 1
        elif answer is Answer.REFUSED:
            report.refused += 1
        else:
            report.known += 1

    try:
        feed()
    except Exception as exc:  # the minimal failing input was the last one fed
        value, original = report._last if report._last else (None, exc)
        report.failure = Failure(value, _error(original), _head(original))


def _error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:200] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _head(exc: BaseException) -> str:
    """The innermost frames of the traceback and the error line."""
    frames = traceback.extract_tb(exc.__traceback__)[-TRACEBACK_LINES:]
    lines = [f"{f.filename}:{f.lineno} in {f.name}" for f in frames]
    return "\n".join([*lines, _error(exc)])


def save_reproducer(target: Target, failure: Failure, folder: Path) -> Path:
    """Keep the failing input (and a ``.txt`` with its traceback head) in ``folder``."""
    data = target.encode(failure.value)
    digest = hashlib.sha256(data).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{target.name}-{digest}{target.suffix}"
    path.write_bytes(data)
    path.with_name(path.name + ".txt").write_text(
        f"target: {target.name}\nreplay: kiosk fuzz --replay {path}\n\n{failure.traceback_head}\n",
        encoding="utf-8",
    )
    failure.saved = path
    return path
