"""What the desk trusts of a kiosk: its enrolment at this station, the signature on its calls,
the requests kiosks refused; and the desk's answers in the records chain as they are given.

A kiosk this station did not pair is shown as unpaired, and its calls cannot be answered; a
call not signed by the key enrolled for its kiosk cannot be answered either
(:func:`unanswerable`). Kiosks' refusals of forged, replayed or misdirected requests are
shown to every page (``refused`` in the desk's state).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.records.errors import RecordError
from kiosk.station.records_access import Parts
from kiosk.station_tables.calls import Call
from kiosk.station_tables.pairing import requests
from kiosk.station_tables.trust import enrolled, recent, refusals, signed_calls

UNPAIRED = "unpaired"
UNSIGNED = "unsigned"


def _keys(parts: Parts) -> dict[str, str]:
    return enrolled(parts.db, parts.station.public) if parts.station is not None else {}


def vouch(parts: Parts, calls: list[Call], snapshot: dict[str, Any]) -> dict[str, Any]:
    """The desk's state with ``paired`` on each kiosk, ``signed`` on each call and the
    requests refused in the last hour."""
    keys = _keys(parts)
    signed = signed_calls(parts.db, calls, keys)
    asking = _asking(parts)
    for kiosk in snapshot["kiosks"]:
        kiosk["paired"] = kiosk["kiosk_id"] in keys
        kiosk["pairing"] = asking.get(kiosk["kiosk_id"], "")
    for call in snapshot["calls"]:
        call["signed"] = call["id"] in signed
    snapshot["refused"] = refusals(parts.db, recent())
    return snapshot


def _asking(parts: Parts) -> dict[str, str]:
    """Kiosk ID -> how far its pairing with this station is: ``asked`` (press 登録),
    ``code`` (type the code the kiosk shows)."""
    if parts.station is None:
        return {}
    found: dict[str, str] = {}
    for request in requests(parts.db):
        if request.station_key is None:
            found.setdefault(request.kiosk_id, "asked")
        elif request.station_key == parts.station.public:
            found[request.kiosk_id] = "code"
    return found


def unanswerable(parts: Parts, call: Call) -> str | None:
    """Why the desk may not answer ``call`` (None: it may)."""
    keys = _keys(parts)
    if call.kiosk_id not in keys:
        return UNPAIRED
    if call.id not in signed_calls(parts.db, [call], keys):
        return UNSIGNED
    return None


def unpaired(parts: Parts, kiosk_id: str) -> bool:
    """This station did not pair ``kiosk_id``: the kiosk obeys none of its requests."""
    return kiosk_id not in _keys(parts)


def note_answer(parts: Parts, call: Call, decision: str, staff_id: str, at: datetime) -> None:
    """The desk's answer (``ok``, ``refused``, ``handled``) in the records chain, as it is
    given (before the kiosk acts)."""
    try:
        parts.accounts.audit("call_answered", staff_id, at, kiosk=call.kiosk_id, decision=decision)
    except RecordError:  # a kiosk ID the records refuse as a detail: the answer stands
        parts.accounts.audit("call_answered", staff_id, at, decision=decision)
