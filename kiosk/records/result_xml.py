"""The clinic system's result file: one オンライン資格確認 result as XML (UTF-8).

Shape and names as clinic systems' parsers expect them (docs/reception.md, "What the
clinic system reads"): ``XmlMsg / MessageHeader + MessageBody / ResultList`` with exactly one
``ResultOfQualificationConfirmation``. Optional elements with no value are left out;
limit-certificate data appears only when the patient consented; the nested
``SpecificDiseasesCertificateList`` is never written. Times are Japan time.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from kiosk.eligibility.model import (
    JST,
    ConsentItem,
    Consents,
    PrescriptionForm,
    QualificationResult,
)

# consent item -> element prefix (…ConsFlg, …ConsTime, …AvailableTime), in document order
CONSENT_ELEMENTS: tuple[tuple[ConsentItem, str], ...] = (
    (ConsentItem.CHECKUPS, "SpecificHealthCheckupsInfo"),
    (ConsentItem.MEDICATION, "PharmacistsInfo"),
    (ConsentItem.TREATMENT, "DiagnosisInfo"),
    (ConsentItem.SURGERY, "OperationInfo"),
)


def _time(at: datetime) -> str:
    return at.astimezone(JST).strftime("%Y%m%d%H%M%S")


@functools.lru_cache(maxsize=256)
def _day(day: date | None) -> str | None:
    """A date as YYYYMMDD (the deck's dates recur: each is formatted once)."""
    return day.strftime("%Y%m%d") if day else None


class _Document:
    """The file's lines as ElementTree writes them after ``ET.indent`` (two spaces a level,
    one element a line, ``<name />`` when empty). No attributes, namespaces or mixed
    content: the text is written line by line, no tree is built."""

    def __init__(self) -> None:
        self.lines = ['<?xml version="1.0" encoding="UTF-8"?>']
        self._open: list[tuple[str, int]] = []  # element name, index of its opening line

    def open(self, name: str) -> None:
        self._open.append((name, len(self.lines)))
        self.lines.append(f"{'  ' * (len(self._open) - 1)}<{name}>")

    def close(self) -> None:
        name, at = self._open.pop()
        pad = "  " * len(self._open)
        if at == len(self.lines) - 1:  # nothing inside
            self.lines[at] = f"{pad}<{name} />"
        else:
            self.lines.append(f"{pad}</{name}>")

    def add(self, name: str, value: str | None) -> None:
        """``<name>value</name>`` unless the value is empty."""
        if value is None or value == "":
            return
        self.lines.append(f"{'  ' * len(self._open)}<{name}>{_escape(value)}</{name}>")

    def bytes(self) -> bytes:
        while self._open:
            self.close()
        self.lines.append("")
        return "\n".join(self.lines).encode("utf-8")


def build_result_xml(
    result: QualificationResult,
    *,
    medical_institution_code: str,
    processed_at: datetime,
    consents: Consents | None = None,
    prescription: PrescriptionForm | None = None,
    file_identifier: str | None = None,
) -> bytes:
    """The result file's bytes (UTF-8 with an XML declaration)."""
    consents = consents if consents is not None else result.consents
    doc = _Document()
    doc.open("XmlMsg")
    doc.open("MessageHeader")
    doc.add("ProcessExecutionTime", _time(processed_at))
    doc.add("QualificationConfirmationDate", result.confirmed_at.astimezone(JST).strftime("%Y%m%d"))
    doc.add("MedicalInstitutionCode", medical_institution_code)
    doc.add("ArbitraryFileIdentifier", file_identifier)
    doc.add("ReferenceClassification", "1")  # マイナンバーカード
    doc.add("SegmentOfResult", "1")  # 正常終了
    doc.add("CharacterCodeIdentifier", "0")  # UTF-8

    doc.close()
    doc.open("MessageBody")
    doc.add("ProcessingResultStatus", "1")
    doc.add("QualificationValidity", str(int(result.validity)))
    if prescription is not None:
        doc.add("PrescriptionIssueSelect", str(int(prescription)))
    doc.open("ResultList")
    doc.open("ResultOfQualificationConfirmation")

    ins = result.insurance
    person = result.person
    if ins is not None:
        doc.add("InsuredCardClassification", ins.insured_card_classification)
        doc.add("InsurerNumber", ins.insurer_number)
        doc.add("InsuredCardSymbol", ins.insured_card_symbol)
        doc.add("InsuredIdentificationNumber", ins.insured_identification_number)
        doc.add("InsuredBranchNumber", ins.insured_branch_number)
        doc.add("PersonalFamilyClassification", ins.personal_family_classification)
        doc.add("InsuredName", ins.insured_name)
    if person is not None:
        doc.add("Name", person.name)
        doc.add("NameKana", person.name_kana)
        doc.add("Sex1", person.sex1)
        doc.add("Birthdate", _day(person.birthdate))
        doc.add("Address", person.address)
        doc.add("PostNumber", person.post_number)
    if ins is not None:
        doc.add("InsuredCertificateIssuanceDate", _day(ins.insured_certificate_issuance_date))
        doc.add("InsuredCardValidDate", _day(ins.insured_card_valid_date))
        doc.add("InsuredCardExpirationDate", _day(ins.insured_card_expiration_date))
        doc.add("InsuredPartialContributionRatio", ins.insured_partial_contribution_ratio)
        doc.add("InsurerName", ins.insurer_name)
        elderly = ins.elderly_recipient
        if elderly is not None:
            doc.open("ElderlyRecipientCertificateInfo")
            doc.add("ElderlyRecipientCertificateDate", _day(elderly.certificate_date))
            doc.add("ElderlyRecipientValidStartDate", _day(elderly.valid_start_date))
            doc.add("ElderlyRecipientValidEndDate", _day(elderly.valid_end_date))
            doc.add("ElderlyRecipientContributionRatio", elderly.contribution_ratio)
            doc.close()

    given = _time(consents.given_at) if consents else None
    available = _time(consents.expires_at) if consents else None
    limit_ok = bool(consents and consents.limit_info)
    doc.add("LimitApplicationCertificateRelatedConsFlg", "1" if limit_ok else "0")
    if limit_ok:
        doc.add("LimitApplicationCertificateRelatedConsTime", given)
        limit = ins.limit_certificate if ins is not None else None
        if limit is not None:
            doc.open("LimitApplicationCertificateRelatedInfo")
            doc.add("LimitApplicationCertificateClassification", limit.classification)
            doc.add("LimitApplicationCertificateClassificationFlag", limit.classification_flag)
            doc.add("LimitApplicationCertificateDate", _day(limit.certificate_date))
            doc.add("LimitApplicationCertificateValidStartDate", _day(limit.valid_start_date))
            doc.add("LimitApplicationCertificateValidEndDate", _day(limit.valid_end_date))
            doc.add("LimitApplicationCertificateLongTermDate", _day(limit.long_term_date))
            doc.close()
    disease_ok = bool(consents and consents.specific_disease)
    doc.add("SpecificDiseasesCertificateRelatedConsFlg", "1" if disease_ok else "0")
    if disease_ok:
        doc.add("SpecificDiseasesCertificateRelatedConsTime", given)
    for consent_item, prefix in CONSENT_ELEMENTS:
        agreed = bool(consents and consents.items.get(consent_item))
        doc.add(f"{prefix}ConsFlg", "1" if agreed else "0")
        if agreed:
            doc.add(f"{prefix}ConsTime", given)
            doc.add(f"{prefix}AvailableTime", available)

    return doc.bytes()


def _escape(text: str) -> str:
    """Character data as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text
