"""Errors of the online eligibility service; the flow turns them into screens."""

from __future__ import annotations

from kiosk.errors import KioskError
from kiosk.vocabulary import EligibilityFault, ReaderError


class EligibilityError(KioskError):
    """Root of the eligibility layer's errors."""


class CertificateRejectedError(EligibilityError):
    """The user-authentication certificate is revoked, expired (past the grace period) or not
    issued by the JPKI CA: the reader shows error code 006."""

    code = ReaderError.CERTIFICATE_INVALID.value

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status  # "revoked" | "expired" | "unknown-ca"


class ServiceUnavailableError(EligibilityError):
    """The check failed: the service could not be reached, did not answer in time, refused
    the terminal, or answered with an error (``fault``, :class:`EligibilityFault`). The
    patient is sent to the counter; the reception may be retried.

    ``error_code`` and ``error_message`` are what the clinic system's result file carries
    for it (:mod:`kiosk.eligibility.faults`).
    """

    def __init__(
        self,
        message: str,
        fault: EligibilityFault = EligibilityFault.TIMEOUT,
        *,
        error_code: str = "",
        error_message: str = "",
    ) -> None:
        super().__init__(message)
        self.fault = EligibilityFault(fault)
        self.error_code = error_code
        self.error_message = error_message
