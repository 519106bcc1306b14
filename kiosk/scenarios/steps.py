"""The steps and expectations of a headless scenario, run against a real flow.

A :class:`Run` holds one scenario's flow, its services (virtual card in-process, the simulated
CA and eligibility service, the records store, a virtual clock) and what was recorded.
Everything a run writes stays inside its home: paths the scenario names are relative to it,
the records are the home's own, and the staff credential is checked in memory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from kiosk.config import DAY_S, Settings, quoted
from kiosk.errors import KioskError
from kiosk.reception.clock import ManualClock
from kiosk.reception.errors import FlowError, RefusedError
from kiosk.reception.events import Event, StaffMode
from kiosk.reception.flow import Change, Reception
from kiosk.reception.ports import ReceptionResult, Records
from kiosk.scenarios.expect import CHECKS, run_store
from kiosk.simcard.cardfile import save_card
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.phone import default_pin, issue_phone
from kiosk.simcard.state import UserVerification
from kiosk.simcard.virtual import VirtualCard, open_card_file
from kiosk.station_tables.passcode import FacilityPasscode
from kiosk.station_tables.staff_accounts import PASSCODE_ID, Login, StaffAccounts
from kiosk.vocabulary import AuditKind, Outcome, PhoneOs
from kiosk.wiring.memory import StaticStaff
from kiosk.wiring.phone import TakenAwayEarly
from kiosk.wiring.services import SCRIPTED, build_services

YES = {"yes", "true", "agree", "use", "share", "ok", "electronic", True}
NO = {"no", "false", "disagree", "not", "paper", "refuse", False}
PATH_SETTINGS = ("staff_password_file", "outbox", "card_salt_file")
CAMERAS = (SCRIPTED, "person:")
MAX_VIRTUAL_S = 7 * DAY_S  # of virtual time in one scenario (waits added up)


class ScenarioFailedError(KioskError):
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
    if isinstance(key, str | bool):
        if key in YES:
            return True
        if key in NO:
            return False
    raise ScenarioFailedError(f"{what}: say yes or no (got {quoted(value)})")


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
    waited_s: float = 0.0
    phone: VirtualCard | None = None  # the smartphone made from the card, when the scenario has one
    phone_pin: str = field(default="", repr=False)  # the phone's PIN, typed by ``correct``
    passcode: FacilityPasscode | None = None  # the facility's 目視 passcode, when set
    passcode_typed: str = field(default="", repr=False)  # what ``right`` types
    events_before: int = 0  # event records in the home's chain before this scenario
    passcode_answer: Login | None = None  # the last entry on the reader's pad

    @classmethod
    @contextlib.contextmanager
    def start(
        cls, spec: dict[str, Any], home: Path, emit: Callable[[dict[str, Any]], None] | None
    ) -> Iterator[Run]:

        overrides = dict(spec["settings"])
        if spec.get("phone") is not None:
            overrides.setdefault("phone_reader", "virtual")
        settings, policy_overrides, records_url = _split_settings(overrides, home)
        camera = str(spec["camera"])
        if not camera.startswith(CAMERAS):
            raise ScenarioFailedError(
                f"camera {quoted(camera)}: a scenario uses scripted:match / "
                "scripted:no-match,match or person:<name>"
            )
        card, auth_pin = _open_card(spec, home)
        clock = ManualClock()
        services = build_services(
            settings,
            camera=camera,
            clock=clock,
            records=records_url,
            staff=StaticStaff(spec["staff_password"]),
        )
        if policy_overrides:
            try:
                services.policy = services.policy.with_overrides(policy_overrides)
            except BaseException:
                services.close()
                raise
        records = RecordingRecords(services.records)
        services.records = records
        services.slot.insert(card)
        flow = services.reception()
        run = cls(flow, services, clock, records, card, auth_pin, spec["staff_password"])
        if spec.get("phone") is not None:
            run.phone, run.phone_pin = _make_phone(spec["phone"], card)
        if spec.get("passcode") is not None:
            run.passcode_typed = str(spec["passcode"])
            store = run_store(records)
            run.events_before = len(list(store.records(kind="event")))
            run.passcode = _set_passcode(store, run.passcode_typed, clock)
        flow.add_listener(run.changes.append)
        if emit is not None:
            flow.add_listener(lambda c: emit(change_event(spec["name"], c)))
        try:
            yield run
        finally:
            flow.face.forget()
            services.close()


def _set_passcode(store: Any, passcode: str, clock: ManualClock) -> FacilityPasscode:
    """The facility's 目視 passcode in the run's records (the station's tables beside its
    chain, ``store``), set before the first step."""
    table = FacilityPasscode(store.db, StaffAccounts(store.db, store))
    try:
        table.set(passcode, by="scenario", at=clock.now())
    except KioskError as exc:
        raise ScenarioFailedError(f"passcode: {exc}") from None
    return table


def _split_settings(overrides: dict[str, Any], home: Path) -> tuple[Settings, dict[str, Any], str]:
    """Facility settings (kiosk.config), the flow-only policy overrides, and the records URL
    (SQLite inside ``home``). Paths are relative to ``home`` and must stay inside it."""
    names = {f.name for f in dataclasses.fields(Settings)}
    mine = {k: v for k, v in overrides.items() if k in names}
    rest = {k: v for k, v in overrides.items() if k not in names}
    for key in PATH_SETTINGS:
        if mine.get(key) is not None:
            mine[key] = str(inside_home(home, mine[key], f"settings {key}"))
    url = mine.pop("records_url", None)
    records_url = f"sqlite:///{home / 'records.db'}"
    if url is not None:
        if not isinstance(url, str) or not url.startswith("sqlite:///"):
            raise ScenarioFailedError(
                f"settings records_url {quoted(url)}: a scenario keeps its records in its "
                "home: sqlite:///<path relative to the home>"
            )
        records_url = f"sqlite:///{inside_home(home, url[len('sqlite:///') :], 'records_url')}"
    return Settings().with_overrides(mine), rest, records_url


def inside_home(home: Path, value: Any, what: str) -> Path:
    """``value`` (a relative path) under ``home``; ScenarioFailedError when it would leave it."""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioFailedError(
            f"{what}: a path relative to the scenario home, not {quoted(value)}"
        )
    if "\x00" in value:
        raise ScenarioFailedError(f"{what}: a path cannot hold a NUL character")
    relative = PurePosixPath(value)
    if relative.is_absolute() or value.startswith("~") or ".." in relative.parts:
        raise ScenarioFailedError(
            f"{what} {quoted(value)}: scenario runs write only inside their home; "
            "give a path relative to it (no leading /, ~ or ..)"
        )
    path = home / relative
    try:
        escapes = not path.resolve().is_relative_to(home.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        escapes = True
    if escapes:
        raise ScenarioFailedError(f"{what} {quoted(value)}: leads out of the scenario home")
    return path


def _open_card(spec: dict[str, Any], home: Path) -> tuple[Any, str]:
    """The scenario's virtual card: issued from the deck, or kept in a card file."""

    profile_name = spec.get("card")
    card_file = spec.get("card_file")
    if card_file:
        path = inside_home(home, card_file, "card_file")
        if not path.exists():
            if not profile_name:
                raise ScenarioFailedError(
                    f"card file {quoted(card_file)} does not exist yet: name a card"
                )
            state = issue_card(profile_name)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ScenarioFailedError(
                    f"card_file {quoted(card_file)}: {exc.strerror}"
                ) from None
            save_card(path, state)
        card = open_card_file(path)
    else:
        card = VirtualCard(issue_card(str(profile_name)))
    profile = get_profile(profile_name or card.state.profile)
    return card, profile.auth_pin


def _make_phone(spec: dict[str, Any], card: Any) -> tuple[VirtualCard, str]:
    """The scenario's smartphone, made from its card: ``{os: ios|android, pin: "1234",
    verification: ok|fails|not-enrolled}``."""
    unknown = sorted(set(spec) - {"os", "pin", "verification"})
    if unknown:
        raise ScenarioFailedError(
            f"phone: unknown key {quoted(unknown[0])} (os, pin, verification)"
        )
    try:
        os_ = PhoneOs(spec.get("os", "android"))
        verification = UserVerification(spec.get("verification", "ok"))
    except ValueError:
        raise ScenarioFailedError(
            "phone: os is ios or android; verification ok, fails or not-enrolled"
        ) from None
    pin = str(spec["pin"]) if "pin" in spec else default_pin(card.state)
    state = issue_phone(card.state, os_, pin=pin, verification=verification)
    return VirtualCard(state), pin


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
    "retry_phone": Event.RETRY_PHONE,
}
_CHOOSE = {
    "face": Event.CHOOSE_FACE,
    "pin": Event.CHOOSE_PIN,
    "staff": Event.CALL_STAFF,
    "phone": Event.CHOOSE_PHONE,
    "portal": Event.CALL_STAFF,  # the smartphone path: show the マイナポータル screen
}
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
        raise ScenarioFailedError(f"a step is a name or a one-key mapping, not {quoted(step)}")
    flow = run.flow
    if not isinstance(action, str):
        raise ScenarioFailedError(f"unknown step {quoted(action)}")
    if action in _SIMPLE:
        flow.send(_SIMPLE[action])
    elif action == "place_card":
        if run.services.slot.transport is None:
            run.services.slot.insert(run.card)
        flow.send(Event.CARD_PLACED)
    elif action == "remove_card":
        flow.interrupt()
        run.services.slot.remove()
        flow.send(Event.CARD_REMOVED)
    elif action == "choose":
        if not isinstance(arg, str) or arg not in _CHOOSE:
            raise ScenarioFailedError(
                f"choose: face, pin, staff, phone or portal (got {quoted(arg)})"
            )
        flow.send(_CHOOSE[arg])
    elif action == "pin":
        flow.send(Event.PIN_ENTERED, _pin(run, arg))
    elif action in PHONE_STEPS:
        _phone_step(run, action, arg)
    elif action == "consent":
        for answer in arg if isinstance(arg, list) else [arg]:
            flow.send(Event.CONSENT, _yes(answer, "consent"))
    elif action == "staff_confirm":
        flow.send(Event.STAFF_CONFIRM, _yes(arg, action))
    elif action in _ANSWERS:
        flow.send(_ANSWERS[action], _yes(arg, action))
    elif action == "prescription":
        flow.send(Event.PRESCRIPTION, _yes(arg, "prescription (electronic / paper)"))
    elif action == "staff_mode":
        _staff_mode(run, arg)
    elif action == "staff_passcode":
        _staff_passcode(run, arg)
    elif action == "wait":
        _wait(run, arg)
    elif action == "expect":
        failures = check_expect(run, arg or {})
        if failures:
            raise ScenarioFailedError("; ".join(failures))
    elif action == "refused":
        _refused(run, arg or {})
    elif action == "eligibility_fails":
        count = arg if arg is not None else 1
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 1000:
            raise ScenarioFailedError(f"eligibility_fails: a count 0-1000 (got {quoted(arg)})")
        run.services.eligibility.service.fail_next(count)
    elif action in ("eligibility_fault", "eligibility_answer"):
        _eligibility(run, action, arg)
    else:
        raise ScenarioFailedError(f"unknown step {quoted(action)}")


def _eligibility(run: Run, action: str, arg: Any) -> None:
    """``eligibility_fault: timeout`` (refused, terminal_auth, error_answer, none) or
    ``eligibility_answer: maru_kanji`` (valid, invalid, no_qualification, maru_kana, deck):
    set on the simulated service for the checks to come, as the operator panel does."""
    service = run.services.eligibility.service
    try:
        if action == "eligibility_fault":
            service.set_fault(str(arg) if arg is not None else None)
        else:
            service.set_answer(str(arg) if arg is not None else None)
    except ValueError as exc:
        raise ScenarioFailedError(f"{action}: {exc}") from None


PHONE_STEPS = frozenset(
    {"phone_os", "phone_pin", "place_phone", "remove_phone", "phone_verification"}
)


def _phone_step(run: Run, action: str, arg: Any) -> None:
    """The smartphone's steps: which phone the patient says, its PIN, holding it over the
    reader (``place_phone: early``: taken away before the read ends), the iPhone's Face ID."""
    phone = run.phone
    if phone is None:
        raise ScenarioFailedError(f"{action}: the scenario has no phone (phone: {{os: …}})")
    slot = run.services.phone
    if action == "phone_os":
        run.flow.send(Event.PHONE_OS, str(arg))
    elif action == "phone_pin":
        run.flow.send(Event.PIN_ENTERED, _pin(run, arg, run.phone_pin))
    elif action == "place_phone":
        if arg not in (None, "early"):
            raise ScenarioFailedError(f"place_phone: nothing or early (got {quoted(arg)})")
        slot.insert(TakenAwayEarly(phone) if arg == "early" else phone)
        if Event.PHONE_PLACED in run.flow.allowed_events():
            run.flow.send(Event.PHONE_PLACED)
    elif action == "remove_phone":
        slot.remove()
    else:
        try:
            outcome = UserVerification(str(arg))
        except ValueError:
            raise ScenarioFailedError(
                f"phone_verification: ok, fails or not-enrolled (got {quoted(arg)})"
            ) from None
        info = phone.state.phone
        if info is not None:
            info.user_verification = outcome


def _pin(run: Run, arg: Any, right: str | None = None) -> str:
    """``correct`` (the profile's test PIN, or ``right``), ``wrong`` (another 4 digits) or
    literal digits."""
    right = right or run.auth_pin
    if arg in ("correct", "right", None):
        return right
    if arg == "wrong":
        return f"{(int(right) + 1) % 10000:04d}"
    if isinstance(arg, bool) or not isinstance(arg, str | int):
        raise ScenarioFailedError(f"pin: correct, wrong or digits (got {quoted(arg)})")
    return str(arg)[:64]


def _staff_mode(run: Run, arg: Any) -> None:
    if isinstance(arg, dict):
        mode, credential = arg.get("mode", "visual"), arg.get("credential", "")
        if not isinstance(credential, str | int):
            raise ScenarioFailedError("staff_mode: the credential is text")
        credential = str(credential)
    else:
        mode, credential = arg, run.staff_password
    if not isinstance(mode, str) or mode not in ("visual", "unattended"):
        raise ScenarioFailedError(f"staff_mode: visual or unattended (got {quoted(mode)})")
    run.flow.send(Event.STAFF_MODE, StaffMode(mode == "visual", credential))


def _staff_passcode(run: Run, arg: Any) -> None:
    """Staff type the facility's 目視 passcode on the reader's pad (``right``, ``wrong`` or
    4 digits): checked with its waits and audit; a good one switches the kiosk to 目視."""
    if run.passcode is None:
        raise ScenarioFailedError("staff_passcode: the scenario sets no passcode (passcode:)")
    if arg in ("right", "correct"):
        typed = run.passcode_typed
    elif arg == "wrong":
        typed = f"{(int(run.passcode_typed) + 1) % 10000:04d}"
    elif isinstance(arg, str | int) and not isinstance(arg, bool):
        typed = str(arg)
    else:
        raise ScenarioFailedError(f"staff_passcode: right, wrong or digits (got {quoted(arg)})")
    kiosk_id = run.services.settings.kiosk_id
    answer = run.passcode.check(typed, f"kiosk:{kiosk_id}", at=run.clock.now())
    run.passcode_answer = answer
    if answer.result == "ok":
        run.flow.send(Event.STAFF_MODE, StaffMode(True, run.staff_password, PASSCODE_ID))


def _wait(run: Run, arg: Any) -> None:
    """Let ``arg`` seconds of virtual time pass, ticking the flow each second (a finite
    number, at most a day at a time and a week in one scenario)."""
    if arg is None:
        arg = 0
    if isinstance(arg, bool) or not isinstance(arg, int | float):
        raise ScenarioFailedError(f"wait: a number of seconds (got {quoted(arg)})")
    if not (isinstance(arg, int) or math.isfinite(arg)) or not 0 <= arg <= DAY_S:
        raise ScenarioFailedError(f"wait: between 0 and 86400 seconds (got {quoted(arg)})")
    seconds = float(arg)
    if run.waited_s + seconds > MAX_VIRTUAL_S:
        raise ScenarioFailedError("wait: a scenario lasts at most a week of virtual time")
    run.waited_s += seconds
    whole = int(seconds)
    for _ in range(whole):
        run.clock.advance(1.0)
        run.flow.send(Event.TICK)
    if seconds - whole > 0:
        run.clock.advance(seconds - whole)
        run.flow.send(Event.TICK)


def _refused(run: Run, arg: Any) -> None:
    """The named step must be refused (``rule``: the guard, or ``not-allowed``)."""
    if not isinstance(arg, dict):
        raise ScenarioFailedError(f"refused: {{step: …, rule: …}} (got {quoted(arg)})")
    step, rule = arg.get("step"), arg.get("rule")
    if isinstance(step, dict) and "refused" in step:
        raise ScenarioFailedError("refused: the step inside cannot be another refused")
    try:
        run_step(run, step)
    except RefusedError as exc:
        if rule not in (None, exc.guard):
            raise ScenarioFailedError(
                f"{quoted(step)} refused by {exc.guard}, expected {quoted(rule)}"
            ) from None
        return
    except FlowError:
        if rule not in (None, "not-allowed"):
            raise ScenarioFailedError(
                f"{quoted(step)} not allowed at all, expected rule {quoted(rule)}"
            ) from None
        return
    raise ScenarioFailedError(f"{quoted(step)} was accepted; expected it refused")


def check_expect(run: Run, expect: dict[str, Any]) -> list[str]:
    """Every expectation that does not hold, as a message."""

    failures: list[str] = []
    if not isinstance(expect, dict):
        return [f"expect is a mapping, not {quoted(expect)}"]
    for key, wanted in expect.items():
        check = CHECKS.get(key) if isinstance(key, str) else None
        if check is None:
            failures.append(f"unknown expectation {quoted(key)}; known: {', '.join(CHECKS)}")
            continue
        got = check(run, wanted)
        if got is not None:
            failures.append(f"{key}: expected {quoted(wanted, 80)}, got {quoted(got, 80)}")
    return failures
