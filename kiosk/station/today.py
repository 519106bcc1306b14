"""Today's receptions in words, by page and by kiosk, for the staff station.

Read when staff open the page (or turn it), never once per reception: the station only
tells open pages that a new reception arrived.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from kiosk.eligibility.model import JST
from kiosk.records.store import RecordStore, StoredRecord
from kiosk.station.words import consent_label, word

PAGE_SIZE = 20


def describe(record: StoredRecord, language: str) -> dict[str, str]:
    """One reception record as words: time, kiosk, name (as the eligibility service sent it,
    ● and all), outcome, identity, consents."""
    body = record.body if isinstance(record.body, dict) else {}
    outcome = str(body.get("outcome") or "")
    code = str(body.get("error_code") or "")
    identity = str(body.get("identity") or "")
    staff = str(body.get("staff_id") or "")
    consents = body.get("consents") or {}
    items = consents.get("items", {}) if isinstance(consents, dict) else {}
    given = [
        consent_label(item, language)
        for item, answer in (items.items() if isinstance(items, dict) else [])
        if answer == "given"
    ]
    separator = word("today.separator", language)
    said = word(f"outcome.{outcome}", language, code=code or "—") if outcome else ""
    fault = str(body.get("fault") or "")
    if fault:  # the eligibility check failed: how (the desk's call said the same)
        said = f"{said} — {word(f'reason.eligibility_{fault}', language)}"
    return {
        "time": record.at.astimezone(JST).strftime("%H:%M:%S"),
        "kiosk": record.kiosk_id,
        "name": str(body.get("name") or "—"),
        "outcome": said,
        "identity": word(f"identity.{identity}", language, staff=staff or "—") if identity else "—",
        "consents": separator.join(given)
        if given
        else (word("consent.none", language) if outcome == "completed" else "—"),
    }


def today_records(store: RecordStore, now: datetime | None = None) -> list[StoredRecord]:
    """Today's (Japan time) reception records of every kiosk, oldest first."""
    start = (now or datetime.now(JST)).astimezone(JST)
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return store.records(since=start, until=start + timedelta(days=1), kind="reception")


def today_page(
    store: RecordStore,
    language: str,
    *,
    page: int = 1,
    kiosk: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One page of today's receptions, newest first, optionally of one kiosk."""
    every = today_records(store, now)
    rows = [r for r in every if kiosk is None or r.kiosk_id == kiosk]
    rows.reverse()
    kiosks = sorted({r.kiosk_id for r in every})
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    chosen = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "page": page,
        "pages": pages,
        "count": len(rows),
        "kiosks": kiosks,
        "rows": [describe(r, language) for r in chosen],
    }
