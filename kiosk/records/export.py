"""Exports of the consent records: FHIR R4 ``Consent`` resources (a Bundle) or CSV.

One ``Consent`` per answered item of each completed reception: ``status`` active (同意する)
or rejected (同意しない), ``scope`` patient-privacy, ``category`` LOINC 59284-0, the patient
named by the card reference, ``dateTime`` when given, ``provision.period`` the 24 hours it
lets the facility view the data, ``policy`` and ``provision.purpose`` naming the item.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from kiosk.records.store import StoredRecord

ITEM_SYSTEM = "urn:kiosk:consent-item"
CARD_SYSTEM = "urn:kiosk:card-ref"
INSTITUTION_SYSTEM = "urn:kiosk:medical-institution-code"
POLICY_AUTHORITY = "https://www.mhlw.go.jp/"  # オンライン資格確認 (厚生労働省)

# item code -> (display, result-file element prefix)
ITEMS: dict[str, tuple[str, str]] = {
    "medication": ("薬剤情報", "PharmacistsInfo"),
    "checkups": ("特定健診情報", "SpecificHealthCheckupsInfo"),
    "treatment": ("診療情報", "DiagnosisInfo"),
    "surgery": ("手術情報", "OperationInfo"),
    "limit_info": ("限度額情報 (高額療養費)", "LimitApplicationCertificateRelated"),
    "specific_disease": ("特定疾病情報", "SpecificDiseasesCertificateRelated"),
}


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
    """A FHIR R4 Bundle (type collection) of Consent resources."""
    entries = []
    for record in records:
        consents = record.body.get("consents") or {}
        for item, given in consent_answers(record):
            display, element = ITEMS.get(item, (item, item))
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
                    "identifier": {"system": CARD_SYSTEM, "value": record.body.get("card")}
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
            entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


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
)


def csv_text(records: Iterable[StoredRecord]) -> str:
    """One row per reception (completed or not); consent columns given / refused / empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        if record.kind != "reception":
            continue
        body = record.body
        consents = body.get("consents") or {}
        items = consents.get("items", {})

        def yes_no(value: Any) -> str:
            return "" if value is None else ("given" if value else "refused")

        writer.writerow(
            [
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
                yes_no(consents.get("limit_info")),
                yes_no(consents.get("specific_disease")),
                body.get("prescription") or "",
                consents.get("given_at", ""),
                consents.get("expires_at", ""),
            ]
        )
    return out.getvalue()


def _uuid(name: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ITEM_SYSTEM}:{name}"))
