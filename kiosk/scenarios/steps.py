"""The steps and expectations of a headless scenario, run against a real flow.

A :class:`Run` holds one scenario's flow, its services (virtual card in-process, the simulated
CA and eligibility service, the records store, a virtual clock) and what was recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.config import Settings, set_staff_password
from kiosk.errors import KioskError
from kiosk.reception.clock import ManualClock
from kiosk.reception.errors import FlowError, Refused
from kiosk.reception.events import Event
from kiosk.reception.flow import Change, Reception
from kiosk.reception.ports import ReceptionResult, Records
from kiosk.scenarios.expect import CHECKS
from kiosk.simcard.cardfile import save_card
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.virtual import VirtualCard, open_card_file
from kiosk.vocabulary import AuditKind, Outcome
from kiosk.wiring.services import build_services

YES = {"yes", "true", "agree", "use", "share", "ok", "electronic", True}
NO = {"no", "false", "disagree", "not", "paper", "refuse", False}


class ScenarioFailed(KioskError):
    """A step or an expectation that did not hold (the message says which and why)."""


@dataclass
class RecordingRecords:
    """Wraps the records port: counts what one scenario recorded."""

    inner: Records
    completed: list[ReceptionResult] = field(default_factory=list)
    paths: list[str | None] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)

    def record_reception(self, result: ReceptionResult) -> str | None:
        path = self.inner.record_reception(result)
        self.completed.append(result)
        self.paths.append(path)
        return path

    def record_event(
        self, kind: Outcome | AuditKind, details: Mapping[str, str | int], at: datetime
    ) -> None:
        self.inner.record_event(kind, details, at)
        if isinstance(kind, Outcome):
            self.outcomes.append(kind.value)
        else:
            self.audit.append(str(details.get("action", kind.value)))


def _yes(value: Any, what: str) -> bool:
    key = value.lower() if isinstance(value, str) else value
    if key in YES:
        return True
    if key in NO:
        return False
    raise ScenarioFailed(f"{what}: say yes or no (got {value!r})")


@dataclass
class Run:
    flow: Reception
    services: Any
    clock: ManualClock
    records: RecordingRecords
    card: Any  # the VirtualCard, kept to put back and to read its counters
    auth_pin: str
    staff_password: str
    changes: list[Change] = field(default_factory=list)

    @classmethod
    @contextlib.contextmanager
    def start(
        cls, spec: dict[str, Any], home: Path, emit: Callable[[dict[str, Any]], None] | None
    ) -> Iterator[Run]:

        settings, policy_overrides = _split_settings(spec["settings"])
        set_staff_password(settings, spec["staff_password"])
        card, auth_pin = _open_card(spec, home)
        clock = ManualClock()
        services = build_services(settings, camera=spec["camera"], clock=clock)
        if policy_overrides:
            services.policy = services.policy.with_overrides(policy_overrides)
        records = RecordingRecords(services.records)
        services.records = records
        services.slot.insert(card)
        flow = services.reception()
        run = cls(flow, services, clock, records, card, auth_pin, spec["staff_password"])
        flow.add_listener(run.changes.append)
        if emit is not None:
            flow.add_listener(lambda c: emit(change_event(spec["name"], c)))
        try:
            yield run
        finally:
            flow.face.forget()
            services.close()


def _split_settings(overrides: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Facility settings (kiosk.config) and the flow-only policy overrides (display_s …)."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(Settings)}
    mine = {k: v for k, v in overrides.items() if k in names}
    rest = {k: v for k, v in overrides.items() if k not in names}
    return Settings().with_overrides(mine), rest


def _open_card(spec: dict[str, Any], home: Path) -> tuple[Any, str]:
    """The scenario's virtual card: issued from the deck, or kept in a card file."""

    profile_name = spec.get("card")
    card_file = spec.get("card_file")
    if card_file:
        path = Path(card_file) if Path(card_file).is_absolute() else home / card_file
        if not path.exists():
            if not profile_name:
                raise ScenarioFailed(f"card file {card_file} does not exist yet: name a card")
            save_card(path, issue_card(profile_name))
        card = open_card_file(path)
    else:
        card = VirtualCard(issue_card(str(profile_name)))
    profile = get_profile(profile_name or card.state.profile)
    return card, profile.auth_pin


def change_event(name: str, change: Change) -> dict[str, Any]:
    """One JSON line for a state change (no PIN, no photo: only the screen's details)."""
    return {
        "scenario": name,
        "event": change.event,
        "from": change.previous.value,
        "to": change.state.value,
        "screen": change.screen.id,
        "details": change.screen.details,
    }


_SIMPLE = {
    "face": Event.LOOK_AT_CAMERA,
    "look_at_camera": Event.LOOK_AT_CAMERA,
    "retry_face": Event.RETRY_FACE,
    "call_staff": Event.CALL_STAFF,
    "next": Event.NEXT,
    "cancel": Event.CANCEL,
    "continue": Event.CONTINUE,
    "tick": Event.TICK,
}
_CHOOSE = {"face": Event.CHOOSE_FACE, "pin": Event.CHOOSE_PIN, "staff": Event.CALL_STAFF}
_ANSWERS = {
    "register": Event.REGISTER,
    "high_cost": Event.HIGH_COST,
    "limit_info": Event.LIMIT_INFO,
    "specific_disease": Event.DISEASE_INFO,
    "staff_confirm": Event.STAFF_CONFIRM,
}


def run_step(run: Run, step: Any) -> None:
    """Perform one step (a name, or a one-key mapping ``action: argument``)."""
    if isinstance(step, str):
        action, arg = step, None
    elif isinstance(step, dict) and len(step) == 1:
        action, arg = next(iter(step.items()))
    else:
        raise ScenarioFailed(f"a step is a name or a one-key mapping, not {step!r}")
    flow = run.flow
    if action in _SIMPLE:
        flow.send(_SIMPLE[action])
    elif action == "place_card":
        if run.services.slot.transport is None:
            run.services.slot.insert(run.card)
        flow.card_placed()
    elif action == "remove_card":
        flow.interrupt()
        run.services.slot.remove()
        flow.card_removed()
    elif action == "choose":
        if arg not in _CHOOSE:
            raise ScenarioFailed(f"choose: face, pin or staff (got {arg!r})")
        flow.send(_CHOOSE[arg])
    elif action == "pin":
        flow.pin_entered(_pin(run, arg))
    elif action == "consent":
        for answer in arg if isinstance(arg, list) else [arg]:
            flow.consent(_yes(answer, "consent"))
    elif action == "staff_confirm":
        flow.staff_confirm(_yes(arg, action))
    elif action in _ANSWERS:
        flow.send(_ANSWERS[action], _yes(arg, action))
    elif action == "prescription":
        flow.prescription(_yes(arg, "prescription (electronic / paper)"))
    elif action == "staff_mode":
        _staff_mode(run, arg)
    elif action == "wait":
        _wait(run, float(arg or 0))
    elif action == "expect":
        failures = check_expect(run, arg or {})
        if failures:
            raise ScenarioFailed("; ".join(failures))
    elif action == "refused":
        _refused(run, arg or {})
    elif action == "eligibility_fails":
        run.services.eligibility.service.fail_next(int(arg or 1))
    else:
        raise ScenarioFailed(f"unknown step {action!r}")


def _pin(run: Run, arg: Any) -> str:
    """``correct`` (the profile's test PIN), ``wrong`` (another 4 digits) or literal digits."""
    if arg in ("correct", "right", None):
        return run.auth_pin
    if arg == "wrong":
        return f"{(int(run.auth_pin) + 1) % 10000:04d}"
    return str(arg)


def _staff_mode(run: Run, arg: Any) -> None:
    if isinstance(arg, dict):
        mode, credential = arg.get("mode", "visual"), str(arg.get("credential", ""))
    else:
        mode, credential = arg, run.staff_password
    if mode not in ("visual", "unattended"):
        raise ScenarioFailed(f"staff_mode: visual or unattended (got {mode!r})")
    run.flow.staff_mode(mode == "visual", credential)


def _wait(run: Run, seconds: float) -> None:
    """Let ``seconds`` of virtual time pass, ticking the flow each second."""
    whole = int(seconds)
    for _ in range(whole):
        run.clock.advance(1.0)
        run.flow.tick()
    if seconds - whole > 0:
        run.clock.advance(seconds - whole)
        run.flow.tick()


def _refused(run: Run, arg: dict[str, Any]) -> None:
    """The named step must be refused (``rule``: the guard, or ``not-allowed``)."""
    step, rule = arg.get("step"), arg.get("rule")
    try:
        run_step(run, step)
    except Refused as exc:
        if rule not in (None, exc.guard):
            raise ScenarioFailed(f"{step!r} refused by {exc.guard}, expected {rule}") from None
        return
    except FlowError:
        if rule not in (None, "not-allowed"):
            raise ScenarioFailed(f"{step!r} not allowed at all, expected rule {rule}") from None
        return
    raise ScenarioFailed(f"{step!r} was accepted; expected it refused")


def check_expect(run: Run, expect: dict[str, Any]) -> list[str]:
    """Every expectation that does not hold, as a message."""

    failures: list[str] = []
    for key, wanted in expect.items():
        check = CHECKS.get(key)
        if check is None:
            failures.append(f"unknown expectation {key!r}; known: {sorted(CHECKS)}")
            continue
        got = check(run, wanted)
        if got is not None:
            failures.append(f"{key}: expected {wanted!r}, got {got!r}")
    return failures
