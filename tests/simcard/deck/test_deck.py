"""assets/deck.toml: complete, fictional, consistent profiles; the loader's checks."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kiosk.simcard.deck import (
    DeckError,
    UnknownProfileError,
    add_months,
    get_profile,
    half_width_kana,
    insurer_check_digit,
    load_deck,
    nth_birthday_after,
    profile_names,
    resolve_date,
)
from kiosk.simcard.people import load_people

HALF_WIDTH_KANA = re.compile(r"[\uff66-\uff9f ]+")


def test_profiles_are_complete_people() -> None:
    deck = load_deck()
    assert profile_names() == list(deck)
    people = load_people()
    names = set()
    for profile in deck.values():
        family, given = profile.holder_name.split("\u3000")
        assert family and given
        assert profile.person in people, f"{profile.name}: no photo for {profile.person}"
        assert re.fullmatch(r"[\u30a0-\u30ff]+\u3000[\u30a0-\u30ff]+", profile.kana)
        assert "見本区" in profile.address  # invented town
        assert profile.description
        names.add(profile.holder_name)
    assert len(names) == len(deck)  # every profile is its own person


def test_insurance_tables_have_the_result_shape() -> None:
    for profile in load_deck().values():
        insurance = profile.insurance
        assert insurance is not None, profile.name
        fields = insurance.fields
        assert fields["Name"] == profile.holder_name
        # a kana with no half-width form stays as it is (the service sends ●: maru-kana)
        kana = re.sub("[ヰヱヵヶヮ]", "ｱ", fields["NameKana"])
        assert HALF_WIDTH_KANA.fullmatch(kana), fields["NameKana"]
        assert fields["Birthdate"] == profile.birth_date.strftime("%Y%m%d")
        assert re.fullmatch(r"\d{3}-\d{4}", fields["PostNumber"])
        if not insurance.has_qualification:
            assert "InsurerNumber" not in fields
            continue
        number = fields["InsurerNumber"]
        assert len(number) in (6, 8)
        assert insurer_check_digit(number[:-1]) == int(number[-1])
        assert fields["InsuredPartialContributionRatio"] in ("010", "020", "030")
        assert all(value for value in fields.values())  # no empty elements


def test_eligibility_profiles() -> None:
    deck = load_deck()
    assert deck["standard"].insurance and deck["standard"].insurance.validity_name == "有効"
    invalid = deck["qualification-invalid"].insurance
    assert invalid and invalid.validity == "2" and invalid.validity_name == "無効"
    assert invalid.fields["InsuredCardExpirationDate"] < "20261123"
    none = deck["no-qualification"].insurance
    assert none and none.validity == "4" and none.validity_name == "該当資格なし"
    elderly = deck["elderly"].insurance
    assert elderly and elderly.elderly
    assert elderly.elderly["ElderlyRecipientContributionRatio"] == "020"
    assert len(elderly.fields["InsurerNumber"]) == 6  # 国保
    high = deck["high-cost"].insurance
    assert high and high.limit and high.specific_diseases
    assert high.limit["LimitApplicationCertificateClassification"] == "01"
    assert high.limit["LimitApplicationCertificateClassificationFlag"] == "A03"


def test_half_width_kana() -> None:
    assert half_width_kana("ミホン　タロウ") == "ﾐﾎﾝ ﾀﾛｳ"
    assert half_width_kana("コウガク　ハチロウ") == "ｺｳｶﾞｸ ﾊﾁﾛｳ"
    assert half_width_kana("パーティー　ヴォ") == "ﾊﾟｰﾃｨｰ ｳﾞｫ"


def test_insurer_check_digit() -> None:
    assert insurer_check_digit("0113001") == 2  # 01130012, a published example
    assert insurer_check_digit("13999") == 8


def test_unknown_profile_lists_the_choices() -> None:
    with pytest.raises(UnknownProfileError, match="standard"):
        get_profile("nobody")


def test_dates() -> None:
    today = date(2026, 11, 30)
    birth = date(1980, 2, 29)
    assert resolve_date("+45d", today, birth=birth) == date(2027, 1, 14)
    assert resolve_date("-3m", today, birth=birth) == date(2026, 8, 30)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert resolve_date("-2y", today, birth=birth) == date(2024, 11, 30)
    assert nth_birthday_after(birth, date(2024, 11, 30), 5) == date(2029, 2, 28)
    assert resolve_date("10th-birthday", today, issued=date(2024, 2, 29), birth=birth) == date(
        2034, 2, 28
    )
    assert resolve_date(date(2030, 1, 1), today, birth=birth) == date(2030, 1, 1)
    with pytest.raises(DeckError):
        resolve_date("soon", today, birth=birth)


def _deck(tmp_path: Path, extra: str) -> Path:
    base = (Path(__file__).parents[3] / "assets" / "deck.toml").read_text(encoding="utf-8")
    path = tmp_path / "deck.toml"
    path.write_text(base + "\n" + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[profiles.bad]\nbase = "standard"\nsecurity_code = "12"\n', "security_code"),
        ('[profiles.bad]\nbase = "missing"\n', "does not exist"),
        ('[profiles.bad]\nbase = "bad"\n', "circle"),
        ('[profiles.bad]\nbase = "standard"\nholder_name = "見本 太郎"\n', "U+3000"),
        ('[profiles.bad]\nbase = "standard"\n[profiles.bad.tries_left]\nauth = 4\n', "0..3"),
        (
            '[profiles.bad]\nbase = "standard"\n[profiles.bad.insurance]\n'
            'InsurerNumber = "06139991"\n',
            "check digit",
        ),
        ('[profiles.bad]\nbase = "standard"\ncert_expiry = "later"\n', "bad date"),
        ('[profiles.bad]\nperson = "x"\n', "missing"),
    ],
)
def test_bad_profiles_are_reported(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(DeckError, match=re.escape(message)) as caught:
        load_deck(_deck(tmp_path, extra))
    assert "'bad'" in str(caught.value)


def test_bad_pin_in_deck_is_reported_without_its_value(tmp_path: Path) -> None:
    extra = '[profiles.bad]\nbase = "standard"\n[profiles.bad.pins]\nsign = "lower99x"\n'
    with pytest.raises(DeckError) as caught:
        load_deck(_deck(tmp_path, extra))
    assert "lower99x" not in str(caught.value)
    assert "sign" in str(caught.value)


def test_missing_or_broken_deck(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="no card deck"):
        load_deck(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[profiles\n", encoding="utf-8")
    with pytest.raises(DeckError, match="cannot be read"):
        load_deck(broken)
