"""The clinic system's result file: parsed back, every field checked; atomic writes."""

from __future__ import annotations

import errno
import os
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.config import Settings
from kiosk.eligibility.model import (
    ConsentItem,
    Consents,
    ElderlyRecipient,
    InsuranceRecord,
    InsuredPerson,
    LimitCertificate,
    PrescriptionForm,
    QualificationResult,
    QualificationValidity,
)
from kiosk.records import IdentityMethod, RecordError, build_result_xml, open_records
from kiosk.records.outbox import Outbox

AT = datetime(2026, 4, 1, 0, 30, 5, tzinfo=UTC)  # 09:30:05 JST
PERSON = InsuredPerson(
    "見本　太郎", "ﾐﾎﾝ ﾀﾛｳ", "1", date(1980, 2, 17), "東京都見本区試験町1-1-1", "100-0001"
)
INSURANCE = InsuranceRecord(
    insurer_number="06139992",
    insured_identification_number="1234",
    insured_card_classification="01",
    insured_card_symbol="見本",
    insured_branch_number="00",
    personal_family_classification="1",
    insured_name="見本　太郎",
    insured_certificate_issuance_date=date(2024, 4, 1),
    insured_card_valid_date=date(2024, 4, 1),
    insured_card_expiration_date=date(2027, 3, 31),
    insured_partial_contribution_ratio="030",
    insurer_name="見本健康保険組合",
    elderly_recipient=ElderlyRecipient(
        date(2023, 7, 1), date(2023, 8, 1), date(2028, 7, 31), "020"
    ),
    limit_certificate=LimitCertificate(
        "01", "A03", date(2026, 7, 1), date(2026, 8, 1), date(2027, 7, 31), None
    ),
)


def parse(data: bytes) -> ET.Element:
    """A UTF-8 result file (what ``build_result_xml`` writes unless told otherwise)."""
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    data.decode("utf-8")  # strictly UTF-8
    return ET.fromstring(data)  # noqa: S314 - our own output


def texts(element: ET.Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element if len(child) == 0}


def test_every_field_round_trips() -> None:
    consents = Consents(
        AT,
        {ConsentItem.MEDICATION: True, ConsentItem.CHECKUPS: False, ConsentItem.SURGERY: True},
        limit_info=True,
        specific_disease=True,
    )
    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    root = parse(
        build_result_xml(
            result,
            medical_institution_code="1312345678",
            processed_at=AT,
            consents=consents,
            prescription=PrescriptionForm.ELECTRONIC,
            file_identifier="rx-1",
        )
    )
    assert root.tag == "XmlMsg" and [c.tag for c in root] == ["MessageHeader", "MessageBody"]
    assert texts(root.find("MessageHeader")) == {  # type: ignore[arg-type]
        "ProcessExecutionTime": "20260401093005",
        "QualificationConfirmationDate": "20260401",
        "MedicalInstitutionCode": "1312345678",
        "ArbitraryFileIdentifier": "rx-1",
        "ReferenceClassification": "1",
        "SegmentOfResult": "1",
        "CharacterCodeIdentifier": "0",
    }
    body = root.find("MessageBody")
    assert body is not None
    assert texts(body) == {
        "ProcessingResultStatus": "1",
        "QualificationValidity": "1",
        "PrescriptionIssueSelect": "1",
    }
    items = body.findall("ResultList/ResultOfQualificationConfirmation")
    assert len(items) == 1
    item = items[0]
    assert texts(item) == {
        "InsuredCardClassification": "01",
        "InsurerNumber": "06139992",
        "InsuredCardSymbol": "見本",
        "InsuredIdentificationNumber": "1234",
        "InsuredBranchNumber": "00",
        "PersonalFamilyClassification": "1",
        "InsuredName": "見本\u3000太郎",
        "Name": "見本\u3000太郎",
        "NameKana": "ﾐﾎﾝ ﾀﾛｳ",
        "Sex1": "1",
        "Birthdate": "19800217",
        "Address": "東京都見本区試験町1-1-1",
        "PostNumber": "100-0001",
        "InsuredCertificateIssuanceDate": "20240401",
        "InsuredCardValidDate": "20240401",
        "InsuredCardExpirationDate": "20270331",
        "InsuredPartialContributionRatio": "030",
        "InsurerName": "見本健康保険組合",
        "LimitApplicationCertificateRelatedConsFlg": "1",
        "LimitApplicationCertificateRelatedConsTime": "20260401093005",
        "SpecificDiseasesCertificateRelatedConsFlg": "1",
        "SpecificDiseasesCertificateRelatedConsTime": "20260401093005",
        "SpecificHealthCheckupsInfoConsFlg": "0",
        "PharmacistsInfoConsFlg": "1",
        "PharmacistsInfoConsTime": "20260401093005",
        "PharmacistsInfoAvailableTime": "20260402093005",
        "DiagnosisInfoConsFlg": "0",
        "OperationInfoConsFlg": "1",
        "OperationInfoConsTime": "20260401093005",
        "OperationInfoAvailableTime": "20260402093005",
    }
    assert texts(item.find("ElderlyRecipientCertificateInfo")) == {  # type: ignore[arg-type]
        "ElderlyRecipientCertificateDate": "20230701",
        "ElderlyRecipientValidStartDate": "20230801",
        "ElderlyRecipientValidEndDate": "20280731",
        "ElderlyRecipientContributionRatio": "020",
    }
    assert texts(item.find("LimitApplicationCertificateRelatedInfo")) == {  # type: ignore[arg-type]
        "LimitApplicationCertificateClassification": "01",
        "LimitApplicationCertificateClassificationFlag": "A03",
        "LimitApplicationCertificateDate": "20260701",
        "LimitApplicationCertificateValidStartDate": "20260801",
        "LimitApplicationCertificateValidEndDate": "20270731",
    }
    assert item.find("SpecificDiseasesCertificateList") is None
    assert not [e.tag for e in root.iter() if len(e) == 0 and not (e.text or "").strip()]


def test_without_consent_no_limit_data_and_no_empty_elements() -> None:
    consents = Consents(AT, {ConsentItem.MEDICATION: False}, limit_info=False)
    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    root = parse(
        build_result_xml(
            result, medical_institution_code="1312345678", processed_at=AT, consents=consents
        )
    )
    item = root.find("MessageBody/ResultList/ResultOfQualificationConfirmation")
    assert item is not None
    assert item.find("LimitApplicationCertificateRelatedInfo") is None
    assert item.findtext("LimitApplicationCertificateRelatedConsFlg") == "0"
    assert item.find("LimitApplicationCertificateRelatedConsTime") is None
    assert item.find("PharmacistsInfoConsTime") is None
    assert root.find("MessageBody/PrescriptionIssueSelect") is None
    assert root.find("MessageHeader/ArbitraryFileIdentifier") is None
    for element in root.iter():
        assert len(element) > 0 or (element.text or "").strip(), element.tag


def test_no_qualification_has_no_insurer_elements() -> None:
    result = QualificationResult(QualificationValidity.NO_QUALIFICATION, AT, PERSON, None)
    root = parse(build_result_xml(result, medical_institution_code="1312345678", processed_at=AT))
    assert root.findtext("MessageBody/QualificationValidity") == "4"
    item = root.find("MessageBody/ResultList/ResultOfQualificationConfirmation")
    assert item is not None and item.find("InsurerNumber") is None
    assert item.findtext("Name") == "見本\u3000太郎" and item.findtext("Birthdate") == "19800217"


def test_file_in_outbox_is_complete(tmp_path: Path) -> None:
    settings = Settings(outbox=tmp_path / "outbox", result_encoding="utf-8")
    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    consents = Consents(AT, {ConsentItem.CHECKUPS: True})
    with open_records(settings) as records:
        receipt = records.record_reception(
            "rx-7",
            at=AT,
            cert_serial=1,
            method=IdentityMethod.FACE,
            result=result,
            consents=consents,
            prescription=PrescriptionForm.PAPER,
        )
    face = tmp_path / "outbox" / "face"
    assert receipt.xml_path.parent == face  # the terminal's face folder
    assert sorted(p.name for p in face.iterdir()) == [
        ".partial",
        receipt.xml_path.with_suffix(".checkpoint").name,  # the signed head, beside it
        receipt.xml_path.name,
    ]
    assert not list((face / ".partial").iterdir())
    root = parse(receipt.xml_path.read_bytes())
    item = root.find("MessageBody/ResultList/ResultOfQualificationConfirmation")
    assert item is not None and item.findtext("SpecificHealthCheckupsInfoAvailableTime") == (
        (AT + timedelta(hours=33)).strftime("%Y%m%d%H%M%S")  # +24 h, shown in JST (+9 h)
    )
    assert root.findtext("MessageBody/PrescriptionIssueSelect") == "2"


def test_full_disk_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(outbox=tmp_path / "outbox")
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if len(data) > 100:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    with open_records(settings) as records:
        with monkeypatch.context() as patch, pytest.raises(RecordError, match="full"):
            patch.setattr(os, "write", full)
            records.record_reception(
                "rx-8",
                at=AT,
                cert_serial=1,
                method=IdentityMethod.PIN,
                result=result,
                consents=Consents(AT, {}),
            )
        assert records.store.records() == []  # no record claims a file that was not written
    outbox = tmp_path / "outbox" / "face"
    assert [p.name for p in outbox.iterdir()] == [".partial"]
    assert not list((outbox / ".partial").iterdir())


def test_unwritable_outbox_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(RecordError, match="not a usable folder"):
        Outbox(blocker).write("a.xml", b"<x/>")
    settings = Settings(outbox=blocker / "sub")
    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    with open_records(settings) as records:
        with pytest.raises(RecordError, match="outbox"):
            records.record_reception(
                "rx-9",
                at=AT,
                cert_serial=1,
                method=IdentityMethod.PIN,
                result=result,
                consents=Consents(AT, {}),
            )
        assert records.store.records() == []


def test_database_failure_discards_the_staged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(outbox=tmp_path / "outbox")
    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    with open_records(settings) as records:

        def broken(*_: object) -> list[int]:
            raise RecordError("database gone")

        monkeypatch.setattr(records.store, "append", broken)
        with pytest.raises(RecordError, match="database gone"):
            records.record_reception(
                "rx-10",
                at=AT,
                cert_serial=1,
                method=IdentityMethod.PIN,
                result=result,
                consents=Consents(AT, {}),
            )
    outbox = tmp_path / "outbox" / "face"
    assert [p.name for p in outbox.iterdir()] == [".partial"]
    assert not list((outbox / ".partial").iterdir())


def test_an_existing_result_file_is_never_replaced(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    first = outbox.write("a.xml", b"<first/>")
    second = outbox.write("a.xml", b"<second/>")
    assert first.read_bytes() == b"<first/>" and second.name == "a-2.xml"
    assert second.read_bytes() == b"<second/>"
    assert not list((tmp_path / ".partial").iterdir())


def test_a_crash_between_commit_and_publish_is_finished_at_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(outbox=tmp_path / "outbox", kiosk_id="front-1", result_encoding="utf-8")
    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    outbox = tmp_path / "outbox" / "face"
    with open_records(settings) as records:

        def crash(*_: object) -> Path:
            raise KeyboardInterrupt  # the process dies right after the commit

        with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
            patch.setattr(records.outbox, "publish", crash)
            records.record_reception(
                "rx-11",
                at=AT,
                cert_serial=1,
                method=IdentityMethod.PIN,
                result=result,
                consents=Consents(AT, {}),
            )
        # a staged file of a reception that never committed (crash before the commit)
        orphan = records.outbox.stage(
            "OQSsiquc01res_face_1312345678_front-1_rx-12_20260401093000.xml", b"<x/>"
        )
        # another kiosk's staged file is left alone: it may be writing it right now
        other = records.outbox.stage(
            "OQSsiquc01res_face_1312345678_front-2_rx-13_20260401093000.xml", b"<x/>"
        )
    assert not list(outbox.glob("*.xml"))
    with open_records(settings):
        pass
    published = list(outbox.glob("*.xml"))
    assert [p.name for p in published] == [
        "OQSsiquc01res_face_1312345678_front-1_rx-11_20260401093005.xml"
    ]
    assert parse(published[0].read_bytes()).findtext("MessageHeader/ArbitraryFileIdentifier") == (
        "rx-11"
    )
    assert not orphan.temp.exists() and other.temp.exists()
