"""Fuzz target ``records-url``: records URLs given to :func:`kiosk.records.open_records`.

Inputs: SQLite URLs whose path (relative, or absolute under the scratch folder: a fuzzer
writes nowhere else) holds hostile text, with nothing, garbage bytes or a folder already at
that place; PostgreSQL URLs with hostile user, password and database names, always to a
closed port on 127.0.0.1 (a fuzzer connects nowhere else); and text of other schemes. The
URL is given as ``url=`` or as the settings' ``records_url``. Records that open must take an
audit event and list today's records.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from kiosk.config import Settings
from kiosk.fuzz import values
from kiosk.fuzz.target import Target
from kiosk.paths import kiosk_home_at
from kiosk.records import AuditEvent, AuditKind, open_records

CLOSED_PORT = 1  # tcpmux: nothing listens there on a kiosk
WORK = "{work}"  # replaced by the scratch folder when fed


def _relative(text: str) -> str:
    """A path that stays where it starts: no leading / and no .."""
    return text.replace("..", "_").lstrip("/") or "records.db"


_PATH_TEXT = st.one_of(
    st.sampled_from(["records.db", ":memory:", "a/b/c.db", "x.db?mode=ro", "%00", "db\x00x"]),
    values.texts(80),
)
_SQLITE = st.one_of(
    st.builds(lambda p: "sqlite:///" + _relative(p), _PATH_TEXT),
    st.builds(lambda p: f"sqlite:///{WORK}/" + _relative(p), _PATH_TEXT),
    st.sampled_from(["sqlite:", "sqlite:/", "sqlite://", "sqlite:///", "sqlite://host/x.db"]),
)
_POSTGRES = st.builds(
    lambda scheme, user, password, db: (
        f"{scheme}://{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(password, safe='')}"
        f"@127.0.0.1:{CLOSED_PORT}/{urllib.parse.quote(db, safe='')}"
    ),
    st.sampled_from(["postgresql", "postgres"]),
    values.texts(20),
    values.texts(20),
    values.texts(20),
)
_OTHER = values.texts(80).filter(lambda t: not t.startswith(("sqlite:", "postgres")))
_BEFORE = st.one_of(st.none(), st.just(b"<folder>"), st.binary(max_size=600))

INPUTS = st.tuples(st.one_of(_SQLITE, _POSTGRES, _OTHER), _BEFORE, st.booleans())


@contextlib.contextmanager
def _confined(work: Path) -> Iterator[None]:
    """Run in ``work``: its own home and current folder, and no $KIOSK_RECORDS."""
    saved = os.environ.pop("KIOSK_RECORDS", None)
    try:
        with contextlib.chdir(work), kiosk_home_at(work / "home"):
            yield
    finally:
        if saved is not None:
            os.environ["KIOSK_RECORDS"] = saved


def feed(value: tuple[str, bytes | None, bool], work: Path) -> None:
    template, before, in_settings = value
    url = template.replace(WORK, str(work))
    with _confined(work):  # relative SQLite paths are relative to the current folder
        if before is not None and url.startswith("sqlite:///") and "\x00" not in url:
            _put_before(work / url.removeprefix("sqlite:///"), before, work)
        settings = Settings(outbox=work / "outbox", card_salt_file=work / "salt")
        if in_settings:
            settings = settings.with_overrides({"records_url": url})
            records = open_records(settings)
        else:
            records = open_records(settings, url=url)
        with records:
            at = datetime.now(UTC)
            records.record_event(AuditEvent(AuditKind.STAFF, at, staff_id="staff-01"))
            records.today(at)


def _put_before(place: Path, before: bytes, work: Path) -> None:
    """Leave garbage bytes, or a folder, where the database will be looked for."""
    with contextlib.suppress(OSError, ValueError):
        if not place.resolve().is_relative_to(work.resolve()):
            return  # never outside the scratch folder
        if before == b"<folder>":
            place.mkdir(parents=True, exist_ok=True)
        else:
            place.parent.mkdir(parents=True, exist_ok=True)
            place.write_bytes(before)


def _encode(value: tuple[str, bytes | None, bool]) -> bytes:
    template, before, in_settings = value
    lines: list[Any] = [template.encode("utf-8", "surrogatepass").hex(), int(in_settings)]
    lines.append("-" if before is None else before.hex())
    return "".join(f"{line}\n" for line in lines).encode("ascii")


def _decode(data: bytes) -> tuple[str, bytes | None, bool]:
    url, flag, before = data.decode("ascii").split("\n")[:3]
    return (
        bytes.fromhex(url).decode("utf-8", "surrogatepass"),
        None if before == "-" else bytes.fromhex(before),
        flag == "1",
    )


TARGET = Target(
    name="records-url",
    summary="records URLs (kiosk.records.open_records, as url= or the settings' records_url)",
    inputs=INPUTS,
    feed=feed,
    encode=_encode,
    decode=_decode,
    suffix=".url",
    examples=150,
)
