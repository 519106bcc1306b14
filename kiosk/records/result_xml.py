"""The clinic system's result file: one オンライン資格確認 result as XML, Shift_JIS or UTF-8.

Shape and names as clinic systems' parsers expect them (docs/records.md, "The result
file"): ``XmlMsg / MessageHeader + MessageBody / ResultList`` with exactly one
``ResultOfQualificationConfirmation``. Optional elements with no value are left out;
limit-certificate data appears only when the patient consented; the nested
``SpecificDiseasesCertificateList`` is never written. Times are Japan time.

``encoding`` is ``utf-8`` or ``shift_jis``: the XML declaration and
``CharacterCodeIdentifier`` (0 UTF-8, 1 Shift_JIS) say which. Shift_JIS here is JIS X 0201 +
JIS X 0208 (no vendor extensions, so any Shift_JIS or Windows-31J reader decodes it alike);
a character it cannot hold is written as ●, never a failed write.
:func:`build_failure_xml` is the file of a check that failed (:mod:`kiosk.eligibility.faults`).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime

from kiosk.eligibility.charset import NameCharset, as_carried
from kiosk.eligibility.faults import FAULTS
from kiosk.eligibility.model import (
    JST,
    ConsentItem,
    Consents,
    PrescriptionForm,
    QualificationResult,
)
from kiosk.vocabulary import EligibilityFault

ENCODINGS: dict[str, tuple[str, str]] = {
    "utf-8": ("UTF-8", "0"),
    "shift_jis": ("Shift_JIS", "1"),
}
"""Result file encoding -> (the XML declaration's name, CharacterCodeIdentifier)."""

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

    def __init__(self, encoding: str = "utf-8") -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown result file encoding {encoding!r}")
        self.encoding = encoding
        self.lines = [f'<?xml version="1.0" encoding="{ENCODINGS[encoding][0]}"?>']
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
        if self.encoding == "shift_jis" and not value.isascii():
            value = as_carried(value, NameCharset.JISX0208)  # what Shift_JIS cannot hold: ●
        self.lines.append(f"{'  ' * len(self._open)}<{name}>{_escape(value)}</{name}>")

    def bytes(self) -> bytes:
        while self._open:
            self.close()
        self.lines.append("")
        return "\n".join(self.lines).encode(self.encoding)

    def header(
        self,
        *,
        processed_at: datetime,
        confirmed_at: datetime,
        medical_institution_code: str,
        file_identifier: str | None,
        segment: str = "1",
        error: tuple[str, str] | None = None,
    ) -> None:
        """The MessageHeader (``segment``: SegmentOfResult; ``error``: ErrorCode, -Message)."""
        self.open("MessageHeader")
        self.add("ProcessExecutionTime", _time(processed_at))
        self.add("QualificationConfirmationDate", confirmed_at.astimezone(JST).strftime("%Y%m%d"))
        self.add("MedicalInstitutionCode", medical_institution_code)
        self.add("ArbitraryFileIdentifier", file_identifier)
        self.add("ReferenceClassification", "1")  # マイナンバーカード
        self.add("SegmentOfResult", segment)  # 1 正常終了, 9 異常終了
        if error is not None:
            self.add("ErrorCode", error[0])
            self.add("ErrorMessage", error[1])
        self.add("CharacterCodeIdentifier", ENCODINGS[self.encoding][1])
        self.close()


def build_result_xml(
    result: QualificationResult,
    *,
    medical_institution_code: str,
    processed_at: datetime,
    consents: Consents | None = None,
    prescription: PrescriptionForm | None = None,
    file_identifier: str | None = None,
    encoding: str = "utf-8",
) -> bytes:
    """The result file's bytes in ``encoding`` (utf-8 / shift_jis), with its declaration."""
    consents = consents if consents is not None else result.consents
    doc = _Document(encoding)
    doc.open("XmlMsg")
    doc.header(
        processed_at=processed_at,
        confirmed_at=result.confirmed_at,
        medical_institution_code=medical_institution_code,
        file_identifier=file_identifier,
    )
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


def build_failure_xml(
    fault: EligibilityFault,
    *,
    medical_institution_code: str,
    processed_at: datetime,
    file_identifier: str | None = None,
    encoding: str = "utf-8",
) -> bytes:
    """The result file of a check that failed: no answer (timeout, refused, the terminal's
    authentication) ends the processing abnormally — ``SegmentOfResult`` 9 with
    ``ErrorCode`` / ``ErrorMessage``; an error answer is processed — ``SegmentOfResult`` 1 —
    with ``ProcessingResultStatus`` 2 and ``ProcessingResultCode`` / ``…Message``. Either
    way ``ProcessingResultStatus`` is 2 (エラー) and there is no ``ResultList``: no one's
    qualification was confirmed, and no consent travels."""
    answer = FAULTS[EligibilityFault(fault)]
    doc = _Document(encoding)
    doc.open("XmlMsg")
    doc.header(
        processed_at=processed_at,
        confirmed_at=processed_at,
        medical_institution_code=medical_institution_code,
        file_identifier=file_identifier,
        segment="1" if answer.answered else "9",
        error=None if answer.answered else (answer.code, answer.message),
    )
    doc.open("MessageBody")
    doc.add("ProcessingResultStatus", "2")  # エラー
    if answer.answered:
        doc.add("ProcessingResultCode", answer.code)
        doc.add("ProcessingResultMessage", answer.message)
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


NAME_PATTERNS = (
    re.compile(r"OQSsiquc01res_.*\.xml"),
    re.compile(r"OQSsiquc01res_face_.*\.xml"),
    re.compile(r"OQSsiquc01res_face_.+_(\d{14})\.xml"),
)
"""The names clinic systems watch for (glob ``OQSsiquc01res_*.xml``,
``OQSsiquc01res_face_*.xml``, and the time-stamped form); a result file matches all three."""

_DECLARATION = re.compile(rb'\A<\?xml version="1\.0" encoding="([A-Za-z0-9_-]+)"\?>')


class ResultFileError(ValueError):
    """A result file that does not decode by the character code it declares."""


def read_result(data: bytes) -> ET.Element:
    """A result file's root element, decoded as a clinic system does: by the encoding its
    declaration names, which ``CharacterCodeIdentifier`` must agree with (ResultFileError)."""
    match = _DECLARATION.match(data)
    by_name = {name.lower(): (codec, code) for codec, (name, code) in ENCODINGS.items()}
    if match is None or match.group(1).decode().lower() not in by_name:
        raise ResultFileError("no XML declaration naming UTF-8 or Shift_JIS")
    codec, code = by_name[match.group(1).decode().lower()]
    try:
        text = data[match.end() :].decode(codec)
    except UnicodeDecodeError as exc:
        raise ResultFileError(f"not {codec} as declared: {exc.reason}") from None
    root = ET.fromstring(text)  # noqa: S314 - a result file; ElementTree expands no entity
    declared = root.findtext("MessageHeader/CharacterCodeIdentifier")
    if declared != code:
        raise ResultFileError(f"CharacterCodeIdentifier {declared!r} but the file is {codec}")
    return root
