"""The values of an online qualification confirmation (オンライン資格確認): what the service
answers, and the patient's consents that travel with it to the clinic system.

Field names follow the clinic system's result XML (see docs/reception.md) in snake case:
``insurer_number`` is ``InsurerNumber``. Dates are :class:`datetime.date`; instants are
timezone-aware :class:`datetime.datetime` (the XML shows them in Japan time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import IntEnum, StrEnum

from kiosk.vocabulary import ConsentItem

JST = timezone(timedelta(hours=9), "JST")
CONSENT_VALIDITY = timedelta(hours=24)  # a consent lets the facility view the data this long


class QualificationValidity(IntEnum):
    """QualificationValidity of the result."""

    VALID = 1  # 有効
    INVALID = 2  # 無効
    INVALID_NEWER_EXISTS = 3  # 無効(新しい資格あり)
    NO_QUALIFICATION = 4  # 該当資格なし
    SEVERAL = 5  # 複数該当


class PrescriptionForm(IntEnum):
    """PrescriptionIssueSelect: the form the patient chose (facilities issuing 電子処方箋)."""

    ELECTRONIC = 1
    PAPER = 2


class CertificateAlert(StrEnum):
    """A notice to show although the certificate was accepted."""

    RENEW_SOON = "renew-soon"  # expires within 3 months: renew at the municipal office
    EXPIRED_GRACE = "expired-grace"  # expired less than 3 months ago: still works as insurance card


@dataclass(frozen=True)
class Consents:
    """The patient's answers on the consent screens of one reception.

    ``items`` holds the shown items only: True = 同意する, False = 同意しない.
    ``limit_info`` is the high-cost care answer (高額療養費制度を利用する = consent to provide
    限度額情報); ``specific_disease`` the 特定疾病 answer; None = not asked.
    ``given_at`` is when the answers were completed (timezone-aware); each consent is valid
    for :data:`CONSENT_VALIDITY` from then.
    """

    given_at: datetime
    items: Mapping[ConsentItem, bool] = field(default_factory=dict)
    limit_info: bool | None = None
    specific_disease: bool | None = None

    def __post_init__(self) -> None:
        if self.given_at.tzinfo is None:
            raise ValueError("Consents.given_at must be timezone-aware")
        object.__setattr__(self, "items", {ConsentItem(k): bool(v) for k, v in self.items.items()})

    @property
    def expires_at(self) -> datetime:
        return self.given_at + CONSENT_VALIDITY


@dataclass(frozen=True)
class InsuredPerson:
    """The person as the service knows them (from the 被保険者 record)."""

    name: str  # "姓　名" with U+3000 between family and given name
    name_kana: str  # half-width katakana, "ｾｲ ﾒｲ"
    sex1: str  # "1" 男, "2" 女, "3" 未設定
    birthdate: date
    address: str | None = None
    post_number: str | None = None  # "123-4567"


@dataclass(frozen=True)
class ElderlyRecipient:
    """高齢受給者証 (ElderlyRecipientCertificateInfo)."""

    certificate_date: date | None
    valid_start_date: date | None
    valid_end_date: date | None
    contribution_ratio: str  # "020" / "030"


@dataclass(frozen=True)
class LimitCertificate:
    """限度額適用認定証 data (LimitApplicationCertificateRelatedInfo); sent only when consented."""

    classification: (
        str  # "01" 限度額適用認定証, "02" …・標準負担額減額認定証, "03" 標準負担額減額認定証
    )
    classification_flag: str  # 適用区分: "A01".."A06", "B01".."B10"
    certificate_date: date | None = None
    valid_start_date: date | None = None
    valid_end_date: date | None = None
    long_term_date: date | None = None


@dataclass(frozen=True)
class InsuranceRecord:
    """One health-insurance qualification (資格情報)."""

    insurer_number: str  # 8 digits (6 for 国保)
    insured_identification_number: str  # 番号
    insured_card_classification: str = "01"  # 01 一般 … 07 自衛官診療証
    insured_card_symbol: str | None = None  # 記号
    insured_branch_number: str | None = None  # 2-digit 枝番
    personal_family_classification: str = "1"  # 1 本人, 2 家族
    insured_name: str | None = None  # 世帯主 (for 国保 / 家族)
    insured_certificate_issuance_date: date | None = None
    insured_card_valid_date: date | None = None
    insured_card_expiration_date: date | None = None
    insured_partial_contribution_ratio: str | None = None  # "010" / "020" / "030"
    insurer_name: str | None = None
    elderly_recipient: ElderlyRecipient | None = None
    limit_certificate: LimitCertificate | None = None
    specific_diseases: tuple[Mapping[str, str], ...] = ()  # 特定疾病 (kept off the XML)


@dataclass(frozen=True)
class QualificationResult:
    """What :meth:`EligibilityService.confirm` answers.

    ``person`` and ``insurance`` are None when the service holds no qualification
    (``validity`` = NO_QUALIFICATION). ``consents`` echoes what was sent with the request.
    """

    validity: QualificationValidity
    confirmed_at: datetime
    person: InsuredPerson | None = None
    insurance: InsuranceRecord | None = None
    certificate_alert: CertificateAlert | None = None
    certificate_expires: datetime | None = None
    consents: Consents | None = None

    @property
    def is_valid(self) -> bool:
        return self.validity == QualificationValidity.VALID
