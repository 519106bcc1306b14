"""The result file's text is exactly what ElementTree writes for the same elements."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest

from kiosk.eligibility.model import (
    ConsentItem,
    Consents,
    ElderlyRecipient,
    InsuranceRecord,
    InsuredPerson,
    PrescriptionForm,
    QualificationResult,
    QualificationValidity,
)
from kiosk.records import build_result_xml

AT = datetime(2026, 4, 1, 0, 30, 5, tzinfo=UTC)
PERSON = InsuredPerson("見本 <&> 太郎", "ﾐﾎﾝ ﾀﾛｳ", "1", date(1980, 2, 17), "A & B > C", None)
INSURANCE = InsuranceRecord(
    insurer_number="06139992",
    insured_identification_number="1234",
    insured_card_classification="01",
    insured_card_symbol="見本",
    insured_branch_number="00",
    personal_family_classification="1",
    insured_name="見本 & 太郎",
    insured_certificate_issuance_date=date(2024, 4, 1),
    insured_card_valid_date=None,
    insured_card_expiration_date=date(2027, 3, 31),
    insured_partial_contribution_ratio="030",
    insurer_name="見本健康保険組合",
    elderly_recipient=ElderlyRecipient(None, None, None, ""),  # an empty element
    limit_certificate=None,
)


def element_tree_text(data: bytes) -> bytes:
    """What ``ET.indent`` + ``ET.tostring`` make of the same document."""
    root = ET.fromstring(data)  # noqa: S314 - our own output
    ET.indent(root)
    text = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return (
        text.replace(
            b"<?xml version='1.0' encoding='utf-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1
        )
        + b"\n"
    )


@pytest.mark.parametrize(
    ("result", "consents"),
    [
        (QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE), None),
        (
            QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE),
            Consents(AT, {ConsentItem.MEDICATION: True}, limit_info=True, specific_disease=True),
        ),
        (
            QualificationResult(
                QualificationValidity.VALID,
                AT,
                PERSON,
                dataclasses.replace(INSURANCE, elderly_recipient=None),
            ),
            Consents(AT, {ConsentItem.CHECKUPS: False}),
        ),
        (QualificationResult(QualificationValidity.NO_QUALIFICATION, AT), None),
    ],
)
def test_the_text_is_element_trees(result: QualificationResult, consents: Consents | None) -> None:
    data = build_result_xml(
        result,
        medical_institution_code="1312345678",
        processed_at=AT,
        consents=consents,
        prescription=PrescriptionForm.PAPER,
        file_identifier="rx-<1>",
    )
    assert data == element_tree_text(data)
    if result.insurance is not None and result.insurance.elderly_recipient is not None:
        assert b"<ElderlyRecipientCertificateInfo />" in data  # the empty element is covered
