"""The simulated JPKI certification authorities: one for user authentication (利用者証明用),
one for digital signature (署名用), their revocation lists and an issuance ledger.

The CAs have the real shape (RSA-2048, X.509 v3, sha256WithRSAEncryption, the JPKI issuer
layout) but say ``O=JPKI-SIM`` and "Simulated": nothing real is embedded. Their keys and
certificates ship in ``assets/ca/`` (generated once by :func:`generate_ca_material`) so card
files move between machines; when that folder is missing they are generated into
``kiosk_home()/ca/`` instead. The mutable part lives in ``kiosk_home()/ca/``
(:mod:`kiosk.simcard.ledger`): the issuance ledger, ``revoked.json`` and the DER CRLs
``auth.crl`` / ``sign.crl``.

Checking a certificate costs no file read while nothing changed: a CRL is parsed once and
parsed again only when its file changes (another inode, size, mtime or ctime), the ledger
likewise, and a certificate's signature is checked once per certificate and CA.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.paths import assets_dir, kiosk_home
from kiosk.simcard.ledger import (
    CaError,
    CaState,
    CertificateKind,
    LedgerEntry,
    file_stamp,
    os_reason,
    read_with_stamp,
    write_atomic,
)

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

RSA_BITS = 2048
CA_NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
CA_NOT_AFTER = datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC)
CRL_LIFETIME = timedelta(days=1)
CRL_URL = "http://crl.jpki-sim.invalid/{municipality}/{kind}.crl"
"""Where a card's CRL would be fetched: per municipality, under a reserved (.invalid) name."""

ORG = "JPKI-SIM"
AGENCY_OU = "Japan Agency for Local Authority Information Systems (Simulated)"


CA_OU = {
    CertificateKind.AUTH: "JPKI for user authentication",
    CertificateKind.SIGN: "JPKI for digital signature",
}


class CertificateStatus(StrEnum):
    """What a relying party concludes about a certificate at a given time."""

    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    UNKNOWN_CA = "unknown_ca"  # not signed by the simulated CA, or not a certificate at all


@dataclass(frozen=True)
class _Crl:
    """A CRL file as last read: its stamp, bytes, revoked serials and next update."""

    stamp: tuple[int, ...]
    der: bytes
    revoked: frozenset[int]
    next_update: datetime | None


@dataclass(frozen=True)
class _Issued:
    """What a certificate's check keeps once its signature is known to be the CA's."""

    serial: int
    not_before: datetime
    not_after: datetime


_CRLS: dict[str, _Crl] = {}  # CRL path -> the CRL as last read
_CACHE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=256)
def _issued_by(ca: _Authority, cert_der: bytes) -> _Issued | None:
    """``cert_der`` parsed, if ``ca`` signed it (None: not a certificate, or not ``ca``'s)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    try:
        cert = x509.load_der_x509_certificate(cert_der)
        cert.verify_directly_issued_by(ca.cert)
    except (ValueError, TypeError, InvalidSignature):
        return None
    return _Issued(cert.serial_number, cert.not_valid_before_utc, cert.not_valid_after_utc)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _ca_name(kind: CertificateKind) -> x509.Name:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, CA_OU[kind]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, AGENCY_OU),
        ]
    )


def generate_ca_material(folder: Path) -> None:
    """Create both CAs' keys (PKCS#8 PEM) and self-signed certificates (PEM) in ``folder``.

    Slow (two RSA-2048 keys); run once. Existing files are never overwritten.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder.mkdir(parents=True, exist_ok=True)
    for kind in CertificateKind:
        key_path, cert_path = folder / f"{kind}-ca-key.pem", folder / f"{kind}-ca.pem"
        if key_path.exists() or cert_path.exists():
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        name = _ca_name(kind)
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(CA_NOT_BEFORE)
            .not_valid_after(CA_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(cert_sign=True), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_atomic(key_path, key_pem)
        write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM))


def _key_usage(
    *, cert_sign: bool = False, digital_signature: bool = False, non_repudiation: bool = False
) -> x509.KeyUsage:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


class _Authority:
    """One CA: its key and certificate."""

    def __init__(self, kind: CertificateKind, key: RSAPrivateKey, cert: x509.Certificate) -> None:
        self.kind = kind
        self.key = key
        self.cert = cert

    @classmethod
    def load(cls, kind: CertificateKind, folder: Path) -> _Authority:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

        key_path, cert_path = folder / f"{kind}-ca-key.pem", folder / f"{kind}-ca.pem"
        try:
            key = serialization.load_pem_private_key(
                key_path.read_bytes(),
                password=None,
                unsafe_skip_rsa_key_validation=True,  # our own key; checked against the cert
            )
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        except (OSError, ValueError) as exc:
            raise CaError(
                f"the simulated {kind} CA in {folder} cannot be read ({type(exc).__name__}); "
                "restore assets/ca/ from the repository"
            ) from exc
        if not isinstance(key, RSAPrivateKey) or key.public_key() != cert.public_key():
            raise CaError(f"the simulated {kind} CA key in {folder} does not match its certificate")
        return cls(kind, key, cert)


@functools.lru_cache(maxsize=4)
def _load_authorities(folder: str, _stamp: tuple[int, ...]) -> dict[CertificateKind, _Authority]:
    """Both CAs of a material folder, loaded once per version of the files."""
    return {kind: _Authority.load(kind, Path(folder)) for kind in CertificateKind}


class CertificateAuthority:
    """Both simulated JPKI CAs with their ledger and revocation state."""

    def __init__(self, authorities: dict[CertificateKind, _Authority], state_dir: Path) -> None:
        self._ca = authorities
        self.state_dir = state_dir
        self.state = CaState(state_dir)

    @classmethod
    def load(cls, home: Path | None = None) -> CertificateAuthority:
        """The CAs from ``assets/ca/`` (or generated into ``<home>/ca/``) with the state in
        ``<home>/ca/`` (``home`` defaults to :func:`kiosk_home`)."""
        state_dir = (home if home is not None else kiosk_home()) / "ca"
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CaError(
                f"the simulated CA's state folder {state_dir} cannot be made ({os_reason(exc)})"
            ) from None
        material = assets_dir() / "ca"
        if not (material / "auth-ca.pem").exists():
            material = state_dir
            generate_ca_material(material)
        stamp = tuple(
            (material / f"{kind}-ca-key.pem").stat().st_mtime_ns for kind in CertificateKind
        )
        return cls(_load_authorities(str(material), stamp), state_dir)

    # -- certificates -------------------------------------------------------------------

    def ca_cert(self, kind: CertificateKind | str) -> bytes:
        """The CA certificate of ``kind`` (DER)."""
        from cryptography.hazmat.primitives import serialization

        return self._ca[CertificateKind(kind)].cert.public_bytes(serialization.Encoding.DER)

    @property
    def auth_ca_cert(self) -> bytes:
        return self.ca_cert(CertificateKind.AUTH)

    @property
    def sign_ca_cert(self) -> bytes:
        return self.ca_cert(CertificateKind.SIGN)

    def issue_certificate(
        self,
        kind: CertificateKind | str,
        public_key: RSAPublicKey,
        *,
        not_before: datetime,
        not_after: datetime,
        municipality: str,
        profile: str,
        person: str,
        card_serial: str,
    ) -> bytes:
        """Issue an end-entity certificate (DER) for ``public_key`` and record it in the ledger.

        Subject ``C=JP, CN=<certificate serial in hex>``; auth: KeyUsage digitalSignature
        (critical) + EKU clientAuth; sign: KeyUsage digitalSignature + nonRepudiation.
        Both carry the municipality's CRL distribution point.
        """
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        kind = CertificateKind(kind)
        ca = self._ca[kind]
        serial = x509.random_serial_number()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{serial:X}"),
            ]
        )
        url = CRL_URL.format(municipality=municipality, kind=kind)
        crl_dp = x509.CRLDistributionPoints(
            [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca.cert.subject)
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(_utc(not_before))
            .not_valid_after(_utc(not_after))
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(crl_dp, critical=False)
        )
        if kind is CertificateKind.AUTH:
            builder = builder.add_extension(
                _key_usage(digital_signature=True), critical=True
            ).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
            )
        else:
            builder = builder.add_extension(
                _key_usage(digital_signature=True, non_repudiation=True), critical=True
            )
        cert = builder.sign(ca.key, hashes.SHA256())
        self.record(LedgerEntry(serial, kind, profile, person, card_serial, _utc(not_after)))
        return cert.public_bytes(serialization.Encoding.DER)

    # -- ledger -------------------------------------------------------------------------

    def record(self, entry: LedgerEntry) -> None:
        """Write ``entry`` into the issuance ledger (replacing one with the same serial)."""
        self.state.record(entry)

    def issued(self, cert_der: bytes, kind: CertificateKind | str) -> bool:
        """True when ``cert_der`` is signed by the ``kind`` CA (whatever its dates)."""
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature

        try:
            cert = x509.load_der_x509_certificate(bytes(cert_der))
            cert.verify_directly_issued_by(self._ca[CertificateKind(kind)].cert)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return True

    def ledger_entry(self, cert_serial: int) -> LedgerEntry | None:
        return self.state.entry(cert_serial)

    def profile_of(self, cert_serial: int) -> str | None:
        """The deck profile a certificate was issued for, or None if the CA never issued it."""
        entry = self.ledger_entry(cert_serial)
        return entry.profile if entry else None

    # -- revocation ---------------------------------------------------------------------

    def revoked_serials(self, kind: CertificateKind | str | None = None) -> set[int]:
        """Serials on the CRLs (of one CA, or both)."""
        revoked = self.state.read_json("revoked.json")
        return {
            int(serial)
            for serial, info in revoked.items()
            if serial.isdigit()
            and (kind is None or (isinstance(info, dict) and info.get("kind") == str(kind)))
        }

    def is_revoked(self, serial: int) -> bool:
        return serial in self.revoked_serials()

    def revoke(self, serial: int, kind: CertificateKind | str | None = None) -> None:
        """Put ``serial`` on its CA's CRL (kind from the ledger when not given) and rewrite the
        CRL files. Revoking twice is harmless."""
        if kind is None:
            entry = self.ledger_entry(serial)
            if entry is None:
                raise CaError(f"certificate {serial:X} was not issued by the simulated CA")
            kind = entry.kind
        kind = CertificateKind(kind)
        with self.state.locked():
            revoked = self.state.read_json("revoked.json")
            if str(serial) not in revoked:
                revoked[str(serial)] = {
                    "kind": str(kind),
                    "revoked_at": datetime.now(UTC).isoformat(),
                }
                self.state.write_json("revoked.json", revoked)
            self._write_crl(kind, revoked)

    def crl_der(self, kind: CertificateKind | str = CertificateKind.AUTH) -> bytes:
        """The current CRL of the ``kind`` CA (DER, signed by that CA); re-issued when the
        file is missing, unreadable or past its nextUpdate."""
        return self._crl(CertificateKind(kind)).der

    def _crl(self, kind: CertificateKind) -> _Crl:
        """The CRL of ``kind``, read again only when its file changed (or it is out of date)."""
        path = self.state.path(f"{kind}.crl")
        key = str(path)
        cached = _CRLS.get(key)
        if cached is not None and cached.stamp == file_stamp(path) and _current(cached):
            return cached
        with self.state.locked():
            crl = self._read_crl(path)
            if crl is None or not _current(crl):
                self._write_crl(kind, self.state.read_json("revoked.json"))
                crl = self._read_crl(path)
                if crl is None:
                    raise CaError(f"the simulated CA cannot read the CRL it wrote at {path}")
        with _CACHE_LOCK:
            _CRLS[key] = crl
        return crl

    @staticmethod
    def _read_crl(path: Path) -> _Crl | None:
        from cryptography import x509

        try:
            stamp, der = read_with_stamp(path)
            crl = x509.load_der_x509_crl(der)
        except (OSError, ValueError):
            return None
        revoked = frozenset(entry.serial_number for entry in crl)
        return _Crl(stamp, der, revoked, crl.next_update_utc)

    def _write_crl(self, kind: CertificateKind, revoked: dict[str, Any]) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization

        ca = self._ca[kind]
        now = datetime.now(UTC).replace(microsecond=0)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca.cert.subject)
            .last_update(now)
            .next_update(now + CRL_LIFETIME)
        )
        for serial, info in sorted(revoked.items()):
            if not isinstance(info, dict) or info.get("kind") != str(kind):
                continue
            try:
                when = datetime.fromisoformat(info["revoked_at"]).replace(microsecond=0)
                number = int(serial)
            except (KeyError, TypeError, ValueError):
                raise CaError(
                    f"the simulated CA's revoked.json in {self.state_dir} has a bad entry; "
                    "fix or remove it"
                ) from None
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(number).revocation_date(when).build()
            )
        crl = builder.sign(ca.key, hashes.SHA256())
        self.state.write_file(f"{kind}.crl", crl.public_bytes(serialization.Encoding.DER))

    # -- verification -------------------------------------------------------------------

    def verify_certificate(
        self, cert_der: bytes, at: datetime, kind: CertificateKind | str = CertificateKind.AUTH
    ) -> CertificateStatus:
        """Check ``cert_der`` against the ``kind`` CA: signature, CRL, then validity at ``at``
        (naive datetimes are taken as UTC). Garbage is UNKNOWN_CA, never an exception."""
        kind = CertificateKind(kind)
        issued = _issued_by(self._ca[kind], bytes(cert_der))
        if issued is None:
            return CertificateStatus.UNKNOWN_CA
        if issued.serial in self._crl(kind).revoked:
            return CertificateStatus.REVOKED
        when = _utc(at)
        if when < issued.not_before:
            return CertificateStatus.NOT_YET_VALID
        if when > issued.not_after:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    def verify_auth_certificate(self, cert_der: bytes, at: datetime) -> CertificateStatus:
        return self.verify_certificate(cert_der, at, CertificateKind.AUTH)


def _current(crl: _Crl) -> bool:
    return crl.next_update is None or crl.next_update > datetime.now(UTC)


def verify_auth_certificate(
    cert_der: bytes, at: datetime, *, ca: CertificateAuthority | None = None
) -> CertificateStatus:
    """Verify a user-authentication certificate against the simulated auth CA and its CRL."""
    return (ca or CertificateAuthority.load()).verify_auth_certificate(cert_der, at)
