"""Errors of the online eligibility service; the flow turns them into screens."""

from __future__ import annotations

from kiosk.errors import KioskError
from kiosk.vocabulary import ReaderError


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
    """The service could not be reached or did not answer in time (connection error screen).
    The reception may be retried."""
