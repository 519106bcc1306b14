"""What the desk trusts of a kiosk: its enrolment at this station, the signature on its calls,
the requests kiosks refused; and the desk's answers in the records chain as they are given.

A kiosk this station did not pair is shown as unpaired, and its calls cannot be answered; a
call not signed by the key enrolled for its kiosk cannot be answered either
(:func:`unanswerable`). A paired kiosk's status not signed by its key is not believed: no
patient waits there as far as the desk is concerned (:func:`believed_kiosks`), and every
page is told (``status_signed`` on the kiosk). Kiosks' refusals of forged, replayed or
misdirected requests are shown to every page (``refused`` in the desk's state).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from kiosk.records.errors import RecordError
from kiosk.station.records_access import Parts
from kiosk.station_tables.calls import Call, KioskStatus
from kiosk.station_tables.pairing import requests
from kiosk.station_tables.trust import enrolled, recent, refusals, signed_calls, signed_statuses

log = logging.getLogger(__name__)

UNPAIRED = "unpaired"
UNSIGNED = "unsigned"


def _keys(parts: Parts) -> dict[str, str]:
    return enrolled(parts.db, parts.station.public) if parts.station is not None else {}


@dataclass(frozen=True)
class Believed:
    """The kiosks' statuses as the desk may believe them (:func:`believed_kiosks`)."""

    kiosks: list[KioskStatus]
    forged: set[str]  # paired kiosks whose status someone other than the kiosk wrote
    keys: dict[str, str]  # kiosk ID -> the key this station enrolled for it


def believed_kiosks(parts: Parts) -> Believed:
    """The kiosks' statuses as the desk may believe them: a paired kiosk whose status its
    enrolled key did not sign has no patient waiting, no reception and no PINs, whatever its
    row says."""
    keys = _keys(parts)
    kiosks, signed = signed_statuses(parts.db, keys)
    forged = {k.kiosk_id for k in kiosks if k.kiosk_id in keys and k.kiosk_id not in signed}
    believed = [
        replace(k, waiting=False, reception_id=None, pins=[]) if k.kiosk_id in forged else k
        for k in kiosks
    ]
    return Believed(believed, forged, keys)


def vouch(
    parts: Parts, calls: list[Call], snapshot: dict[str, Any], believed: Believed
) -> dict[str, Any]:
    """The desk's state with ``paired`` and ``status_signed`` on each kiosk, ``signed`` on
    each call and the requests refused in the last hour."""
    keys = believed.keys
    signed = signed_calls(parts.db, calls, keys)
    asking = _asking(parts)
    for kiosk in snapshot["kiosks"]:
        kiosk["paired"] = kiosk["kiosk_id"] in keys
        kiosk["pairing"] = asking.get(kiosk["kiosk_id"], "")
        kiosk["status_signed"] = kiosk["kiosk_id"] not in believed.forged
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
    audit_about(parts, "call_answered", staff_id, call.kiosk_id, at, decision=decision)


def note_forged(parts: Parts, forged: set[str], noted: set[str]) -> set[str]:
    """Record each kiosk whose status turned unsigned (``status_refused:unsigned``), once
    until its status is signed again; returns the kiosks noted now."""
    for kiosk_id in sorted(forged - noted):
        log.warning("station: a kiosk's status is not signed by its key; not believed")
        audit_about(parts, "status_refused:unsigned", "station", kiosk_id)
    return set(forged)


def audit_about(
    parts: Parts,
    action: str,
    who: str,
    kiosk_id: str,
    at: datetime | None = None,
    **details: str,
) -> None:
    """``action`` of ``who`` about ``kiosk_id`` in the records chain; a kiosk ID the records
    refuse as a detail (a forger's) is left out, the action stands."""
    at = at or datetime.now(UTC)
    try:
        parts.accounts.audit(action, who, at, kiosk=kiosk_id[:64], **details)
    except RecordError:
        parts.accounts.audit(action, who, at, **details)
