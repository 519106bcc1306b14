"""The online eligibility service (オンライン資格確認), simulated.

What the reception flow calls::

    from kiosk.eligibility import (
        CertificateRejectedError, ServiceUnavailableError, SimulatedEligibilityService)

    service = SimulatedEligibilityService.from_settings(settings)   # latency / failure rate
    service.is_registered(cert_der) -> bool          # 利用登録 done?
    service.register(cert_der) -> None               # the patient agreed at the kiosk (persisted)
    result = service.confirm(cert_der, at=now, consents=None) -> QualificationResult

``confirm`` checks the user-authentication certificate against the simulated JPKI CA and its
CRL: revoked, not issued by the CA, or expired more than 3 months ago raise
:class:`CertificateRejectedError` (``.code == "006"``, ``.status``); an expiry within 3 months
either side is accepted with ``result.certificate_alert`` set (renew at the municipal office).
The result's ``validity`` is 1 有効 / 2 無効 / 4 該当資格なし; ``person`` and ``insurance``
carry the fields of the clinic system's XML, names only in the service's character set (●
for the rest, :mod:`kiosk.eligibility.charset`). :class:`ServiceUnavailableError` is a check
that failed, with its ``fault`` (timeout, refused, terminal authentication, error answer;
:mod:`kiosk.eligibility.faults`): injected by ``failure_rate``,
:meth:`SimulatedEligibilityService.fail_next` or, standing,
:meth:`SimulatedEligibilityService.set_fault`; :meth:`~SimulatedEligibilityService.set_answer`
makes the checks answer valid, 資格無効, 該当資格なし or with ● names (docs/eligibility.md).
Anything satisfying :class:`EligibilityService` can replace the simulation.
"""

from kiosk.eligibility.errors import (
    CertificateRejectedError,
    EligibilityError,
    ServiceUnavailableError,
)
from kiosk.eligibility.model import (
    CONSENT_VALIDITY,
    JST,
    CertificateAlert,
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
from kiosk.eligibility.service import EligibilityService, SimulatedEligibilityService

__all__ = [
    "CONSENT_VALIDITY",
    "JST",
    "CertificateAlert",
    "CertificateRejectedError",
    "ConsentItem",
    "Consents",
    "ElderlyRecipient",
    "EligibilityError",
    "EligibilityService",
    "InsuranceRecord",
    "InsuredPerson",
    "LimitCertificate",
    "PrescriptionForm",
    "QualificationResult",
    "QualificationValidity",
    "ServiceUnavailableError",
    "SimulatedEligibilityService",
]
