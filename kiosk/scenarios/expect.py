"""Expectations of a scenario: each check returns None when it holds, else what it found."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.reception.rules import desk_call_reason
from kiosk.records.result_xml import NAME_PATTERNS, ResultFileError, read_result
from kiosk.station_tables.staff_accounts import PASSCODE_ID
from kiosk.vocabulary import PinKind

if TYPE_CHECKING:
    from kiosk.scenarios.steps import RecordingRecords, Run


def run_store(records: RecordingRecords) -> Any:
    """The run's RecordStore (its records port's store's), for the station's tables."""
    port: Any = records.inner
    return port.store.store


def _last(run: Run) -> Any:
    return run.records.completed[-1] if run.records.completed else None


def _state(run: Run, wanted: Any) -> Any:
    got = run.flow.state.value
    return None if got == wanted else got


def _details(run: Run, wanted: Any) -> Any:
    details = run.flow.screen().details
    wrong = {k: details.get(k) for k, v in dict(wanted).items() if details.get(k) != v}
    return wrong or None


def _error_code(run: Run, wanted: Any) -> Any:
    got = run.flow.screen().details.get("error_code")
    return None if got == str(wanted) else got


def _options(run: Run, wanted: Any) -> Any:
    """``{event: true}`` shown and enabled, ``false`` shown disabled, ``absent`` not shown."""
    shown = {o.event: o.enabled for o in run.flow.screen().options}
    wrong = {}
    for event, want in dict(wanted).items():
        have = shown.get(event, "absent")
        if have != want:
            wrong[event] = have
    return wrong or None


def _method(run: Run, wanted: Any) -> Any:
    last = _last(run)
    got = None if last is None else last.method.value
    return None if got == wanted else got


def _consents(run: Run, wanted: Any) -> Any:
    last = _last(run)
    got = {} if last is None else {k.value: v for k, v in last.consents.items()}
    return None if got == dict(wanted or {}) else got


def _answer(attr: str) -> Callable[[Run, Any], Any]:
    def check(run: Run, wanted: Any) -> Any:
        last = _last(run)
        got = None if last is None else getattr(last, attr)
        return None if got == wanted else got

    return check


def _validity(run: Run, wanted: Any) -> Any:
    last = _last(run)
    got = None if last is None else last.qualification.validity
    return None if got == wanted else got


def _records(run: Run, wanted: Any) -> Any:
    """``completed``: receptions recorded (with consents); ``outcomes``: audit kinds, in order."""
    got: dict[str, Any] = {}
    wanted = dict(wanted)
    if "completed" in wanted and len(run.records.completed) != wanted["completed"]:
        got["completed"] = len(run.records.completed)
    if "outcomes" in wanted and run.records.outcomes != list(wanted["outcomes"]):
        got["outcomes"] = run.records.outcomes
    if "audit" in wanted and run.records.audit != list(wanted["audit"]):
        got["audit"] = run.records.audit
    if wanted.get("result_file"):
        paths = [p for p in run.records.paths if p]
        if not paths or not Path(paths[-1]).exists():
            got["result_file"] = "missing"
    return got or None


def _card_pins(run: Run, wanted: Any) -> Any:
    """Tries left on the card itself (its own counters, as saved to its card file)."""

    pins = run.card.state.pins
    got = {k: pins[PinKind(k)].tries_left for k in dict(wanted)}
    return None if got == dict(wanted) else got


def _phone_pins(run: Run, wanted: Any) -> Any:
    """Tries left on the scenario's smartphone (its own counters)."""
    if run.phone is None:
        return "no phone"
    pins = run.phone.state.pins
    got = {k: pins[PinKind(k)].tries_left for k in dict(wanted)}
    return None if got == dict(wanted) else got


def _passcode(run: Run, wanted: Any) -> Any:
    """The last entry on the reader's pad: ``ok``, ``wrong`` or ``throttled``, or a mapping
    ``{answer: …, wait_s: N, audit: [actions of this scenario's audit records naming the
    passcode, in order]}``."""
    answer = run.passcode_answer
    wanted = dict(wanted) if isinstance(wanted, dict) else {"answer": wanted}
    got: dict[str, Any] = {}
    result = None if answer is None else answer.result.value
    if "answer" in wanted and result != wanted["answer"]:
        got["answer"] = result
    wait = None if answer is None else answer.retry_after_s
    if "wait_s" in wanted and wait != wanted["wait_s"]:
        got["wait_s"] = wait
    if "audit" in wanted:
        actions = _passcode_audit(run)
        if actions != list(wanted["audit"]):
            got["audit"] = actions
    return got or None


def _passcode_audit(run: Run) -> list[str]:
    store = run_store(run.records)
    return [
        str(r.body["detail"].get("action"))
        for r in list(store.records(kind="event"))[run.events_before :]
        if r.body.get("event") == "staff" and r.body.get("staff_id") == PASSCODE_ID
    ]


def _screen_text(run: Run, wanted: Any) -> Any:
    screen = run.flow.screen()
    return None if str(wanted) in screen.ja + screen.en else screen.ja


def _call_reason(run: Run, wanted: Any) -> Any:
    """Why the desk is called on the screen now (``none``: it is not)."""
    flow = run.flow
    reason = desk_call_reason(flow.state, flow.visit, flow.policy)
    got = "none" if reason is None else reason.value
    return None if got == wanted else got


def _result_xml(run: Run, wanted: Any) -> Any:
    """The newest result file in the outbox's ``face`` folder, read as a clinic system reads
    it (its name, its declared character code): ``{element: text}`` (the first element of that
    name; ``absent``: none)."""
    folder = run.services.settings.results_dir()
    files = (
        sorted(folder.glob("*.xml"), key=lambda p: p.stat().st_mtime_ns) if folder.is_dir() else []
    )
    if not files:
        return "no result file in the face folder"
    newest = files[-1]
    if not all(p.fullmatch(newest.name) for p in NAME_PATTERNS):
        return f"the name {newest.name} is not the terminal's"
    try:
        root = read_result(newest.read_bytes())
    except (ResultFileError, SyntaxError) as exc:
        return str(exc)
    got = {}
    for tag, want in dict(wanted).items():
        element = next(root.iter(str(tag)), None)
        have = "absent" if element is None else (element.text or "")
        if have != str(want):
            got[tag] = have
    return got or None


CHECKS: dict[str, Callable[[Run, Any], Any]] = {
    "state": _state,
    "details": _details,
    "error_code": _error_code,
    "options": _options,
    "method": _method,
    "consents": _consents,
    "high_cost": _answer("high_cost"),
    "limit_info": _answer("limit_consent"),
    "specific_disease": _answer("specific_disease_consent"),
    "electronic_prescription": _answer("electronic_prescription"),
    "registered_now": _answer("registered_now"),
    "validity": _validity,
    "records": _records,
    "card_pins": _card_pins,
    "phone_pins": _phone_pins,
    "screen_text": _screen_text,
    "call_reason": _call_reason,
    "result_xml": _result_xml,
    "passcode": _passcode,
}
