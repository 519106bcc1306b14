"""Headless scenarios: YAML files that drive the reception like a patient and the staff would.

A scenario names the card (``card: <deck profile>``; ``card_file: <name>.card`` keeps it in a
file shared by later scenarios of the run, so a lock persists), the camera (``person:<name>``
for the real face pipeline, ``scripted:match,no-match`` for scripted verdicts), facility
``settings`` (inline overrides), ``steps`` and the expected outcome ``expect``. Time is a
virtual clock: ``wait: 65`` advances it a second at a time, ticking the flow. See
assets/scenarios/README.md for every step and expectation.

A run is confined to its own home: a fresh temporary folder, or ``home`` when that folder is
empty or was made by a scenario run (it holds the marker file :data:`HOME_MARKER`). A folder
holding anything else (a kiosk's records, staff password, card salt…) is refused unless
``allow_real_home``. Records always go to the home (``$KIOSK_RECORDS`` is not used), the
staff credential is checked in memory (no staff password file is written), and every path a
scenario names (``card_file``, ``settings`` paths, ``records_url``) is relative to the home.
A scenario that fails for any reason, its database or disk included, is reported as failed and
the run goes on with the next one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.config import quoted
from kiosk.errors import KioskError
from kiosk.paths import kiosk_home_at
from kiosk.reception.errors import RefusedError
from kiosk.scenarios.steps import Run, ScenarioFailedError, check_expect, run_step

STAFF_PASSWORD = "staff-password"  # noqa: S105 - the simulator's scenario default, not a secret
HOME_MARKER = ".kiosk-scenario-home"
"""The file that marks a folder as a scenario run's home (made by the run itself)."""
MAX_SCENARIO_BYTES = 1_000_000
MAX_NESTING = 64  # lists and mappings inside each other; the shipped scenarios use 4
MAX_NAME_CHARS = 200


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
    phone: dict[str, Any] | None = None  # a smartphone made from the card (kiosk.simcard.phone)
    passcode: str | None = None  # the facility's 目視 passcode, set before the steps


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


_KEYS = {
    "name",
    "card",
    "card_file",
    "camera",
    "settings",
    "steps",
    "expect",
    "staff_password",
    "phone",
    "passcode",
}


def scenario_files(paths: list[Path]) -> list[Path]:
    """Files named, and *.yaml / *.yml inside folders (sorted), in the order given."""
    found: list[Path] = []
    for path in paths:
        if "\x00" in str(path):
            raise ScenarioError(f"{quoted(str(path))}: a path cannot hold a NUL character")
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            found.append(path)
        else:
            raise ScenarioError(f"{path}: no such scenario file or folder")
    return found


def load_scenarios(path: Path) -> list[Scenario]:
    """The scenarios of one file (a mapping, or a list of mappings); at most 1 MB of YAML."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_SCENARIO_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read YAML: {exc.strerror or exc}") from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{path}: larger than {MAX_SCENARIO_BYTES // 1_000_000} MB")
    try:
        text = raw.decode("utf-8")
        _check_nesting(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: cannot read YAML: not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise ScenarioError(
            f"{path}: cannot read YAML: nested more than {MAX_NESTING} levels deep"
        ) from None
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        # ValueError: e.g. a date 2024-13-45 or an integer of thousands of digits
        message = " ".join(str(exc).split())
        raise ScenarioError(f"{path}: cannot read YAML: {_short(message, 160)}") from None
    items = data if isinstance(data, list) else [data]
    return [_scenario(path, item, i) for i, item in enumerate(items)]


def _check_nesting(text: str) -> None:
    """Refuse YAML nested deeper than MAX_NESTING before building it: the parser's work
    grows with the square of the depth (10,000 levels take hours)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise RecursionError
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _scenario(path: Path, item: Any, index: int) -> Scenario:
    where = f"{path}" + (f" (scenario {index + 1})" if index else "")
    if not isinstance(item, dict):
        raise ScenarioError(f"{where}: a scenario is a mapping with name, card, steps, expect")
    unknown = [k for k in item if k not in _KEYS]
    if unknown:
        raise ScenarioError(
            f"{where}: unknown key {quoted(unknown[0])}; known: {', '.join(sorted(_KEYS))}"
        )
    if not item.get("card") and not item.get("card_file"):
        raise ScenarioError(f"{where}: name the card (card: <profile>, and/or card_file:)")
    steps = item.get("steps") or []
    if not isinstance(steps, list):
        raise ScenarioError(f"{where}: steps must be a list")
    expect = item.get("expect") or {}
    settings = item.get("settings") or {}
    if not isinstance(expect, dict) or not isinstance(settings, dict):
        raise ScenarioError(f"{where}: expect and settings are mappings")
    phone = item.get("phone")
    if phone is not None and not isinstance(phone, dict):
        raise ScenarioError(f"{where}: phone is a mapping (os, pin, verification)")
    texts = {}
    for key in ("name", "card", "card_file", "camera", "staff_password", "passcode"):
        value = item.get(key)
        if value is not None and not isinstance(value, str | int | float):
            raise ScenarioError(f"{where}: {key} is a single value, not {quoted(value)}")
        texts[key] = None if value is None or value == "" else str(value)
    return Scenario(
        name=_short(texts["name"] or path.stem, MAX_NAME_CHARS),
        path=path,
        card=texts["card"],
        card_file=texts["card_file"],
        camera=texts["camera"] or "scripted:match",
        settings=settings,
        steps=steps,
        expect=expect,
        staff_password=texts["staff_password"] or STAFF_PASSWORD,
        phone=phone,
        passcode=texts["passcode"],
    )


def prepare_home(home: Path, *, allow_real_home: bool = False) -> None:
    """Make ``home`` ready for a scenario run, or refuse it (:class:`ScenarioError`).

    A missing or empty folder becomes a scenario home (marked with :data:`HOME_MARKER`); a
    marked one is reused; any other folder may be a kiosk's real home (its records, staff
    password, card salt) and is refused unless ``allow_real_home``.
    """
    try:
        if home.exists() and not home.is_dir():
            raise ScenarioError(f"--home {home}: is a file, not a folder")
        if (home / HOME_MARKER).is_file():
            return
        home.mkdir(parents=True, exist_ok=True)
        held = sorted(p.name for p in home.iterdir())
        if held and not allow_real_home:
            shown = ", ".join(held[:4]) + (", …" if len(held) > 4 else "")
            raise ScenarioError(
                f"--home {home}: not a scenario home (it holds {shown} and no {HOME_MARKER}); "
                "scenario runs never touch a kiosk's real home: give a new or empty folder, "
                "or --allow-real-home to run there anyway"
            )
        if not held:
            (home / HOME_MARKER).write_text(
                "made by `kiosk scenario run`: a scenario home, not a kiosk's real home\n",
                encoding="utf-8",
            )
    except OSError as exc:
        raise ScenarioError(f"--home {home}: cannot use it ({exc.strerror or exc})") from None
    except ValueError:  # a NUL in the path
        raise ScenarioError(f"--home {quoted(str(home))}: not a usable path") from None


Emit = Callable[[dict[str, Any]], None]


def run_scenarios(
    paths: list[Path],
    *,
    home: Path | None = None,
    emit: Emit | None = None,
    allow_real_home: bool = False,
) -> Report:
    """Run every scenario under ``paths`` in one KIOSK_HOME (a fresh temporary one unless
    ``home`` is given), so card files and the CA ledger carry over between scenarios.

    ``home`` must be new, empty or a scenario home (see :func:`prepare_home`)."""
    files = scenario_files(paths)
    results: list[ScenarioResult] = []
    with contextlib.ExitStack() as stack:
        if home is None:
            where = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-")))
        else:
            where = home.absolute()
        prepare_home(where, allow_real_home=allow_real_home)
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
                except (
                    KioskError,
                    ValueError,
                    TypeError,
                    KeyError,
                    AttributeError,
                    ArithmeticError,
                ) as exc:
                    kind = "refused" if isinstance(exc, RefusedError) else type(exc).__name__
                    raise ScenarioFailedError(
                        f"step {index} {_short(step)}: {kind}: {_short(str(exc), 300)}"
                    ) from None
            try:
                result.failures = check_expect(run, scenario.expect)
            except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
                raise ScenarioFailedError(f"expect: cannot check {quoted(exc, 200)}") from None
            result.final_state = str(run.flow.state.value)
    except ScenarioFailedError as exc:
        result.failures.append(str(exc))
    except KioskError as exc:
        result.failures.append(f"{type(exc).__name__}: {_short(str(exc), 300)}")
    except (OSError, sqlite3.Error) as exc:
        # the disk or the database under the records failed: this scenario fails, the run
        # goes on (nothing of it was recorded as completed)
        result.failures.append(f"{type(exc).__name__}: {_short(str(exc), 300)}")
    result.passed = not result.failures
    return result


def _short(text: Any, limit: int = 60) -> str:
    """``text`` (a step: its bounded repr) cut to ``limit`` characters."""
    if not isinstance(text, str):
        text = quoted(text, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."
