"""A clinic system's reading of the result file, as the open-source clinic system
myclinic-ts reads it (its ``onshi-result`` package: ``XmlMsg``, ``MessageHeader``,
``MessageBody``, ``ResultOfQualificationConfirmation`` and ``codes``), redone in Python for
the tests: the same required elements, the same code tables, the same refusals.

What it checks, element by element:

- ``MessageHeader``: ``ProcessExecutionTime``, ``QualificationConfirmationDate``,
  ``MedicalInstitutionCode``, ``ReferenceClassification`` (1, 2), ``SegmentOfResult``
  (1 正常終了, 2 処理中, 9 異常終了) and ``CharacterCodeIdentifier`` (0 UTF-8, 1 Shift_JIS)
  present; ``ArbitraryFileIdentifier``, ``ErrorCode``, ``ErrorMessage`` optional.
- ``MessageBody``: ``ProcessingResultStatus`` (1 正常終了, 2 エラー) present;
  ``QualificationValidity`` (1–5), ``PrescriptionIssueSelect`` (1, 2),
  ``ProcessingResultCode``, ``ProcessingResultMessage`` optional; ``ResultList`` optional,
  and when present every ``ResultOfQualificationConfirmation`` has
  ``InsuredCardClassification`` (01–07), ``Name``, ``Sex1`` (1, 2, 3), ``Birthdate`` and
  ``InsurerName``.

The file is decoded first by the character code its declaration names (the kiosk's own
``read_result``), as a clinic system set to that code would.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from kiosk.records.result_xml import read_result

REFERENCE = {"1", "2"}
SEGMENT = {"1": "正常終了", "2": "処理中", "9": "異常終了"}
CHARACTER_CODE = {"0": "UTF-8", "1": "Shift_JIS"}
PROCESSING = {"1": "正常終了", "2": "エラー"}
VALIDITY = {"1", "2", "3", "4", "5"}
PRESCRIPTION = {"1", "2"}
CARD_CLASS = {"01", "02", "03", "04", "05", "06", "07"}
SEX = {"1", "2", "3"}


class ClinicParseError(ValueError):
    """The clinic system's parser refuses the file ("Cannot create OnshiResult")."""


@dataclass(frozen=True)
class OnshiResult:
    """What the clinic system keeps of a result it accepted."""

    segment_of_result: str
    processing_result_status: str
    qualification_validity: str | None
    error_code: str | None
    processing_result_code: str | None
    names: tuple[str, ...]
    names_kana: tuple[str, ...]

    @property
    def is_valid(self) -> bool:
        """myclinic-ts's ``isValid``: processed normally and 有効."""
        return self.processing_result_status == "正常終了" and self.qualification_validity == "1"


def _texts(element: ET.Element | None, where: str) -> dict[str, str]:
    if element is None:
        raise ClinicParseError(f"{where} is missing")
    return {child.tag: child.text or "" for child in element if len(child) == 0}


def _required(values: dict[str, str], key: str, where: str) -> str:
    if key not in values:
        raise ClinicParseError(f"{where}.{key} is missing")
    return values[key]


def _coded(value: str | None, codes: object, what: str) -> None:
    if value is not None and value not in codes:  # type: ignore[operator]
        raise ClinicParseError(f"Invalid {what}: {value}")


def parse_onshi_result(data: bytes) -> OnshiResult:
    """The clinic system's reading of one result file (ClinicParseError when refused)."""
    root = read_result(data)
    if root.tag != "XmlMsg":
        raise ClinicParseError("the root is not XmlMsg")
    header = _texts(root.find("MessageHeader"), "MessageHeader")
    for key in (
        "ProcessExecutionTime",
        "QualificationConfirmationDate",
        "MedicalInstitutionCode",
        "ReferenceClassification",
        "SegmentOfResult",
        "CharacterCodeIdentifier",
    ):
        _required(header, key, "MessageHeader")
    if not re.fullmatch(r"\d{14}", header["ProcessExecutionTime"]):
        raise ClinicParseError("ProcessExecutionTime is not YYYYMMDDhhmmss")
    if not re.fullmatch(r"\d{8}", header["QualificationConfirmationDate"]):
        raise ClinicParseError("QualificationConfirmationDate is not YYYYMMDD")
    _coded(header["ReferenceClassification"], REFERENCE, "ReferenceClassification")
    _coded(header["SegmentOfResult"], SEGMENT, "SegmentOfResult")
    _coded(header["CharacterCodeIdentifier"], CHARACTER_CODE, "CharacterCodeIdentifier")
    body_element = root.find("MessageBody")
    body = _texts(body_element, "MessageBody")
    status = _required(body, "ProcessingResultStatus", "MessageBody")
    _coded(status, PROCESSING, "ProcessingResultStatus")
    _coded(body.get("QualificationValidity"), VALIDITY, "QualificationValidity")
    _coded(body.get("PrescriptionIssueSelect"), PRESCRIPTION, "PrescriptionIssueSelect")
    names: list[str] = []
    kana: list[str] = []
    assert body_element is not None
    result_list = body_element.find("ResultList")
    for item in [] if result_list is None else list(result_list):
        where = "ResultOfQualificationConfirmation"
        if item.tag != where:
            raise ClinicParseError(f"ResultList holds {item.tag}")
        values = _texts(item, where)
        for key in ("InsuredCardClassification", "Name", "Sex1", "Birthdate", "InsurerName"):
            _required(values, key, where)
        _coded(values["InsuredCardClassification"], CARD_CLASS, "InsuredCardClassification")
        _coded(values["Sex1"], SEX, "Sex1")
        names.append(values["Name"])
        kana.append(values.get("NameKana", ""))
    return OnshiResult(
        segment_of_result=SEGMENT[header["SegmentOfResult"]],
        processing_result_status=PROCESSING[status],
        qualification_validity=body.get("QualificationValidity"),
        error_code=header.get("ErrorCode"),
        processing_result_code=body.get("ProcessingResultCode"),
        names=tuple(names),
        names_kana=tuple(kana),
    )
