"""The result files where and as clinic systems look for them: the outbox's ``face`` folder,
the terminal's names, Shift_JIS or UTF-8 as the facility chooses (declared, and said by
``CharacterCodeIdentifier``), and the file of a check that failed."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from helpers.clinic_parser import ClinicParseError, parse_onshi_result
from kiosk.config import Settings
from kiosk.eligibility.model import (
    ConsentItem,
    Consents,
    InsuranceRecord,
    InsuredPerson,
    QualificationResult,
    QualificationValidity,
)
from kiosk.records import IdentityMethod, open_records
from kiosk.records.export import csv_text, fhir_entries
from kiosk.records.result_xml import NAME_PATTERNS, ResultFileError, read_result
from kiosk.station.today import describe
from kiosk.vocabulary import EligibilityFault, Outcome

AT = datetime(2026, 4, 1, 0, 30, 5, tzinfo=UTC)  # 09:30:05 JST
INSTITUTION = "1312345678"
# what a service carrying every character would send: 𠮷 is in no Shift_JIS, 髙 only in cp932
PERSON = InsuredPerson("𠮷田　髙子", "ﾖｼﾀﾞ ﾀｶｺ", "2", date(1988, 11, 3), "東京都見本区試験町8-1-1")
INSURANCE = InsuranceRecord(
    insurer_number="06139992",
    insured_identification_number="8101",
    insured_card_symbol="見本",
    insured_branch_number="00",
    insured_name="𠮷田　髙子",
    insured_partial_contribution_ratio="030",
    insurer_name="見本健康保険組合",
)
DECLARED = re.compile(rb'\A<\?xml version="1\.0" encoding="([^"]+)"\?>\n')


def _terminal_name(path: Path, outbox: Path) -> None:
    assert path.parent == outbox / "face"
    assert all(pattern.fullmatch(path.name) for pattern in NAME_PATTERNS), path.name
    assert path.name.startswith(f"OQSsiquc01res_face_{INSTITUTION}_")
    stamp = re.fullmatch(r"OQSsiquc01res_face_.+_(\d{14})\.xml", path.name)
    assert stamp is not None and stamp.group(1) == "20260401093005"  # Japan time


@pytest.mark.parametrize(
    ("encoding", "declared", "code", "name", "insured"),
    [
        ("shift_jis", b"Shift_JIS", "1", "●田　●子", "●田　●子"),
        ("utf-8", b"UTF-8", "0", "𠮷田　髙子", "𠮷田　髙子"),
    ],
)
def test_a_result_decodes_by_its_declared_character_code(
    tmp_path: Path, encoding: str, declared: bytes, code: str, name: str, insured: str
) -> None:
    settings = Settings(outbox=tmp_path / "outbox", result_encoding=encoding)
    result = QualificationResult(QualificationValidity.VALID, AT, PERSON, INSURANCE)
    with open_records(settings) as records:
        receipt = records.record_reception(
            "rx-1",
            at=AT,
            cert_serial=1,
            method=IdentityMethod.PIN,
            result=result,
            consents=Consents(AT, {ConsentItem.MEDICATION: True}),
        )
    path = receipt.xml_path
    _terminal_name(path, tmp_path / "outbox")
    data = path.read_bytes()
    match = DECLARED.match(data)
    assert match is not None and match.group(1) == declared
    codec = {b"Shift_JIS": "shift_jis", b"UTF-8": "utf-8"}[match.group(1)]
    text = data.decode(codec)  # strictly, by the declared code: no crash, nothing replaced
    assert f"<CharacterCodeIdentifier>{code}</CharacterCodeIdentifier>" in text
    assert f"<Name>{name}</Name>" in text and f"<InsuredName>{insured}</InsuredName>" in text
    assert "<NameKana>ﾖｼﾀﾞ ﾀｶｺ</NameKana>" in text  # half-width kana survive Shift_JIS
    root = read_result(data)
    assert root.findtext("MessageHeader/MedicalInstitutionCode") == INSTITUTION
    seen = parse_onshi_result(data)
    assert seen.is_valid and seen.names == (name,)


def test_a_declaration_the_bytes_do_not_keep_is_refused() -> None:
    bad = b'<?xml version="1.0" encoding="Shift_JIS"?>\n<XmlMsg>\xff\xfe</XmlMsg>'
    with pytest.raises(ResultFileError, match="not shift_jis"):
        read_result(bad)
    mixed = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<XmlMsg><MessageHeader>'
        b"<CharacterCodeIdentifier>1</CharacterCodeIdentifier></MessageHeader></XmlMsg>"
    )
    with pytest.raises(ResultFileError, match="CharacterCodeIdentifier"):
        read_result(mixed)


@pytest.mark.parametrize(
    ("fault", "segment", "error_code", "result_code"),
    [
        (EligibilityFault.TIMEOUT, "異常終了", "SIM-TIMEOUT", None),
        (EligibilityFault.REFUSED, "異常終了", "SIM-REFUSED", None),
        (EligibilityFault.TERMINAL_AUTH, "異常終了", "SIM-TERMINAL-AUTH", None),
        (EligibilityFault.ERROR_ANSWER, "正常終了", None, "SIM-ANS-ERROR"),
    ],
)
@pytest.mark.parametrize("encoding", ["shift_jis", "utf-8"])
def test_a_failed_check_gives_the_clinic_its_error_and_keeps_no_consent(
    tmp_path: Path,
    fault: EligibilityFault,
    segment: str,
    error_code: str | None,
    result_code: str | None,
    encoding: str,
) -> None:
    settings = Settings(outbox=tmp_path / "outbox", result_encoding=encoding)
    with open_records(settings) as records:
        records.record_outcome(
            "rx-2", at=AT, outcome=Outcome.SERVICE_ERROR, cert_serial=1, failed_check=fault
        )
        [stored] = records.store.records(kind="reception")
    assert stored.body["fault"] == fault.value and stored.body["outcome"] == "service_error"
    assert "consents" not in stored.body
    [path] = (tmp_path / "outbox" / "face").glob("*.xml")
    _terminal_name(path, tmp_path / "outbox")
    seen = parse_onshi_result(path.read_bytes())
    assert seen.processing_result_status == "エラー" and not seen.is_valid
    assert seen.segment_of_result == segment
    assert seen.error_code == error_code and seen.processing_result_code == result_code
    assert seen.names == ()  # no one's qualification was confirmed: no ResultList


def test_an_outcome_without_a_failed_check_writes_no_file(tmp_path: Path) -> None:
    settings = Settings(outbox=tmp_path / "outbox")
    with open_records(settings) as records:
        records.record_outcome("rx-3", at=AT, outcome=Outcome.CANCELLED, cert_serial=1)
    assert not list((tmp_path / "outbox").rglob("*.xml"))


def test_the_clinic_parser_refuses_what_it_cannot_read() -> None:
    """The parser of these tests refuses as the clinic system does (so its passes mean it)."""
    ok = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<XmlMsg><MessageHeader>'
        "<ProcessExecutionTime>20260401093005</ProcessExecutionTime>"
        "<QualificationConfirmationDate>20260401</QualificationConfirmationDate>"
        "<MedicalInstitutionCode>1312345678</MedicalInstitutionCode>"
        "<ReferenceClassification>1</ReferenceClassification>"
        "<SegmentOfResult>1</SegmentOfResult>"
        "<CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader>"
        "<MessageBody><ProcessingResultStatus>1</ProcessingResultStatus>"
        "<QualificationValidity>1</QualificationValidity><ResultList>"
        "<ResultOfQualificationConfirmation><InsuredCardClassification>01"
        "</InsuredCardClassification><Name>見本　太郎</Name><Sex1>1</Sex1>"
        "<Birthdate>19800217</Birthdate><InsurerName>見本健保</InsurerName>"
        "</ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>"
    )
    assert parse_onshi_result(ok.encode()).is_valid
    for broken in (
        ok.replace("<SegmentOfResult>1", "<SegmentOfResult>3"),
        ok.replace("<ProcessingResultStatus>1</ProcessingResultStatus>", ""),
        ok.replace("<InsurerName>見本健保</InsurerName>", ""),
        ok.replace("<CharacterCodeIdentifier>0", "<CharacterCodeIdentifier>2"),
    ):
        with pytest.raises((ClinicParseError, ResultFileError)):
            parse_onshi_result(broken.encode())


def test_the_name_as_sent_reaches_the_export_and_the_station(tmp_path: Path) -> None:
    sent = dataclasses.replace(PERSON, name="●田　花子")  # a jisx0208 service's 𠮷田　花子
    settings = Settings(outbox=tmp_path / "outbox")
    result = QualificationResult(QualificationValidity.VALID, AT, sent, INSURANCE)
    with open_records(settings) as records:
        records.record_reception(
            "rx-4",
            at=AT,
            cert_serial=1,
            method=IdentityMethod.FACE,
            result=result,
            consents=Consents(AT, {ConsentItem.MEDICATION: True}),
        )
        records.record_outcome("rx-5", at=AT, outcome=Outcome.CANCELLED, cert_serial=1)
        stored = records.store.records(kind="reception")
    rows = list(csv.reader(io.StringIO(csv_text(stored))))
    assert rows[0][-1] == "name" and [r[-1] for r in rows[1:]] == ["●田　花子", ""]
    [entry] = fhir_entries(stored)
    assert entry["resource"]["patient"]["display"] == "●田　花子"
    assert [describe(r, "ja")["name"] for r in stored] == ["●田　花子", "—"]
