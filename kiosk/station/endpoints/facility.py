"""施設の設定 at the desk: the facility's 4-digit 目視 passcode that staff type on a reader's own
pad (:mod:`kiosk.station_tables.passcode`). Signed-in staff set it twice typed, with the
session's CSRF token; the answer never repeats it, the records keep only its hash and who set
it (an audit record)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.station.records_access import Parts
from kiosk.station.web import json_body, polled, records_answer, signed_in
from kiosk.station_tables.passcode import FacilityPasscode, passcode_problem
from kiosk.station_tables.staff_accounts import Session


@polled
async def passcode_state(request: Request, session: Session) -> Response:
    """``{"set": true|false}``: whether a passcode is set (never which)."""
    return await records_answer(request, lambda p: (200, {"set": _table(p).is_set()}))


@signed_in
async def set_passcode(request: Request, session: Session) -> Response:
    """``{"passcode": "4821", "again": "4821"}``: 200 ``{"result": "set"}``; 400
    ``passcode_format`` (not 4 digits) or ``passcode_mismatch`` (the two differ)."""
    body = await json_body(request)
    passcode, again = body.get("passcode"), body.get("again")
    if not isinstance(passcode, str) or passcode_problem(passcode) is not None:
        return JSONResponse({"error": "passcode_format"}, 400)
    if passcode != again:
        return JSONResponse({"error": "passcode_mismatch"}, 400)
    work = partial(_set, passcode=passcode, staff_id=session.staff_id, at=datetime.now(UTC))
    return await records_answer(request, work)


def _table(p: Parts) -> FacilityPasscode:
    return FacilityPasscode(p.db, p.accounts)


def _set(p: Parts, *, passcode: str, staff_id: str, at: datetime) -> tuple[int, dict[str, Any]]:
    _table(p).set(passcode, by=staff_id, at=at)
    return 200, {"result": "set"}
