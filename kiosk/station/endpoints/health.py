"""The health check (no sign-in): 200 while the records answer, 503 when they do not."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.records.errors import RecordError
from kiosk.station.state import station_of


async def health(request: Request) -> Response:
    try:
        await station_of(request).records.run(lambda p: p.db.execute("SELECT 1"))
    except RecordError:
        return JSONResponse({"records": False}, 503)
    return JSONResponse({"records": True})
