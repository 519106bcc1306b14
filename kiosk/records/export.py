"""Exports of the consent records: FHIR R4 ``Consent`` resources (a Bundle or NDJSON) or CSV.

One ``Consent`` per answered item of each completed reception: ``status`` active (同意する)
or rejected (同意しない), ``scope`` patient-privacy, ``category`` LOINC 59284-0, the patient
named by the card reference, ``dateTime`` when given, ``provision.period`` the 24 hours it
lets the facility view the data, ``policy`` and ``provision.purpose`` naming the item.

The ``write_*`` functions stream: they take records one at a time (``RecordStore.stream``)
and write each entry or row as it comes, so memory stays flat however many there are.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from kiosk.records.store import StoredRecord
from kiosk.texts import say

ITEM_SYSTEM = "urn:kiosk:consent-item"
CARD_SYSTEM = "urn:kiosk:card-ref"
INSTITUTION_SYSTEM = "urn:kiosk:medical-institution-code"
POLICY_AUTHORITY = "https://www.mhlw.go.jp/"  # オンライン資格確認 (厚生労働省)

ELEMENTS: dict[str, str] = {
    "medication": "PharmacistsInfo",
    "checkups": "SpecificHealthCheckupsInfo",
    "treatment": "DiagnosisInfo",
    "surgery": "OperationInfo",
    "limit_info": "LimitApplicationCertificateRelated",
    "specific_disease": "SpecificDiseasesCertificateRelated",
}
"""Item code -> result-file element prefix; the item's display is :func:`item_display`."""


def item_display(item: str) -> str:
    """The Japanese label of a known item (the text catalogue's ``consent.<item>``), else the
    code itself."""
    return say(f"consent.{item}") if item in ELEMENTS else item


def consent_answers(record: StoredRecord) -> list[tuple[str, bool]]:
    """(item code, given?) for every answered item of a completed reception."""
    consents = record.body.get("consents")
    if record.kind != "reception" or not isinstance(consents, dict):
        return []
    answers = [(item, value == "given") for item, value in consents.get("items", {}).items()]
    for key in ("limit_info", "specific_disease"):
        if consents.get(key) is not None:
            answers.append((key, bool(consents[key])))
    return answers


def fhir_bundle(records: Iterable[StoredRecord]) -> dict[str, Any]:
    """A FHIR R4 Bundle (type collection) of Consent resources, in memory (small sets)."""
    return {"resourceType": "Bundle", "type": "collection", "entry": list(fhir_entries(records))}


def fhir_entries(records: Iterable[StoredRecord]) -> Iterator[dict[str, Any]]:
    """The Bundle's entries (``fullUrl`` + Consent resource), one at a time."""
    for record in records:
        consents = record.body.get("consents") or {}
        for item, given in consent_answers(record):
            display, element = item_display(item), ELEMENTS.get(item, item)
            resource = {
                "resourceType": "Consent",
                "id": _uuid(f"{record.reception_id}/{item}"),
                "status": "active" if given else "rejected",
                "scope": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                            "code": "patient-privacy",
                        }
                    ]
                },
                "category": [
                    {
                        "coding": [
                            {"system": "http://loinc.org", "code": "59284-0"},
                            {"system": ITEM_SYSTEM, "code": item, "display": display},
                        ]
                    }
                ],
                "patient": {
                    "identifier": {"system": CARD_SYSTEM, "value": record.body.get("card")},
                    **({"display": record.body["name"]} if record.body.get("name") else {}),
                },
                "dateTime": consents.get("given_at"),
                "organization": [
                    {
                        "identifier": {
                            "system": INSTITUTION_SYSTEM,
                            "value": record.body.get("institution"),
                        }
                    }
                ],
                "policy": [{"authority": POLICY_AUTHORITY, "uri": f"{ITEM_SYSTEM}:{element}"}],
                "provision": {
                    "type": "permit" if given else "deny",
                    "period": {
                        "start": consents.get("given_at"),
                        "end": consents.get("expires_at"),
                    },
                    "purpose": [{"system": ITEM_SYSTEM, "code": item, "display": display}],
                },
            }
            yield {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def write_fhir_bundle(records: Iterable[StoredRecord], out: TextIO) -> int:
    """Stream the Bundle to ``out``, one entry a line as it comes; return the number of
    entries. The text is one JSON object, the value of :func:`fhir_bundle`."""
    out.write('{"resourceType": "Bundle", "type": "collection", "entry": [')
    count = 0
    for entry in fhir_entries(records):
        out.write("\n" if count == 0 else ",\n")
        out.write(json.dumps(entry, ensure_ascii=False))
        count += 1
    out.write("\n]}\n" if count else "]}\n")
    return count


def write_fhir_ndjson(records: Iterable[StoredRecord], out: TextIO) -> int:
    """Stream the Consent resources to ``out`` as NDJSON (FHIR bulk data: one resource a
    line); return the number of resources."""
    count = 0
    for entry in fhir_entries(records):
        out.write(json.dumps(entry["resource"], ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


CSV_COLUMNS = (
    "seq",
    "at",
    "kiosk_id",
    "reception_id",
    "outcome",
    "card",
    "identity",
    "staff_id",
    "validity",
    "error_code",
    "medication",
    "checkups",
    "treatment",
    "surgery",
    "limit_info",
    "specific_disease",
    "prescription",
    "consent_given_at",
    "consent_expires_at",
    "name",
)


def csv_text(records: Iterable[StoredRecord]) -> str:
    """The CSV export as one string, in memory (small sets)."""
    out = io.StringIO()
    write_csv(records, out)
    return out.getvalue()


def write_csv(records: Iterable[StoredRecord], out: TextIO) -> int:
    """Stream one row per reception (completed or not) to ``out``; consent columns given /
    refused / empty. Return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        if record.kind != "reception":
            continue
        writer.writerow(_csv_row(record))
        count += 1
    return count


def _yes_no(value: Any) -> str:
    return "" if value is None else ("given" if value else "refused")


def _csv_row(record: StoredRecord) -> list[Any]:
    body = record.body
    consents = body.get("consents") or {}
    items = consents.get("items", {})
    return [
        record.seq,
        record.at.isoformat(),
        record.kiosk_id,
        record.reception_id,
        body.get("outcome"),
        body.get("card") or "",
        body.get("identity") or "",
        body.get("staff_id") or "",
        body.get("validity") or "",
        body.get("error_code") or "",
        *(items.get(i, "") for i in ("medication", "checkups", "treatment", "surgery")),
        _yes_no(consents.get("limit_info")),
        _yes_no(consents.get("specific_disease")),
        body.get("prescription") or "",
        consents.get("given_at", ""),
        consents.get("expires_at", ""),
        body.get("name") or "",
    ]


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ITEM_SYSTEM}:{name}"))
