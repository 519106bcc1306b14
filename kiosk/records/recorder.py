"""What the reception flow calls: one object per kiosk holding one database connection.

A completed reception is ONE transaction (the reception record and its buffered audit events)
plus one result file in the outbox: the file is staged (written and flushed) before the
commit and made visible after it, so the clinic never sees a result without its record and
a failed file write leaves no record claiming it. A crash between the commit and the
publish is finished by :meth:`Records.recover_outbox` when the records are next opened.
Beside every result file goes a signed checkpoint of the chain head (``<result>.checkpoint``,
:mod:`kiosk.records.checkpoint`), which leaves the kiosk with the result.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.eligibility.model import JST, Consents, PrescriptionForm, QualificationResult
from kiosk.records.cardref import card_ref, load_or_create_salt
from kiosk.records.chain import iso
from kiosk.records.chainkey import load_chain_key
from kiosk.records.checkpoint import SUFFIX, CheckpointLog
from kiosk.records.errors import RecordError
from kiosk.records.model import AuditEvent, check_staff_id
from kiosk.records.outbox import PARTIAL, Outbox, Staged
from kiosk.records.result_xml import build_failure_xml, build_result_xml
from kiosk.records.store import NewRecord, RecordStore, StoredRecord
from kiosk.vocabulary import CARD_CODES, EligibilityFault, IdentityMethod, Outcome

RESULT_PREFIX = "OQSsiquc01res_face_"
"""How the eligibility terminal names a face reader's result file (in the outbox's ``face``
folder): ``OQSsiquc01res_face_<institution>_<kiosk>_<reception>_<yyyyMMddHHmmss>.xml``."""


def result_file_name(institution: str, kiosk_id: str, reception_id: str, at: datetime) -> str:
    """The result file's name: the terminal's prefix, the institution code where peers read
    it (right after the prefix), this reception (unique), the time last (Japan time)."""
    stamp = at.astimezone(JST).strftime("%Y%m%d%H%M%S")
    return f"{RESULT_PREFIX}{institution}_{_safe(kiosk_id)}_{_safe(reception_id)}_{stamp}.xml"


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    """What a completed reception left behind."""

    reception_id: str
    seq: int  # the reception record's place in the chain
    xml_path: Path  # the result file in the outbox


def consent_body(consents: Consents) -> dict[str, Any]:
    return {
        "given_at": iso(consents.given_at),
        "expires_at": iso(consents.expires_at),
        "items": {item.value: "given" if ok else "refused" for item, ok in consents.items.items()},
        "limit_info": None if consents.limit_info is None else bool(consents.limit_info),
        "specific_disease": (
            None if consents.specific_disease is None else bool(consents.specific_disease)
        ),
    }


def _event_record(event: AuditEvent) -> NewRecord:
    return NewRecord(
        "event",
        event.at,
        event.reception_id,
        {"event": event.kind.value, "staff_id": event.staff_id, "detail": dict(event.detail)},
    )


class Records:
    """The kiosk's records: ``record_reception``, ``record_outcome``, ``record_event``."""

    def __init__(self, store: RecordStore, settings: Settings, salt: bytes) -> None:
        self.store = store
        self.settings = settings
        self.outbox = Outbox(settings.results_dir())
        self._salt = salt

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def card_ref(self, cert_serial: int) -> str:
        """How records name the card with this certificate serial (salted hash)."""
        return card_ref(self._salt, cert_serial)

    def record_reception(
        self,
        reception_id: str,
        *,
        at: datetime,
        cert_serial: int,
        method: IdentityMethod,
        result: QualificationResult,
        consents: Consents,
        prescription: PrescriptionForm | None = None,
        staff_id: str | None = None,
        events: Sequence[AuditEvent] = (),
    ) -> Receipt:
        """Record a COMPLETED reception and write the clinic's result file.

        ``at`` is when it completed (aware). One commit; durable when this returns.
        Raises RecordError (database or outbox) with nothing recorded and no file left.
        """
        body = {
            "outcome": Outcome.COMPLETED.value,
            "card": self.card_ref(cert_serial),
            "identity": IdentityMethod(method).value,
            "staff_id": check_staff_id(staff_id),
            "validity": int(result.validity),
            "consents": consent_body(consents),
            "prescription": None
            if prescription is None
            else PrescriptionForm(prescription).name.lower(),
            "institution": self.settings.medical_institution_code,
            # the name as the eligibility service sent it (● where it could not carry one)
            "name": result.person.name if result.person is not None else None,
        }
        xml = build_result_xml(
            result,
            medical_institution_code=self.settings.medical_institution_code,
            processed_at=at,
            consents=consents,
            prescription=prescription,
            file_identifier=reception_id,
            encoding=self.settings.result_encoding,
        )
        records = [
            *(_event_record(e) for e in events),
            NewRecord("reception", at, reception_id, body),
        ]
        seq, path = self._commit_with_file(reception_id, at, xml, records)
        return Receipt(reception_id, seq, path)

    def _commit_with_file(
        self, reception_id: str, at: datetime, xml: bytes, records: list[NewRecord]
    ) -> tuple[int, Path]:
        """Stage the result file, commit the records, publish the file (then its checkpoint)."""
        name = result_file_name(
            self.settings.medical_institution_code, self.store.kiosk_id, reception_id, at
        )
        staged = self.outbox.stage(name, xml)
        try:
            seqs = self.store.append(records)
        except BaseException:
            self.outbox.discard(staged)
            raise
        path = self.outbox.publish(staged)
        self._checkpoint_beside(path)
        return seqs[-1], path

    def _checkpoint_beside(self, result: Path) -> None:
        """The head after this reception, signed, beside its result file (a failure is
        logged: the reception is recorded and its result published). Not flushed: a
        checkpoint lost in a power cut only says less; it can never claim more than the
        records, which are committed before it is written."""
        checkpoints, head = self.store.checkpoints, self.store.last_head
        if checkpoints is None or head is None:
            return
        try:
            last = checkpoints.last_line  # the line just appended for this head, else anew
            line = last if last is not None else checkpoints.line(*head)
            self.outbox.write_small(result.stem + SUFFIX, line.encode("utf-8"))
        except RecordError as exc:
            log.warning("no checkpoint beside %s: %s", result.name, exc)

    def record_outcome(
        self,
        reception_id: str,
        *,
        at: datetime,
        outcome: Outcome,
        cert_serial: int | None = None,
        method: IdentityMethod | None = None,
        staff_id: str | None = None,
        error_code: str | None = None,
        events: Sequence[AuditEvent] = (),
        failed_check: EligibilityFault | None = None,
    ) -> int:
        """Record a reception that ended without completing (no consent is kept).

        ``failed_check``: the eligibility check failed that way; the clinic system gets the
        failed check's result file (:func:`build_failure_xml`), published with the record."""
        outcome = Outcome(outcome)
        if outcome is Outcome.COMPLETED:
            raise RecordError("a completed reception is recorded with record_reception()")
        if error_code is not None and error_code not in CARD_CODES:
            raise RecordError(f"unknown reader error code {error_code!r}")
        body = {
            "outcome": outcome.value,
            "card": self.card_ref(cert_serial) if cert_serial is not None else None,
            "identity": IdentityMethod(method).value if method is not None else None,
            "staff_id": check_staff_id(staff_id),
            "error_code": error_code,
            "institution": self.settings.medical_institution_code,
        }
        records = [
            *(_event_record(e) for e in events),
            NewRecord("reception", at, reception_id, body),
        ]
        if failed_check is not None:
            fault = EligibilityFault(failed_check)
            body["fault"] = fault.value
            xml = build_failure_xml(
                fault,
                medical_institution_code=self.settings.medical_institution_code,
                processed_at=at,
                file_identifier=reception_id,
                encoding=self.settings.result_encoding,
            )
            return self._commit_with_file(reception_id, at, xml, records)[0]
        return self.store.append(records)[-1]

    def record_event(self, event: AuditEvent) -> int:
        """Record one audit event on its own (its own commit)."""
        return self.store.append([_event_record(event)])[0]

    def recover_outbox(self) -> list[Path]:
        """Finish what a crash interrupted (run at open): this kiosk's staged result files
        whose reception (or failed check) was committed are published, the others discarded."""
        published: list[Path] = []
        partial = self.outbox.folder / PARTIAL
        if not partial.is_dir():
            return published
        for temp in sorted(partial.glob(f"*_{self.store.kiosk_id}_*.xml.tmp")):
            match = _FILE_ID.search(temp.read_bytes())
            reception_id = html.unescape(match.group(1).decode("utf-8")) if match else None
            final = self.outbox.folder / temp.name.removesuffix(".tmp")
            staged = Staged(temp, final)
            done = reception_id is not None and any(
                r.body.get("outcome") == Outcome.COMPLETED.value or r.body.get("fault")
                for r in self.store.records(kind="reception", reception_id=reception_id)
            )
            if done and not final.exists():
                published.append(self.outbox.publish(staged))
            else:
                self.outbox.discard(staged)
        return published

    def today(self, now: datetime | None = None, *, events: bool = False) -> list[StoredRecord]:
        """Today's (Japan time) receptions for the staff console, oldest first.

        Each :class:`StoredRecord` has ``at``, ``reception_id``, ``kiosk_id`` and ``body``:
        ``outcome``, ``card`` (reference), ``identity`` (face/pin/visual), ``staff_id``,
        ``error_code``, and for completed ones ``validity``, ``prescription`` and ``consents``
        (``items`` {item: "given"/"refused"}, ``limit_info``, ``specific_disease``,
        ``given_at``, ``expires_at``). ``events=True`` includes the audit events.
        """
        start = (now or datetime.now(JST)).astimezone(JST)
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        return self.store.records(
            since=start, until=start + timedelta(days=1), kind=None if events else "reception"
        )


_FILE_ID = re.compile(rb"<ArbitraryFileIdentifier>([^<]*)</ArbitraryFileIdentifier>")


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:64]


def open_store(settings: Settings, url: str | None = None) -> RecordStore:
    """The kiosk's record store for writing: its chain key ([records] chain_key_file, a
    systemd credential, else created in kiosk_home()) and its checkpoints folder."""
    chosen = url or os.environ.get("KIOSK_RECORDS") or settings.records_url
    key = load_chain_key(settings.chain_key_file)
    checkpoints = CheckpointLog(settings.checkpoints_dir(), key, settings.kiosk_id)
    return RecordStore.open(chosen, kiosk_id=settings.kiosk_id, key=key, checkpoints=checkpoints)


def open_records(
    settings: Settings | None = None,
    url: str | None = None,
    *,
    sign: Callable[[RecordStore], None] | None = None,
) -> Records:
    """Open the kiosk's records: ``url`` (``--records``), else ``$KIOSK_RECORDS``, else
    ``settings.records_url``, else SQLite in kiosk_home(). ``sign``: makes the store sign
    what it appends, before anything is (the outbox's recovery included). Keep the object;
    close it at exit."""
    settings = settings if settings is not None else Settings()
    store = open_store(settings, url)
    try:
        if sign is not None:
            sign(store)
        salt = load_or_create_salt(settings.card_salt_path())
    except BaseException:
        store.close()
        raise
    records = Records(store, settings, salt)
    try:
        records.recover_outbox()
    except (OSError, RecordError) as exc:
        log.warning("result files left by a crash could not be recovered: %s", exc)
    return records
