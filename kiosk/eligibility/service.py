"""The eligibility service interface and its simulation.

:class:`EligibilityService` is what the reception flow talks to; a real オンライン資格確認
client would satisfy the same protocol. :class:`SimulatedEligibilityService` answers from
the simulated JPKI CA (certificate status, CRL, issuance ledger) and the card deck's
``insurance`` tables: certificate serial -> ledger profile -> insurance record.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.eligibility.charset import NameCharset, as_carried, as_carried_kana
from kiosk.eligibility.errors import CertificateRejectedError
from kiosk.eligibility.faults import fault_error, parse_fault
from kiosk.eligibility.model import (
    CertificateAlert,
    Consents,
    ElderlyRecipient,
    InsuranceRecord,
    InsuredPerson,
    LimitCertificate,
    QualificationResult,
    QualificationValidity,
)
from kiosk.eligibility.trust import TrustedCas
from kiosk.paths import kiosk_home
from kiosk.vocabulary import EligibilityFault

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.simcard.ca import CertificateAuthority
    from kiosk.simcard.deck import Insurance, Profile

_UNREAD = (-1,)  # the registry file's stamp before it was first looked at


class ServiceAnswer(StrEnum):
    """An answer set for the checks to come, whatever the deck says (the operator panel,
    a scenario's ``eligibility_answer`` step); :meth:`SimulatedEligibilityService.set_answer`."""

    VALID = "valid"  # 有効, with the card's insurance (the standard profile's if it has none)
    INVALID = "invalid"  # 資格無効
    NO_QUALIFICATION = "no_qualification"  # 該当資格なし
    MARU_KANJI = "maru_kanji"  # the insurance of deck profile maru-kanji: ● in the kanji name
    MARU_KANA = "maru_kana"  # the insurance of deck profile maru-kana: ● in the kana name


ANSWER_PROFILES = {
    ServiceAnswer.VALID: "standard",
    ServiceAnswer.MARU_KANJI: "maru-kanji",
    ServiceAnswer.MARU_KANA: "maru-kana",
}
"""The deck profile whose insurance an answer uses (VALID: only when the card has none)."""
GRACE = timedelta(days=92)  # ~3 months either side of the certificate's expiry


class EligibilityService(Protocol):
    """オンライン資格確認 as the reception flow needs it. Times are timezone-aware."""

    def is_registered(self, auth_cert_der: bytes) -> bool:
        """Whether the card is registered for health-insurance use (利用登録)."""
        ...

    def register(self, auth_cert_der: bytes) -> None:
        """Register the card for health-insurance use (the patient agreed at the kiosk)."""
        ...

    def confirm(
        self,
        auth_cert_der: bytes,
        *,
        at: datetime,
        consents: Consents | None = None,
        certificate_status: str | None = None,
    ) -> QualificationResult:
        """Confirm the qualification of the card's holder at ``at``.

        ``certificate_status`` is the caller's own check of the certificate against the same
        CA and CRL (the kiosk checked it when it read the card); without it the service
        checks it. Raises :class:`CertificateRejectedError` (error 006) or
        :class:`ServiceUnavailableError`.
        """
        ...


class SimulatedEligibilityService:
    """Answers from the simulated CA and the deck; latency and failures can be injected.

    A certificate of a CA in ``trusted`` (real JPKI CAs, for real cards) is accepted like
    one of the simulated CA while valid; its holder is answered from the deck profile
    ``real_card_profile`` (none: 該当資格なし), and counts as registered unless that profile
    says otherwise.
    ``latency_s`` delays every call (a real service takes a second or two);
    ``failure_rate`` (0..1) makes that share of calls raise :class:`ServiceUnavailableError`;
    :meth:`fail_next` makes the next ``n`` calls fail (tests, the fault suite);
    :meth:`set_fault` makes every check fail one way (timeout, refused, terminal
    authentication, error answer) until it is set back to None; :meth:`set_answer` makes
    every check answer one way (valid, 資格無効, 該当資格なし, ● names) until set back.
    Names are sent only in ``name_charset`` (:mod:`kiosk.eligibility.charset`): the rest
    arrives as ●.
    Registrations made at the kiosk persist in ``<home>/eligibility/registered.json``.
    """

    def __init__(
        self,
        ca: CertificateAuthority | None = None,
        profiles: Callable[[str], Profile] | None = None,
        *,
        latency_s: float = 0.0,
        failure_rate: float = 0.0,
        rng: random.Random | None = None,
        home: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        trusted: TrustedCas | None = None,
        real_card_profile: str | None = None,
        name_charset: NameCharset | str = NameCharset.JISX0208,
    ) -> None:
        self._ca = ca
        self.trusted = trusted if trusted is not None else TrustedCas()
        self.real_card_profile = real_card_profile
        self._profiles = profiles
        self.latency_s = latency_s
        self.failure_rate = failure_rate
        self._rng = rng or random.Random()  # noqa: S311 - simulated faults, not security
        self._home = home
        self._sleep = sleep
        self._fail_next = 0
        self.name_charset = NameCharset(name_charset)
        self._fault: EligibilityFault | None = None
        self._override: ServiceAnswer | None = None
        self._lock = threading.Lock()
        # insurance record -> its answer, built once (the deck's records do not change)
        self._answers: dict[int, tuple[Insurance, InsuredPerson, InsuranceRecord | None]] = {}
        self._registered: tuple[tuple[int, ...] | None, frozenset[str]] = (_UNREAD, frozenset())
        self._registry: Path | None = None  # <home>/eligibility/registered.json, found once
        self._certificate: tuple[bytes, int | None, datetime | None] = (b"", None, None)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> SimulatedEligibilityService:
        """The service as the facility settings describe it; a trusted CA file that cannot
        be used raises :class:`~kiosk.eligibility.trust.TrustError` here, at start."""
        kwargs.setdefault("trusted", TrustedCas.load(settings.trusted_ca_files))
        kwargs.setdefault("real_card_profile", settings.real_card_profile)
        kwargs.setdefault("name_charset", settings.eligibility_name_charset)
        service = cls(
            latency_s=settings.eligibility_latency_ms / 1000.0,
            failure_rate=settings.eligibility_failure_rate,
            **kwargs,
        )
        service.set_fault(settings.eligibility_fault)  # [eligibility] fault: a standing one
        return service

    # -- fault injection -----------------------------------------------------------------

    def fail_next(self, count: int = 1) -> None:
        """Make the next ``count`` calls raise :class:`ServiceUnavailableError`."""
        with self._lock:
            self._fail_next += count

    def set_fault(self, fault: EligibilityFault | str | None) -> None:
        """Make every check fail with ``fault`` from now on (None or "none": answer again)."""
        chosen = parse_fault(fault) if isinstance(fault, str) else fault
        with self._lock:
            self._fault = chosen

    @property
    def fault(self) -> EligibilityFault | None:
        return self._fault

    def set_answer(self, answer: ServiceAnswer | str | None) -> None:
        """Make every check answer ``answer`` from now on (None: as the deck says)."""
        chosen = None if answer in (None, "", "deck") else ServiceAnswer(str(answer))
        with self._lock:
            self._override = chosen

    @property
    def answer(self) -> ServiceAnswer | None:
        return self._override

    def _call(self, check: bool = False) -> None:
        """One request: the latency, then an injected failure (``check``: the standing
        fault of :meth:`set_fault` applies too)."""
        if self.latency_s > 0:
            self._sleep(self.latency_s)
        with self._lock:
            if self._fail_next > 0:
                self._fail_next -= 1
                fail = True
            else:
                fail = self.failure_rate > 0 and self._rng.random() < self.failure_rate
            fault = self._fault if check else None
        if fail:
            raise fault_error(EligibilityFault.TIMEOUT)
        if fault is not None:
            raise fault_error(fault)

    # -- the service -----------------------------------------------------------------------

    def is_registered(self, auth_cert_der: bytes) -> bool:
        self._call()
        serial = self._serial(auth_cert_der)
        if serial is None:
            return False
        if str(serial) in self._registrations():
            return True
        profile = self._profile_of(serial)
        if profile is None and self._real_card(auth_cert_der):
            real = self._real_profile()
            return real is None or real.registered_for_insurance
        return profile is not None and profile.registered_for_insurance

    def register(self, auth_cert_der: bytes) -> None:
        self._call()
        serial = self._serial(auth_cert_der)
        if serial is None:
            raise CertificateRejectedError("unknown-ca", "the card's certificate cannot be read")
        registered = set(self._registrations())
        registered.add(str(serial))
        path = self._registry_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".registered.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(sorted(registered), out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def confirm(
        self,
        auth_cert_der: bytes,
        *,
        at: datetime,
        consents: Consents | None = None,
        certificate_status: str | None = None,
    ) -> QualificationResult:
        self._call(check=True)
        alert, expires = self._check_certificate(auth_cert_der, at, certificate_status)
        serial = self._serial(auth_cert_der)
        profile = self._profile_of(serial) if serial is not None else None
        if profile is None and self._real_card(auth_cert_der):
            profile = self._real_profile()
        insurance = profile.insurance if profile is not None else None
        answer = self._override
        if answer is not None:
            insurance = self._insurance_for(answer, insurance)
        if insurance is None:
            return QualificationResult(
                QualificationValidity.NO_QUALIFICATION,
                at,
                certificate_alert=alert,
                certificate_expires=expires,
                consents=consents,
            )
        validity = QualificationValidity(int(insurance.validity))
        if answer is ServiceAnswer.INVALID:
            validity = QualificationValidity.INVALID
        elif answer is not None:
            validity = QualificationValidity.VALID
        person, record = self._answer(insurance)
        return QualificationResult(
            validity,
            at,
            person=person,
            insurance=record,
            certificate_alert=alert,
            certificate_expires=expires,
            consents=consents,
        )

    # -- helpers ---------------------------------------------------------------------------

    def _insurance_for(self, answer: ServiceAnswer, card: Insurance | None) -> Insurance | None:
        """The insurance entry answering ``answer`` for a card whose own entry is ``card``."""
        if answer is ServiceAnswer.NO_QUALIFICATION:
            return None
        if answer is ServiceAnswer.INVALID and card is not None and card.has_qualification:
            return card
        if answer is ServiceAnswer.VALID and card is not None and card.has_qualification:
            return card
        profile = _deck_profile(ANSWER_PROFILES.get(answer, "standard"))
        return profile.insurance if profile is not None else card

    def _authority(self) -> CertificateAuthority:
        if self._ca is None:
            from kiosk.simcard.ca import CertificateAuthority  # cryptography: on first use

            self._ca = CertificateAuthority.load(self._home)
        return self._ca

    def _answer(self, insurance: Insurance) -> tuple[InsuredPerson, InsuranceRecord | None]:
        """The insured person and record of a deck insurance entry, built once."""
        cached = self._answers.get(id(insurance))
        if cached is not None and cached[0] is insurance:
            return cached[1], cached[2]
        person = _person(insurance, self.name_charset)
        record = _record(insurance) if insurance.has_qualification else None
        if record is not None and record.insured_name:
            record = replace(
                record, insured_name=as_carried(record.insured_name, self.name_charset)
            )
        with self._lock:
            self._answers[id(insurance)] = (insurance, person, record)
        return person, record

    def _profile_of(self, serial: int) -> Profile | None:
        name = self._authority().profile_of(serial)
        if name is None:
            return None
        if self._profiles is None:
            from kiosk.simcard.deck import load_deck

            deck = load_deck()  # read once per service
            self._profiles = deck.__getitem__
        try:
            return self._profiles(name)
        except LookupError:
            return None

    def _real_card(self, cert_der: bytes) -> bool:
        """Whether the certificate comes from a trusted (real) CA rather than the simulated."""
        return bool(self.trusted) and self.trusted.issuer_of(cert_der) is not None

    def _real_profile(self) -> Profile | None:
        return _deck_profile(self.real_card_profile) if self.real_card_profile else None

    def certificate_status(self, cert_der: bytes, at: datetime) -> str:
        """valid / expired / not_yet_valid / revoked / unknown_ca: the simulated CA (and its
        CRL) first, then the trusted CAs."""
        status = str(self._authority().verify_auth_certificate(cert_der, at))
        if status == "unknown_ca" and self.trusted:
            status = self.trusted.status(cert_der, at)
        return status

    def _check_certificate(
        self, cert_der: bytes, at: datetime, status: str | None = None
    ) -> tuple[CertificateAlert | None, datetime | None]:
        if status is None:
            status = self.certificate_status(cert_der, at)
        if status == "revoked":
            raise CertificateRejectedError(
                "revoked",
                "the card's user-authentication certificate is revoked (006): "
                "the patient renews it at the municipal office",
            )
        if status in ("unknown_ca", "not_yet_valid"):
            raise CertificateRejectedError(
                "unknown-ca", "the card's certificate was not issued by JPKI (006)"
            )
        expires = self._not_after(cert_der)
        if expires is None:  # pragma: no cover - the CA already parsed it
            raise CertificateRejectedError(
                "unknown-ca", "the card's certificate cannot be read (006)"
            )
        when = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
        if status == "expired":
            if when > expires + GRACE:
                raise CertificateRejectedError(
                    "expired",
                    "the card's user-authentication certificate expired more than 3 months "
                    "ago (006): the patient renews it at the municipal office",
                )
            return CertificateAlert.EXPIRED_GRACE, expires
        if when >= expires - GRACE:
            return CertificateAlert.RENEW_SOON, expires
        return None, expires

    def _registry_path(self) -> Path:
        if self._registry is None:
            home = self._home if self._home is not None else kiosk_home()
            self._registry = home / "eligibility" / "registered.json"
        return self._registry

    def _registrations(self) -> frozenset[str]:
        """The registered serials; the file is read again only when it changed (or appeared)."""
        path = self._registry_path()
        try:
            st = os.stat(path)
            stamp: tuple[int, ...] | None = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except OSError:
            stamp = None
        known, serials = self._registered
        if stamp == known:
            return serials
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if stamp is not None else []
        except (OSError, ValueError):
            return frozenset()
        found = frozenset(str(s) for s in data) if isinstance(data, list) else frozenset()
        self._registered = (stamp, found)
        return found

    def _serial(self, cert_der: bytes) -> int | None:
        return self._parsed(cert_der)[1]

    def _not_after(self, cert_der: bytes) -> datetime | None:
        return self._parsed(cert_der)[2]

    def _parsed(self, cert_der: bytes) -> tuple[bytes, int | None, datetime | None]:
        """Serial and expiry of the certificate, parsed once for the reception's calls."""
        cert_der = bytes(cert_der)
        known = self._certificate
        if known[0] == cert_der:
            return known
        from cryptography import x509

        parsed: tuple[bytes, int | None, datetime | None]
        try:
            cert = x509.load_der_x509_certificate(cert_der)
            parsed = (cert_der, int(cert.serial_number), cert.not_valid_after_utc)
        except (ValueError, TypeError):
            parsed = (cert_der, None, None)
        self._certificate = parsed
        return parsed


def _deck_profile(name: str) -> Profile | None:
    """The deck's profile ``name`` (None: no such profile), the deck read on first use."""
    from kiosk.simcard.deck import DeckError, get_profile

    try:
        return get_profile(name)
    except DeckError:
        return None


def _ymd(value: str | None) -> date | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y%m%d").date()


def _person(insurance: Insurance, charset: NameCharset) -> InsuredPerson:
    """The person as the service sends them: names only in ``charset``, the rest ●."""
    f = insurance.fields
    return InsuredPerson(
        name=as_carried(f["Name"], charset),
        name_kana=as_carried_kana(f["NameKana"], charset),
        sex1=f.get("Sex1", "3"),
        birthdate=_ymd(f["Birthdate"]) or date.min,
        address=f.get("Address") or None,
        post_number=f.get("PostNumber") or None,
    )


def _record(insurance: Insurance) -> InsuranceRecord:
    f = insurance.fields
    elderly = insurance.elderly
    limit = insurance.limit
    return InsuranceRecord(
        insurer_number=f["InsurerNumber"],
        insured_identification_number=f["InsuredIdentificationNumber"],
        insured_card_classification=f.get("InsuredCardClassification", "01"),
        insured_card_symbol=f.get("InsuredCardSymbol") or None,
        insured_branch_number=f.get("InsuredBranchNumber") or None,
        personal_family_classification=f.get("PersonalFamilyClassification", "1"),
        insured_name=f.get("InsuredName") or None,
        insured_certificate_issuance_date=_ymd(f.get("InsuredCertificateIssuanceDate")),
        insured_card_valid_date=_ymd(f.get("InsuredCardValidDate")),
        insured_card_expiration_date=_ymd(f.get("InsuredCardExpirationDate")),
        insured_partial_contribution_ratio=f.get("InsuredPartialContributionRatio") or None,
        insurer_name=f.get("InsurerName") or None,
        elderly_recipient=ElderlyRecipient(
            certificate_date=_ymd(elderly.get("ElderlyRecipientCertificateDate")),
            valid_start_date=_ymd(elderly.get("ElderlyRecipientValidStartDate")),
            valid_end_date=_ymd(elderly.get("ElderlyRecipientValidEndDate")),
            contribution_ratio=elderly.get("ElderlyRecipientContributionRatio", ""),
        )
        if elderly
        else None,
        limit_certificate=LimitCertificate(
            classification=limit["LimitApplicationCertificateClassification"],
            classification_flag=limit["LimitApplicationCertificateClassificationFlag"],
            certificate_date=_ymd(limit.get("LimitApplicationCertificateDate")),
            valid_start_date=_ymd(limit.get("LimitApplicationCertificateValidStartDate")),
            valid_end_date=_ymd(limit.get("LimitApplicationCertificateValidEndDate")),
            long_term_date=_ymd(limit.get("LimitApplicationCertificateLongTermDate")),
        )
        if limit
        else None,
        specific_diseases=tuple(insurance.specific_diseases),
    )
