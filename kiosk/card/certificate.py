"""What the kiosk reads from an auth certificate: serial, validity, and where it stands in time.

docs/reception.md: from 3 months before to 3 months after expiry the patient is asked to
renew at the municipal office; the card still works for 3 months after expiry. Whether the
certificate is revoked or from a known CA is the relying party's check (the simulated
eligibility service / CA), not the card's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kiosk.card.errors import CardDataError

RENEWAL_WINDOW = timedelta(days=92)
"""About three months, before and after notAfter."""


class Timing(StrEnum):
    """A certificate's place in time."""

    NOT_YET_VALID = "not_yet_valid"
    VALID = "valid"
    EXPIRING = "expiring"  # within 3 months before notAfter: renew soon
    EXPIRED_GRACE = "expired_grace"  # up to 3 months after: still usable, renew
    EXPIRED = "expired"


@dataclass(frozen=True)
class CertificateInfo:
    """The public facts of an X.509 certificate (no key material)."""

    serial: int
    subject: str
    issuer: str
    not_before: datetime  # UTC
    not_after: datetime  # UTC

    @classmethod
    def from_der(cls, der: bytes) -> CertificateInfo:
        from cryptography import x509

        try:
            cert = x509.load_der_x509_certificate(bytes(der))
        except ValueError:
            raise CardDataError("the auth certificate is not valid X.509 DER") from None
        return cls(
            serial=cert.serial_number,
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )

    def timing(self, at: datetime | None = None) -> Timing:
        """Where ``at`` (default now; naive = UTC) falls against the validity period."""
        when = at or datetime.now(UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if when < self.not_before:
            return Timing.NOT_YET_VALID
        if when > self.not_after + RENEWAL_WINDOW:
            return Timing.EXPIRED
        if when > self.not_after:
            return Timing.EXPIRED_GRACE
        if when > self.not_after - RENEWAL_WINDOW:
            return Timing.EXPIRING
        return Timing.VALID
