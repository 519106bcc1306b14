"""The clinic system's result file: one オンライン資格確認 result as XML (UTF-8).

Shape and names as clinic systems' parsers expect them (docs/reception.md, "What the
clinic system reads"): ``XmlMsg / MessageHeader + MessageBody / ResultList`` with exactly one
``ResultOfQualificationConfirmation``. Optional elements with no value are left out;
limit-certificate data appears only when the patient consented; the nested
``SpecificDiseasesCertificateList`` is never written. Times are Japan time.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # building only; nothing is parsed here
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


def _day(day: date | None) -> str | None:
    return day.strftime("%Y%m%d") if day else None


def _add(parent: ET.Element, name: str, value: str | None) -> None:
    """Add ``<name>value</name>`` unless the value is empty."""
    if value is None or value == "":
        return
    ET.SubElement(parent, name).text = value


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
    root = ET.Element("XmlMsg")
    header = ET.SubElement(root, "MessageHeader")
    _add(header, "ProcessExecutionTime", _time(processed_at))
    _add(
        header,
        "QualificationConfirmationDate",
        result.confirmed_at.astimezone(JST).strftime("%Y%m%d"),
    )
    _add(header, "MedicalInstitutionCode", medical_institution_code)
    _add(header, "ArbitraryFileIdentifier", file_identifier)
    _add(header, "ReferenceClassification", "1")  # マイナンバーカード
    _add(header, "SegmentOfResult", "1")  # 正常終了
    _add(header, "CharacterCodeIdentifier", "0")  # UTF-8

    body = ET.SubElement(root, "MessageBody")
    _add(body, "ProcessingResultStatus", "1")
    _add(body, "QualificationValidity", str(int(result.validity)))
    if prescription is not None:
        _add(body, "PrescriptionIssueSelect", str(int(prescription)))
    item = ET.SubElement(ET.SubElement(body, "ResultList"), "ResultOfQualificationConfirmation")

    ins = result.insurance
    person = result.person
    if ins is not None:
        _add(item, "InsuredCardClassification", ins.insured_card_classification)
        _add(item, "InsurerNumber", ins.insurer_number)
        _add(item, "InsuredCardSymbol", ins.insured_card_symbol)
        _add(item, "InsuredIdentificationNumber", ins.insured_identification_number)
        _add(item, "InsuredBranchNumber", ins.insured_branch_number)
        _add(item, "PersonalFamilyClassification", ins.personal_family_classification)
        _add(item, "InsuredName", ins.insured_name)
    if person is not None:
        _add(item, "Name", person.name)
        _add(item, "NameKana", person.name_kana)
        _add(item, "Sex1", person.sex1)
        _add(item, "Birthdate", _day(person.birthdate))
        _add(item, "Address", person.address)
        _add(item, "PostNumber", person.post_number)
    if ins is not None:
        _add(item, "InsuredCertificateIssuanceDate", _day(ins.insured_certificate_issuance_date))
        _add(item, "InsuredCardValidDate", _day(ins.insured_card_valid_date))
        _add(item, "InsuredCardExpirationDate", _day(ins.insured_card_expiration_date))
        _add(item, "InsuredPartialContributionRatio", ins.insured_partial_contribution_ratio)
        _add(item, "InsurerName", ins.insurer_name)
        elderly = ins.elderly_recipient
        if elderly is not None:
            info = ET.SubElement(item, "ElderlyRecipientCertificateInfo")
            _add(info, "ElderlyRecipientCertificateDate", _day(elderly.certificate_date))
            _add(info, "ElderlyRecipientValidStartDate", _day(elderly.valid_start_date))
            _add(info, "ElderlyRecipientValidEndDate", _day(elderly.valid_end_date))
            _add(info, "ElderlyRecipientContributionRatio", elderly.contribution_ratio)

    given = _time(consents.given_at) if consents else None
    available = _time(consents.expires_at) if consents else None
    limit_ok = bool(consents and consents.limit_info)
    _add(item, "LimitApplicationCertificateRelatedConsFlg", "1" if limit_ok else "0")
    if limit_ok:
        _add(item, "LimitApplicationCertificateRelatedConsTime", given)
        limit = ins.limit_certificate if ins is not None else None
        if limit is not None:
            info = ET.SubElement(item, "LimitApplicationCertificateRelatedInfo")
            _add(info, "LimitApplicationCertificateClassification", limit.classification)
            _add(info, "LimitApplicationCertificateClassificationFlag", limit.classification_flag)
            _add(info, "LimitApplicationCertificateDate", _day(limit.certificate_date))
            _add(info, "LimitApplicationCertificateValidStartDate", _day(limit.valid_start_date))
            _add(info, "LimitApplicationCertificateValidEndDate", _day(limit.valid_end_date))
            _add(info, "LimitApplicationCertificateLongTermDate", _day(limit.long_term_date))
    disease_ok = bool(consents and consents.specific_disease)
    _add(item, "SpecificDiseasesCertificateRelatedConsFlg", "1" if disease_ok else "0")
    if disease_ok:
        _add(item, "SpecificDiseasesCertificateRelatedConsTime", given)
    for consent_item, prefix in CONSENT_ELEMENTS:
        agreed = bool(consents and consents.items.get(consent_item))
        _add(item, f"{prefix}ConsFlg", "1" if agreed else "0")
        if agreed:
            _add(item, f"{prefix}ConsTime", given)
            _add(item, f"{prefix}AvailableTime", available)

    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    _serialize(root, 0, lines)
    lines.append("")
    return "\n".join(lines).encode("utf-8")


def _serialize(element: ET.Element, depth: int, lines: list[str]) -> None:
    """``element`` as ElementTree writes it after ``ET.indent`` (two spaces a level), one
    element a line. The result has no attributes, namespaces or mixed content."""
    pad = "  " * depth
    name = element.tag
    if len(element):
        lines.append(f"{pad}<{name}>")
        for child in element:
            _serialize(child, depth + 1, lines)
        lines.append(f"{pad}</{name}>")
    elif element.text:
        lines.append(f"{pad}<{name}>{_escape(element.text)}</{name}>")
    else:
        lines.append(f"{pad}<{name} />")


def _escape(text: str) -> str:
    """Character data as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text
