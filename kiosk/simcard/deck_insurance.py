"""The insurance table of a deck profile: what the simulated eligibility service answers for
that card holder, in the element names of the オンライン資格確認 result (docs/reception.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

QUALIFICATION_VALIDITY = {
    "1": "有効",
    "2": "無効",
    "3": "無効(新しい資格あり)",
    "4": "該当資格なし",
    "5": "複数該当",
}
INSURER_FIELDS = (
    "InsuredCardClassification",
    "InsurerNumber",
    "InsuredCardSymbol",
    "InsuredIdentificationNumber",
    "InsuredBranchNumber",
    "PersonalFamilyClassification",
    "InsuredName",
    "InsuredCertificateIssuanceDate",
    "InsuredCardValidDate",
    "InsuredCardExpirationDate",
    "InsuredPartialContributionRatio",
    "InsurerName",
)
REQUIRED_INSURER_FIELDS = (*INSURER_FIELDS[:6], "InsuredPartialContributionRatio", "InsurerName")
PERSON_FIELDS = ("Name", "NameKana", "Sex1", "Birthdate", "Address", "PostNumber")
ELDERLY = "ElderlyRecipientCertificateInfo"
LIMIT = "LimitApplicationCertificateRelatedInfo"
SPECIFIC_DISEASES = "SpecificDiseasesCertificateInfo"
LIMIT_FLAGS = frozenset([f"A{n:02d}" for n in range(1, 7)] + [f"B{n:02d}" for n in range(1, 11)])
_YYYYMMDD = re.compile(r"(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")


@dataclass(frozen=True)
class Insurance:
    """A deck person's health-insurance qualification, in the result's own element names
    (docs/reception.md, ResultOfQualificationConfirmation). Every value is text."""

    validity: str  # QualificationValidity: "1" 有効, "2" 無効, "4" 該当資格なし, …
    fields: Mapping[str, str]  # the flat elements, person ones (Name, NameKana, …) included
    elderly: Mapping[str, str] | None = None  # ElderlyRecipientCertificateInfo
    limit: Mapping[str, str] | None = None  # LimitApplicationCertificateRelatedInfo
    specific_diseases: tuple[Mapping[str, str], ...] = ()  # SpecificDiseasesCertificateInfo

    @property
    def validity_name(self) -> str:
        return QUALIFICATION_VALIDITY[self.validity]

    @property
    def has_qualification(self) -> bool:
        """False for 該当資格なし (no insurer data at all)."""
        return self.validity != "4"


def half_width_kana(text: str) -> str:
    """Full-width katakana as half-width (ｾｲ ﾒｲ), U+3000 as an ASCII space; 濁点 split off."""
    return "".join(_HALF_WIDTH.get(char, char) for char in text)


def _half_width_table() -> dict[str, str]:
    table = {"\u3000": " "}
    for code in range(0xFF61, 0xFF9E):  # ｡ … ﾝ
        half = chr(code)
        full = unicodedata.normalize("NFKC", half)
        table.setdefault(full, half)
        for mark, half_mark in (("\u3099", "ﾞ"), ("\u309a", "ﾟ")):
            voiced = unicodedata.normalize("NFC", full + mark)
            if len(voiced) == 1:
                table[voiced] = half + half_mark
    return table


_HALF_WIDTH = _half_width_table()


def insurer_check_digit(body: str) -> int:
    """検証番号 of an insurer number: digits from the right weighted 2,1,2,…, digit sums
    added, 10 minus the last digit (0 for 10)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def parse_insurance(raw: dict[str, Any], person: Mapping[str, str]) -> Insurance:
    """Build and check a profile's insurance table; ``person`` gives the card-face elements
    (Name, NameKana, Sex1, Birthdate, Address, PostNumber). ``ValueError`` says what is wrong."""
    validity = str(raw.get("QualificationValidity", "1"))
    if validity not in QUALIFICATION_VALIDITY:
        raise ValueError(
            f"QualificationValidity must be one of {', '.join(QUALIFICATION_VALIDITY)}"
        )
    fields: dict[str, str] = {}
    if validity != "4":
        for key in REQUIRED_INSURER_FIELDS:
            if not raw.get(key):
                raise ValueError(f"{key} is missing")
        fields = {key: str(raw[key]) for key in INSURER_FIELDS if raw.get(key)}
        _check_insurer(fields)
    for key in PERSON_FIELDS:
        fields[key] = str(raw.get(key, person[key]))
    elderly = _sub_table(raw, ELDERLY) if validity != "4" else None
    limit = _sub_table(raw, LIMIT) if validity != "4" else None
    if limit is not None:
        if limit.get("LimitApplicationCertificateClassification") not in ("01", "02", "03"):
            raise ValueError("LimitApplicationCertificateClassification must be 01, 02 or 03")
        if limit.get("LimitApplicationCertificateClassificationFlag") not in LIMIT_FLAGS:
            raise ValueError(
                "LimitApplicationCertificateClassificationFlag must be A01-A06/B01-B10"
            )
    diseases = raw.get(SPECIFIC_DISEASES, []) if validity != "4" else []
    if not isinstance(diseases, list) or not all(isinstance(d, dict) for d in diseases):
        raise ValueError(f"{SPECIFIC_DISEASES} must be an array of tables")
    for table in (elderly, limit, *diseases):
        for key, value in (table or {}).items():
            if key.endswith(("Date", "DateTime")) and not _YYYYMMDD.fullmatch(str(value)):
                raise ValueError(f"{key} must be YYYYMMDD")
    return Insurance(
        validity=validity,
        fields=MappingProxyType(fields),
        elderly=elderly,
        limit=limit,
        specific_diseases=tuple(
            MappingProxyType({k: str(v) for k, v in d.items()}) for d in diseases
        ),
    )


def _sub_table(raw: dict[str, Any], key: str) -> Mapping[str, str] | None:
    table = raw.get(key)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ValueError(f"{key} must be a table")
    return MappingProxyType({k: str(v) for k, v in table.items()})


def _check_insurer(fields: dict[str, str]) -> None:
    number = fields["InsurerNumber"]
    if not re.fullmatch(r"\d{6}|\d{8}", number):
        raise ValueError("InsurerNumber must be 8 digits (6 for 国民健康保険)")
    if insurer_check_digit(number[:-1]) != int(number[-1]):
        raise ValueError("InsurerNumber has a wrong check digit (検証番号)")
    if not re.fullmatch(r"\d{2}", fields["InsuredBranchNumber"]):
        raise ValueError("InsuredBranchNumber must be 2 digits")
    if fields["PersonalFamilyClassification"] not in ("1", "2"):
        raise ValueError("PersonalFamilyClassification must be 1 (本人) or 2 (家族)")
    if not re.fullmatch(r"0[1-7]", fields["InsuredCardClassification"]):
        raise ValueError("InsuredCardClassification must be 01-07")
    if fields["InsuredPartialContributionRatio"] not in ("010", "020", "030"):
        raise ValueError("InsuredPartialContributionRatio must be 010, 020 or 030")
    for key in (
        "InsuredCertificateIssuanceDate",
        "InsuredCardValidDate",
        "InsuredCardExpirationDate",
    ):
        if key in fields and not _YYYYMMDD.fullmatch(fields[key]):
            raise ValueError(f"{key} must be YYYYMMDD")
