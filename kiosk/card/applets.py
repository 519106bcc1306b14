"""Application identifiers and file identifiers of the My Number card (docs/card-protocol.md)."""

from __future__ import annotations

from enum import Enum


class Applet(Enum):
    """The five applets the kiosk knows, by AID."""

    JPKI = bytes.fromhex("D392F000260100000001")  # 公的個人認証AP
    KENHOJO = bytes.fromhex("D3921000310001010408")  # 券面事項入力補助AP
    KENKAKU = bytes.fromhex("D3921000310001010402")  # 券面事項確認AP (券面AP)
    JUKI = bytes.fromhex("D3921000310001010401")  # 住基AP
    KYOTSU = bytes.fromhex("D3921000310001010100")  # 共通AP

    @property
    def aid(self) -> bytes:
        return self.value


class JpkiFile:
    """EFs of the JPKI applet."""

    SIGN_CERT = 0x0001
    SIGN_CA_CERT = 0x0002
    TOKEN_INFO = 0x0006
    AUTH_CERT = 0x000A
    AUTH_CA_CERT = 0x000B
    AUTH_KEY = 0x0017
    AUTH_PIN = 0x0018
    SIGN_KEY = 0x001A
    SIGN_PIN = 0x001B


class KenhojoFile:
    """EFs of 券面事項入力補助AP."""

    INDIVIDUAL_NUMBER = 0x0001
    BASIC_INFO = 0x0002
    PIN = 0x0011
    VERIFY_A = 0x0014  # 照合番号A (the individual number)
    VERIFY_B = 0x0015  # 照合番号B


class KenkakuFile:
    """EFs of 券面事項確認AP."""

    CARD_FACE = 0x0002
    VERIFY_B = 0x0012  # 照合番号B
    VERIFY_A = 0x0013  # 照合番号A


class JukiFile:
    """EFs of 住基AP and 共通AP (the same id in both)."""

    PIN = 0x001C


ATR = bytes.fromhex("3BE000FF8131FE4514")
"""The ATR OpenSC's JPKI driver matches directly."""
