"""``kiosk records …``: check, list and export the consent and audit records (for staff)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import load_settings
from kiosk.eligibility.model import JST
from kiosk.errors import KioskError
from kiosk.paths import kiosk_home
from kiosk.records.chain import Finding
from kiosk.records.chainkey import load_chain_key, read_chain_key
from kiosk.records.database import existing_file
from kiosk.records.export import write_csv, write_fhir_bundle, write_fhir_ndjson
from kiosk.records.store import RecordStore
from kiosk.station_tables.keys import STATION_KEY_FILE, is_public_key, station_key, trusted_stations
from kiosk.station_tables.record_seals import SealCheck, check_record_seals

WRITERS = {"fhir": write_fhir_bundle, "fhir-ndjson": write_fhir_ndjson, "csv": write_csv}
"""Export format -> the function streaming records to a text file."""


def register(sub: Any) -> None:
    parser = sub.add_parser("records", help="consent and audit records: verify, list, export")
    commands = parser.add_subparsers(dest="records_command", metavar="COMMAND")
    commands.required = True

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--records",
            metavar="URL",
            help="sqlite:///path/records.db or postgresql://… (default: $KIOSK_RECORDS, the "
            "settings, else records.db in the kiosk home)",
        )
        p.add_argument("--settings", metavar="FILE", help="facility settings (TOML)")

    verify = commands.add_parser(
        "verify",
        help="check every record, the chain's signatures and the checkpoints; non-zero if "
        "anything is wrong (never changes the database)",
    )
    common(verify)
    verify.add_argument(
        "--archive",
        metavar="FILE",
        help="check an archived copy of a SQLite records database, read as it is; without "
        "--key only its structure is checked",
    )
    verify.add_argument(
        "--key",
        metavar="FILE",
        help="the chain key to check signatures with (default: this kiosk's key)",
    )
    verify.add_argument(
        "--checkpoints",
        metavar="PATH",
        action="append",
        help="a folder or file of signed checkpoints to compare (repeatable; default: the "
        "kiosk's checkpoints folder and its outbox; with --archive: none)",
    )
    verify.add_argument(
        "--station-key",
        metavar="HEX",
        action="append",
        help="a station's public key: each paired kiosk's records must be signed by the key "
        "it enrolled (repeatable; default: this home's station and the stations this kiosk "
        "was paired with)",
    )
    verify.set_defaults(func=_verify)

    listing = commands.add_parser("list", help="list receptions (newest last)")
    common(listing)
    listing.add_argument("--today", action="store_true", help="only today's (Japan time)")
    listing.add_argument("--events", action="store_true", help="include audit events")
    listing.set_defaults(func=_list)

    export = commands.add_parser(
        "export", help="export consents as FHIR R4 (a Bundle, or NDJSON) or CSV, streamed"
    )
    common(export)
    export.add_argument("--format", choices=tuple(WRITERS), default="fhir")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    export.add_argument("--today", action="store_true", help="only today's (Japan time)")
    export.set_defaults(func=_export)


def _store(args: argparse.Namespace) -> Any:
    """The records named by the arguments, opened read-only."""

    settings = load_settings(args.settings)
    url = args.records or os.environ.get("KIOSK_RECORDS") or settings.records_url
    return RecordStore.open(url, kiosk_id=settings.kiosk_id, read_only=True)


def _warn_past_head(store: Any) -> None:
    past = store.past_head()
    if past:
        print(
            f"warning: {past} records lie past the chain head (written outside the kiosk?): "
            "run `kiosk records verify`",
            file=sys.stderr,
        )


def _today_range() -> tuple[datetime, datetime]:

    start = datetime.now(JST).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def _verify(args: argparse.Namespace) -> int:

    for text in args.station_key or ():
        if not is_public_key(text):
            raise KioskError(
                f"--station-key wants a station's public key (64 hex digits): {text!r}"
            )
    settings = load_settings(args.settings)
    key = read_chain_key(Path(args.key)) if args.key else None
    checkpoints = [Path(p) for p in args.checkpoints or ()]
    missing_key: str | None = None
    if args.archive:
        if args.records:
            raise KioskError("give either --records (the kiosk's database) or --archive (a copy)")
        file = existing_file(Path(args.archive), "--archive")
        store = RecordStore.open(f"sqlite:///{file}", read_only=True, immutable=True, key=key)
    else:
        url = args.records or os.environ.get("KIOSK_RECORDS") or settings.records_url
        if key is None:
            try:
                key = load_chain_key(settings.chain_key_file, create=False)
            except KioskError as exc:
                missing_key = str(exc)
        if not args.checkpoints:
            checkpoints = [
                settings.checkpoints_dir(),
                settings.outbox_dir(),
                settings.results_dir(),
            ]
        store = RecordStore.open(url, kiosk_id=settings.kiosk_id, read_only=True, key=key)
    with store:
        result = store.verify(
            checkpoints=checkpoints, authenticate=key is not None or not args.archive
        )
        refused = _refused(store) if result.ok else []
        seals = _writers(store, settings, args.station_key or ()) if result.ok else None
    if seals is not None:
        result.findings.extend(Finding(seq, words) for seq, words in seals.findings)
    if missing_key:
        result.findings.insert(0, Finding(None, f"authenticity cannot be checked: {missing_key}"))
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.ok:
        if result.authenticated:
            print(
                f"ok: {result.count} records, the chain is intact and signed with key "
                f"{key.key_id if key else '?'}; {result.checkpoints} checkpoints agree"
            )
            _show_writers(seals)
            _show_refused(refused)
        else:
            print(
                f"structure ok: {result.count} records link up without gaps; authenticity was "
                "NOT checked (give --key FILE)"
            )
        return 0
    shown = result.findings[:_SHOWN]
    found = len(result.findings)
    print(
        f"BROKEN: {found} finding{'s' if found > 1 else ''} in {result.count} records",
        file=sys.stderr,
    )
    for finding in shown:
        print(f"  {finding}", file=sys.stderr)
    if len(result.findings) > len(shown):
        print(f"  ... and {len(result.findings) - len(shown)} more", file=sys.stderr)
    return 1


_SHOWN = 30
REFUSALS = ("request_refused:", "pairing_refused", "media_refused:", "status_refused:")
"""The station's and kiosks' refusals of forged, replayed or misdirected attempts."""


def _writers(store: RecordStore, settings: Any, given: Sequence[str]) -> SealCheck | None:
    """Each record checked against the kiosk that it names (None: the database predates
    the writers' signatures)."""
    if not store.db.table_exists("record_seals"):
        return None
    stations = set(given)
    if (kiosk_home() / STATION_KEY_FILE).exists():
        stations.add(station_key().public)
    stations |= trusted_stations(settings.kiosk_id)
    return check_record_seals(store.db, stations)


def _show_writers(seals: SealCheck | None) -> None:
    if seals is None:
        return
    plural = "s" if seals.checked != 1 else ""
    print(f"writers: {seals.checked} record{plural} signed by the kiosk they name", end="")
    if seals.against_pairing:
        print(f", {seals.against_pairing} checked against the keys the stations enrolled")
    else:
        print(" (no station key known here: --station-key HEX checks them against the pairing)")
    if seals.before_signing:
        print(f"  {seals.before_signing} records were written before their kiosk signed records")
    for writer, keys in sorted(seals.signers.items()):
        if len(keys) > 1:
            shown = ", ".join(sorted(k[:16] for k in keys))
            print(
                f"  kiosk {writer} signed with {len(keys)} keys: {shown} (replaced, or not its own)"
            )


def _refused(store: Any) -> list[str]:
    """Every refused attempt in the chain, in words (Japan time, who refused, what)."""
    lines = []
    for record in store.records(kind="event"):
        detail = record.body.get("detail", {})
        action = str(detail.get("action") or "")
        if action.startswith(REFUSALS):
            when = record.at.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S")
            about = f" (kiosk {detail['kiosk']})" if detail.get("kiosk") else ""
            lines.append(f"  {when}  {record.kiosk_id}  {action}{about}")
    return lines


def _show_refused(lines: list[str]) -> None:
    if lines:
        print(f"{len(lines)} refused attempt{'s' if len(lines) > 1 else ''} recorded:")
        print("\n".join(lines))


def _list(args: argparse.Namespace) -> int:

    since, until = _today_range() if args.today else (None, None)
    with _store(args) as store:
        rows = store.records(since=since, until=until, kind=None if args.events else "reception")
        _warn_past_head(store)
    for record in rows:
        when = record.at.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S")
        body = record.body
        if record.kind == "event":
            detail = " ".join(f"{k}={v}" for k, v in sorted(body.get("detail", {}).items()))
            staff = f" staff={body['staff_id']}" if body.get("staff_id") else ""
            print(
                f"{when}  {record.kiosk_id:<12} {record.reception_id or '-':<12}   "
                f"event {body.get('event')}{staff} {detail}".rstrip()
            )
            continue
        consents = body.get("consents") or {}
        answers = ", ".join(f"{k}:{v}" for k, v in consents.get("items", {}).items())
        extra = f" error={body['error_code']}" if body.get("error_code") else ""
        print(
            f"{when}  {record.kiosk_id:<12} {record.reception_id:<12} {body.get('outcome'):<20} "
            f"{body.get('identity') or '-':<6} {answers}{extra}".rstrip()
        )
    print(f"{len(rows)} {'records' if args.events else 'receptions'}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    since, until = _today_range() if args.today else (None, None)
    write = WRITERS[args.format]
    with _store(args) as store:
        rows = store.stream(since=since, until=until, kind="reception")
        if not args.out:
            write(rows, sys.stdout)
            _warn_past_head(store)
            return 0
        out = Path(args.out)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as file:
                write(rows, file)
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise KioskError(f"cannot write {out}: {exc.strerror}") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _warn_past_head(store)
    print(f"wrote {out}", file=sys.stderr)
    return 0
