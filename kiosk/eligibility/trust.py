"""Trusted JPKI CAs for real cards: the root certificates a facility configures
(``[eligibility] trusted_ca_files``, PEM or DER files) beside the simulated CA.

:class:`TrustedCas` says whether a user-authentication certificate was issued by one of them
(the issuer's name matches and its signature verifies) and whether it is valid at a time.
Revocation of real certificates is the real service's business: no CRL is fetched here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.eligibility.errors import EligibilityError

if TYPE_CHECKING:
    from cryptography import x509

PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"


class TrustError(EligibilityError):
    """A trusted CA file cannot be used (missing, unreadable, not a certificate)."""


class TrustedCas:
    """CA certificates trusted for real cards."""

    def __init__(self, certificates: Sequence[x509.Certificate] = ()) -> None:
        self.certificates = tuple(certificates)

    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> TrustedCas:
        """Every certificate in ``paths`` (PEM, several per file allowed, or DER);
        :class:`TrustError` names the file and the reason in one line."""
        from cryptography import x509  # cryptography loads only when real CAs are configured

        found: list[x509.Certificate] = []
        for name in paths:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise TrustError(f"trusted CA file {path}: cannot be read ({reason})") from None
            try:
                if PEM_BEGIN in data:
                    found.extend(x509.load_pem_x509_certificates(data))
                else:
                    found.append(x509.load_der_x509_certificate(data))
            except ValueError:
                raise TrustError(
                    f"trusted CA file {path}: not an X.509 certificate (PEM or DER)"
                ) from None
        return cls(found)

    def __bool__(self) -> bool:
        return bool(self.certificates)

    def issuer_of(self, cert_der: bytes) -> x509.Certificate | None:
        """The trusted CA that signed ``cert_der``, None when none did (or it is garbage)."""
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

        try:
            cert = x509.load_der_x509_certificate(bytes(cert_der))
        except (ValueError, TypeError):
            return None
        for ca in self.certificates:
            if ca.subject != cert.issuer:
                continue
            try:
                cert.verify_directly_issued_by(ca)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            return ca
        return None

    def status(self, cert_der: bytes, at: datetime) -> str:
        """``valid`` / ``expired`` / ``not_yet_valid`` for a certificate of a trusted CA,
        ``unknown_ca`` for anything else (naive ``at`` is taken as UTC)."""
        from cryptography import x509

        if self.issuer_of(cert_der) is None:
            return "unknown_ca"
        cert = x509.load_der_x509_certificate(bytes(cert_der))
        when = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        if when < cert.not_valid_before_utc:
            return "not_yet_valid"
        if when > cert.not_valid_after_utc:
            return "expired"
        return "valid"
