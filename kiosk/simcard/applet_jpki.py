"""JPKI-AP (公的個人認証): certificates, token info, the two keys and the two PINs.

| EF | content | access |
| --- | --- | --- |
| 000A | auth certificate (DER) | free |
| 000B | auth CA certificate | free |
| 0001 | sign certificate | sign password (absent on a face-only card) |
| 0002 | sign CA certificate | free |
| 0006 | token info, 160 bytes: ``JPKIAPICCTOKEN2`` space-padded | free |
| 0017 | auth key, used by ``80 2A`` | auth PIN |
| 001A | sign key, used by ``80 2A`` | sign password (absent on a face-only card) |
| 0018 | auth PIN (4 digits) | VERIFY, CHANGE ``00 24`` |
| 001B | sign password (6-16 of A-Z 0-9) | VERIFY, CHANGE ``00 24`` |

A card without JPKI (``CardState.has_jpki`` false) has no such applet.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from kiosk.card.apdu import INS_CHANGE_REFERENCE_DATA
from kiosk.card.applets import Applet, JpkiFile
from kiosk.simcard.files import AppletFiles, BinaryFile, CardContext, KeyFile, PinFile, fixed
from kiosk.vocabulary import PinKind

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

TOKEN_LABEL = b"JPKIAPICCTOKEN2"
TOKEN_INFO_SIZE = 160
TOKEN_INFO = TOKEN_LABEL.ljust(TOKEN_INFO_SIZE, b" ")
"""EF 0006 of a physical card: the label, space-padded to 160 bytes."""

PKCS1_MIN_PADDING = 11
"""PKCS#1 v1.5 type 1 needs 00 01, at least 8 bytes of FF, and 00 around the DigestInfo."""


def build(ctx: CardContext) -> AppletFiles | None:
    """The JPKI applet of this card, or None when the card has none."""
    state = ctx.state
    if not state.has_jpki:
        return None
    files = AppletFiles(Applet.JPKI)
    files.add(BinaryFile(JpkiFile.TOKEN_INFO, fixed(TOKEN_INFO)))
    files.add(PinFile(JpkiFile.AUTH_PIN, PinKind.AUTH, INS_CHANGE_REFERENCE_DATA))
    files.add(PinFile(JpkiFile.SIGN_PIN, PinKind.SIGN, INS_CHANGE_REFERENCE_DATA))
    if state.auth_cert is not None:
        files.add(BinaryFile(JpkiFile.AUTH_CERT, fixed(state.auth_cert)))
    if state.auth_ca_cert is not None:
        files.add(BinaryFile(JpkiFile.AUTH_CA_CERT, fixed(state.auth_ca_cert)))
    if state.sign_ca_cert is not None:
        files.add(BinaryFile(JpkiFile.SIGN_CA_CERT, fixed(state.sign_ca_cert)))
    if state.auth_key is not None:
        files.add(KeyFile(JpkiFile.AUTH_KEY, fixed(state.auth_key), PinKind.AUTH))
    if not state.face_only:
        if state.sign_cert is not None:
            sign_only = frozenset({PinKind.SIGN})
            files.add(BinaryFile(JpkiFile.SIGN_CERT, fixed(state.sign_cert), sign_only))
        if state.sign_key is not None:
            files.add(KeyFile(JpkiFile.SIGN_KEY, fixed(state.sign_key), PinKind.SIGN))
    return files


@functools.lru_cache(maxsize=16)
def _private_key(der: bytes) -> RSAPrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, RSAPrivateKey):
        raise TypeError("the card key is not an RSA key")
    return key


def _digest_prefixes() -> dict[bytes, str]:
    """DER DigestInfo prefixes (RFC 8017 §9.2 note 1) -> hash name."""
    return {
        bytes.fromhex("3021300906052B0E03021A05000414"): "sha1",
        bytes.fromhex("302D300D06096086480165030402040500041C"): "sha224",
        bytes.fromhex("3031300D060960864801650304020105000420"): "sha256",
        bytes.fromhex("3041300D060960864801650304020205000430"): "sha384",
        bytes.fromhex("3051300D060960864801650304020305000440"): "sha512",
    }


def signature_size(key_der: bytes) -> int:
    """The modulus size of the key in bytes (256 for RSA-2048)."""
    return (_private_key(key_der).key_size + 7) // 8


def sign_digest_info(key_der: bytes, digest_info: bytes) -> bytes:
    """PKCS#1 v1.5 signature (type 1 padding + RSA private operation) over ``digest_info``.

    The host builds the DigestInfo, as with a real JPKI card. A DigestInfo of a known hash goes
    through OpenSSL (Prehashed); anything else (e.g. a TLS MD5+SHA-1 blob) is padded here and
    raised to the private exponent with the CRT. Raises ValueError when it is too long.
    """
    key = _private_key(key_der)
    size = (key.key_size + 7) // 8
    if not digest_info or len(digest_info) > size - PKCS1_MIN_PADDING:
        raise ValueError("DigestInfo too long for the key")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils

    algorithms: dict[str, hashes.HashAlgorithm] = {
        "sha1": hashes.SHA1(),  # noqa: S303 - the host chose the hash; the card only pads
        "sha224": hashes.SHA224(),
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }
    for prefix, name in _digest_prefixes().items():
        algorithm = algorithms[name]
        if (
            digest_info.startswith(prefix)
            and len(digest_info) == len(prefix) + algorithm.digest_size
        ):
            try:
                return key.sign(
                    digest_info[len(prefix) :], padding.PKCS1v15(), utils.Prehashed(algorithm)
                )
            except Exception:
                break
    return _raw_pkcs1_sign(key, digest_info, size)


def _raw_pkcs1_sign(key: RSAPrivateKey, digest_info: bytes, size: int) -> bytes:
    numbers = key.private_numbers()
    encoded = b"\x00\x01" + b"\xff" * (size - 3 - len(digest_info)) + b"\x00" + digest_info
    m = int.from_bytes(encoded, "big")
    m1 = pow(m, numbers.dmp1, numbers.p)
    m2 = pow(m, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (m1 - m2)) % numbers.p
    return (m2 + h * numbers.q).to_bytes(size, "big")
