"""Headless scenarios: YAML files that drive the reception like a patient and the staff would.

A scenario names the card (``card: <deck profile>``; ``card_file: <name>.card`` keeps it in a
file shared by later scenarios of the run, so a lock persists), the camera (``person:<name>``
for the real face pipeline, ``scripted:match,no-match`` for scripted verdicts), facility
``settings`` (inline overrides), ``steps`` and the expected outcome ``expect``. Time is a
virtual clock: ``wait: 65`` advances it a second at a time, ticking the flow. See
assets/scenarios/README.md for every step and expectation.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.paths import kiosk_home_at
from kiosk.reception.errors import Refused
from kiosk.scenarios.steps import Run, ScenarioFailed, check_expect, run_step

STAFF_PASSWORD = "staff-password"  # noqa: S105 - the simulator's scenario default, not a secret


class ScenarioError(KioskError):
    """A scenario file that cannot be used (the message names the file and the problem)."""


@dataclass
class Scenario:
    name: str
    path: Path
    card: str | None
    card_file: str | None
    camera: str
    settings: dict[str, Any]
    steps: list[Any]
    expect: dict[str, Any]
    staff_password: str = STAFF_PASSWORD


@dataclass
class ScenarioResult:
    name: str
    path: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    final_state: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "passed": self.passed,
            "failures": self.failures,
            "final_state": self.final_state,
        }


@dataclass
class Report:
    results: list[ScenarioResult]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "scenarios": [r.to_dict() for r in self.results],
        }


_KEYS = {"name", "card", "card_file", "camera", "settings", "steps", "expect", "staff_password"}


def scenario_files(paths: list[Path]) -> list[Path]:
    """Files named, and *.yaml / *.yml inside folders (sorted), in the order given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            found.append(path)
        else:
            raise ScenarioError(f"{path}: no such scenario file or folder")
    return found


def load_scenarios(path: Path) -> list[Scenario]:
    """The scenarios of one file (a mapping, or a list of mappings)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: cannot read YAML: {exc}") from None
    items = data if isinstance(data, list) else [data]
    return [_scenario(path, item, i) for i, item in enumerate(items)]


def _scenario(path: Path, item: Any, index: int) -> Scenario:
    where = f"{path}" + (f" (scenario {index + 1})" if index else "")
    if not isinstance(item, dict):
        raise ScenarioError(f"{where}: a scenario is a mapping with name, card, steps, expect")
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise ScenarioError(f"{where}: unknown keys {unknown}; known: {sorted(_KEYS)}")
    if not item.get("card") and not item.get("card_file"):
        raise ScenarioError(f"{where}: name the card (card: <profile>, and/or card_file:)")
    steps = item.get("steps") or []
    if not isinstance(steps, list):
        raise ScenarioError(f"{where}: steps must be a list")
    expect = item.get("expect") or {}
    settings = item.get("settings") or {}
    if not isinstance(expect, dict) or not isinstance(settings, dict):
        raise ScenarioError(f"{where}: expect and settings are mappings")
    return Scenario(
        name=str(item.get("name") or path.stem),
        path=path,
        card=item.get("card"),
        card_file=item.get("card_file"),
        camera=str(item.get("camera") or "scripted:match"),
        settings=settings,
        steps=steps,
        expect=expect,
        staff_password=str(item.get("staff_password") or STAFF_PASSWORD),
    )


Emit = Callable[[dict[str, Any]], None]


def run_scenarios(
    paths: list[Path], *, home: Path | None = None, emit: Emit | None = None
) -> Report:
    """Run every scenario under ``paths`` in one KIOSK_HOME (a fresh temporary one unless
    ``home`` is given), so card files and the CA ledger carry over between scenarios."""
    files = scenario_files(paths)
    results: list[ScenarioResult] = []
    with contextlib.ExitStack() as stack:
        where = home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-")))
        where.mkdir(parents=True, exist_ok=True)
        stack.enter_context(kiosk_home_at(where))
        for file in files:
            try:
                scenarios = load_scenarios(file)
            except ScenarioError as exc:
                results.append(ScenarioResult(file.stem, str(file), False, [str(exc)]))
                continue
            for scenario in scenarios:
                results.append(run_scenario(scenario, where, emit))
    return Report(results)


def run_scenario(scenario: Scenario, home: Path, emit: Emit | None = None) -> ScenarioResult:
    """Run one scenario; failures are collected, never raised (bad input included)."""
    result = ScenarioResult(scenario.name, str(scenario.path), False)
    try:
        with Run.start(scenario.__dict__, home, emit) as run:
            for index, step in enumerate(scenario.steps, 1):
                try:
                    run_step(run, step)
                except (KioskError, ValueError, TypeError, KeyError, AttributeError) as exc:
                    kind = "refused" if isinstance(exc, Refused) else type(exc).__name__
                    raise ScenarioFailed(f"step {index} {_short(step)}: {kind}: {exc}") from None
            try:
                result.failures = check_expect(run, scenario.expect)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise ScenarioFailed(f"expect: cannot check {exc!r}") from None
            result.final_state = str(run.flow.state.value)
    except ScenarioFailed as exc:
        result.failures.append(str(exc))
    except KioskError as exc:
        result.failures.append(f"{type(exc).__name__}: {exc}")
    result.passed = not result.failures
    return result


def _short(step: Any) -> str:
    text = str(step)
    return text if len(text) < 60 else text[:57] + "..."
