"""Consent and audit records, and the result files for the clinic system.

What the reception flow calls (one ``Records`` per kiosk, one connection, reused)::

    from kiosk.records import open_records, AuditEvent, AuditKind, IdentityMethod, Outcome

    records = open_records(settings, url=None)    # --records URL / $KIOSK_RECORDS / settings
    receipt = records.record_reception(           # a COMPLETED reception: one commit + one XML
        reception_id, at=now, cert_serial=serial, method=IdentityMethod.PIN,
        result=qualification_result, consents=consents, prescription=PrescriptionForm.PAPER,
        staff_id=None, events=[AuditEvent(AuditKind.CARD_READ, t0, reception_id), ...])
    receipt.xml_path                              # the file in settings.outbox_dir()
    records.record_outcome(reception_id, at=now, outcome=Outcome.CARD_REMOVED,
                           cert_serial=serial, error_code=None, events=[...])  # no consents
    records.record_event(AuditEvent(AuditKind.STAFF, now, staff_id="staff-01",
                                    detail={"action": "visual-mode"}))
    records.today() -> list[StoredRecord]          # today's receptions (staff console)
    records.close()

Storage: SQLite (WAL, synchronous=FULL) at ``kiosk_home()/records.db`` by default, or
PostgreSQL by ``postgresql://…`` URL. Every record is linked into a chain signed with a key
kept outside the database (:mod:`kiosk.records.chain`, :mod:`kiosk.records.chainkey`), and
signed checkpoints of its head are written outside it (:mod:`kiosk.records.checkpoint`);
``kiosk records verify`` lists every changed, removed, added or reordered record (threat
model: ``docs/records.md``). A card appears only as a salted hash of its certificate
serial; PINs, the individual number and face data are never stored (audit details that look
like them are refused). A consent is valid for 24 hours (``given_at``/``expires_at`` are stored).
Errors are :class:`RecordError` (:class:`StorageFullError` when the disk is full).
"""

from kiosk.records.errors import ChainBrokenError, RecordError, StorageFullError
from kiosk.records.model import AuditEvent, AuditKind, IdentityMethod, Outcome
from kiosk.records.recorder import Receipt, Records, open_records
from kiosk.records.result_xml import build_result_xml
from kiosk.records.store import RecordStore, StoredRecord

__all__ = [
    "AuditEvent",
    "AuditKind",
    "ChainBrokenError",
    "IdentityMethod",
    "Outcome",
    "Receipt",
    "RecordError",
    "RecordStore",
    "Records",
    "StorageFullError",
    "StoredRecord",
    "build_result_xml",
    "open_records",
]
