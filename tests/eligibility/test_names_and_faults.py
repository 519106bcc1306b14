"""The service carries names only in its character set (● for the rest), fails as it is told
(timeout, refused, the terminal's authentication, an error answer), and answers as it is
told (valid, 資格無効, 該当資格なし, ● names) without a new card file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers.issued import World, issued_world
from kiosk.config import NAME_CHARSETS, Settings, SettingsError
from kiosk.eligibility import QualificationValidity, ServiceUnavailableError
from kiosk.eligibility.charset import NameCharset, as_carried, as_carried_kana
from kiosk.eligibility.service import ServiceAnswer, SimulatedEligibilityService
from kiosk.vocabulary import EligibilityFault

PROFILES = ("standard", "maru-kanji", "maru-taka", "maru-variant", "maru-kana", "no-qualification")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return issued_world(tmp_path_factory.mktemp("ca-home"), PROFILES)


def service(world: World, tmp_path: Path, **kw: object) -> SimulatedEligibilityService:
    return SimulatedEligibilityService(world[0], home=tmp_path, **kw)  # type: ignore[arg-type]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.mark.parametrize(
    ("charset", "text", "sent"),
    [
        ("jisx0208", "𠮷田　髙橋", "●田　●橋"),  # 𠮷 in no Shift_JIS; 髙 an IBM extension
        ("cp932", "𠮷田　髙橋", "●田　髙橋"),
        ("jisx0213", "ヷ", "ヷ"),
        ("jisx0208", "ヷ", "●"),
        ("jisx0208", "渡邉\U000e0103　恵", "渡●　恵"),  # a character with its selector: one ●
        ("jisx0208", "渡邉　恵", "渡邉　恵"),  # 邉 itself is JIS X 0208
        ("unicode", "𠮷田\U000e0103", "𠮷田\U000e0103"),
    ],
)
def test_the_character_set_decides_what_arrives_as_maru(charset: str, text: str, sent: str) -> None:
    assert as_carried(text, charset) == sent


def test_the_kana_field_carries_only_half_width_kana() -> None:
    assert as_carried_kana("ﾐﾎﾝ ヱﾐ") == "ﾐﾎﾝ ●ﾐ"
    assert as_carried_kana("ﾖｼﾀﾞ ﾊﾅｺ") == "ﾖｼﾀﾞ ﾊﾅｺ"
    assert as_carried_kana("ﾐﾎﾝ ヱﾐ", NameCharset.UNICODE) == "ﾐﾎﾝ ヱﾐ"


def test_the_settings_know_every_character_set() -> None:
    assert tuple(c.value for c in NameCharset) == NAME_CHARSETS
    with pytest.raises(SettingsError, match="name_charset"):
        Settings().with_overrides({"eligibility_name_charset": "ebcdic"})
    with pytest.raises(SettingsError, match="eligibility_fault"):
        Settings().with_overrides({"eligibility_fault": "slow"})
    with pytest.raises(SettingsError, match="result_encoding"):
        Settings().with_overrides({"result_encoding": "latin-1"})


@pytest.mark.parametrize(
    ("profile", "charset", "name", "kana", "insured"),
    [
        ("maru-kanji", "jisx0208", "●田　花子", "ﾖｼﾀﾞ ﾊﾅｺ", "●田　花子"),
        ("maru-taka", "jisx0208", "●橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", "●橋　一郎"),
        ("maru-taka", "cp932", "髙橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", "髙橋　一郎"),
        ("maru-variant", "jisx0208", "渡●　恵", "ﾜﾀﾅﾍﾞ ﾒｸﾞﾐ", "渡●　恵"),
        ("maru-kana", "jisx0208", "見本　ゑみ", "ﾐﾎﾝ ●ﾐ", "見本　ゑみ"),
        ("maru-kanji", "unicode", "𠮷田　花子", "ﾖｼﾀﾞ ﾊﾅｺ", "𠮷田　花子"),
    ],
)
def test_the_answer_carries_the_names_as_the_service_sends_them(
    world: World, tmp_path: Path, profile: str, charset: str, name: str, kana: str, insured: str
) -> None:
    result = service(world, tmp_path, name_charset=charset).confirm(world[1][profile], at=now())
    assert result.is_valid and result.person is not None and result.insurance is not None
    assert (result.person.name, result.person.name_kana) == (name, kana)
    assert result.insurance.insured_name == insured


@pytest.mark.parametrize("fault", list(EligibilityFault))
def test_a_set_fault_fails_every_check_until_it_is_cleared(
    world: World, tmp_path: Path, fault: EligibilityFault
) -> None:
    cert = world[1]["standard"]
    svc = service(world, tmp_path)
    svc.set_fault(fault.value)
    assert svc.fault is fault
    for _ in range(2):
        with pytest.raises(ServiceUnavailableError) as failed:
            svc.confirm(cert, at=now())
        assert failed.value.fault is fault and failed.value.error_code.startswith("SIM-")
    assert svc.is_registered(cert)  # the card-read look-up is not the check
    svc.set_fault("none")
    assert svc.confirm(cert, at=now()).is_valid


def test_the_settings_set_a_standing_fault(world: World, tmp_path: Path) -> None:
    settings = Settings().with_overrides({"eligibility_fault": "terminal_auth"})
    svc = SimulatedEligibilityService.from_settings(settings, ca=world[0], home=tmp_path)
    with pytest.raises(ServiceUnavailableError) as failed:
        svc.confirm(world[1]["standard"], at=now())
    assert failed.value.fault is EligibilityFault.TERMINAL_AUTH
    with pytest.raises(ValueError, match="choose from none, timeout"):
        svc.set_fault("slow")


@pytest.mark.parametrize(
    ("answer", "validity", "name"),
    [
        (ServiceAnswer.VALID, QualificationValidity.VALID, "見本　太郎"),  # the card's own
        (ServiceAnswer.INVALID, QualificationValidity.INVALID, "見本　太郎"),
        (ServiceAnswer.MARU_KANJI, QualificationValidity.VALID, "●田　花子"),
        (ServiceAnswer.MARU_KANA, QualificationValidity.VALID, "見本　ゑみ"),
    ],
)
def test_a_set_answer_replaces_what_the_deck_says(
    world: World,
    tmp_path: Path,
    answer: ServiceAnswer,
    validity: QualificationValidity,
    name: str,
) -> None:
    cert = world[1]["standard"]
    svc = service(world, tmp_path)
    svc.set_answer(answer.value)
    result = svc.confirm(cert, at=now())
    assert result.validity == validity and result.insurance is not None
    assert result.person is not None and result.person.name == name
    nothing = svc.confirm(world[1]["no-qualification"], at=now())
    if answer is ServiceAnswer.VALID:  # a card without insurance gets the standard one
        assert nothing.is_valid
    svc.set_answer(ServiceAnswer.NO_QUALIFICATION)
    none = svc.confirm(cert, at=now())
    assert none.validity == QualificationValidity.NO_QUALIFICATION and none.insurance is None
    svc.set_answer(None)
    assert svc.confirm(cert, at=now()).person.name == "見本　太郎"  # type: ignore[union-attr]
