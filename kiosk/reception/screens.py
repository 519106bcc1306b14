"""What each state shows: the Japanese text of SCREENS.md with the kiosk's English, the
buttons (each the event it sends, enabled or not with the rule's reason) and details."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.reception.ports import CAMERA_UNAVAILABLE, PHOTO_UNUSABLE
from kiosk.reception.states import ConsentItem, ErrorCode, State

if TYPE_CHECKING:
    from kiosk.reception.flow import Reception


@dataclass(frozen=True)
class Option:
    """A button: the event it sends, its labels, and why it is disabled."""

    event: str
    ja: str
    en: str
    enabled: bool = True
    reason_ja: str = ""
    reason_en: str = ""


@dataclass(frozen=True)
class Screen:
    id: str
    ja: str
    en: str
    options: tuple[Option, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


TEXTS: dict[State, tuple[str, str]] = {
    State.START: (
        "マイナンバーカードを置いてください。顔写真を上にして置いてください。",
        "Please place your My Number card, photo side up.",
    ),
    State.READING: (
        "カードを読み取っています。カードを動かさないでください。",
        "Reading your card. Please do not move it.",
    ),
    State.EXPIRY_ALERT: (
        "電子証明書の有効期限が近づいています（期限：{date_ja}）。"
        "お住まいの市区町村で更新してください。",
        "Your certificate expires on {date_en}; please renew it at your municipal office.",
    ),
    State.REGISTER: (
        "健康保険証として利用するための登録がされていません。登録しますか？",
        "This card is not yet registered as a health-insurance card. Register now?",
    ),
    State.METHOD: ("本人確認の方法を選んでください", "Choose how to confirm your identity"),
    State.FACE: (
        "カメラに顔を向けてください。マスクや帽子は外してください。",
        "Look at the camera; remove mask and hat.",
    ),
    State.FACE_FAILED: ("顔認証できませんでした。", "Face not recognised."),
    State.PIN: ("暗証番号（数字4桁）を入力してください", "Enter your 4-digit PIN"),
    State.PIN_CHECK: ("暗証番号を確認しています。", "Checking your PIN."),
    State.PIN_LOCKED: (
        "暗証番号がロックされました（利用者証明用）。顔認証または職員による確認で受付できます。"
        "ロックの解除はお住まいの市区町村の窓口で行えます。",
        "Your PIN (user-authentication certificate) is now locked. You can check in by face or "
        "with a staff member. It can be unlocked at your municipal office.",
    ),
    State.STAFF_WAIT: (
        "職員が確認します。そのままお待ちください。",
        "A staff member will check your identity. Please wait.",
    ),
    State.QUALIFYING: ("資格情報を確認しています。", "Checking your insurance."),
    State.HIGH_COST: (
        "高額療養費制度を利用しますか？",
        "Use the high-cost medical expense system?",
    ),
    State.LIMIT_CONSENT: ("限度額情報を提供しますか？", "Share your limit information?"),
    State.SPECIFIC_DISEASE: (
        "特定疾病の情報を提供しますか？",
        "Share your specified-disease information?",
    ),
    State.PRESCRIPTION: (
        "処方箋の受け取り方法を選んでください",
        "How would you like your prescription?",
    ),
    State.FINISHING: ("受付しています。", "Checking you in."),
    State.DONE: (
        "受付が完了しました。カードをお取りください。",
        "Check-in complete. Please take your card.",
    ),
    State.CANCELLED: (
        "受付を中止しました。カードをお取りください。",
        "Check-in cancelled. Please take your card.",
    ),
    State.IDLE_WARNING: (
        "操作がないため、まもなく最初の画面に戻ります。",
        "No activity; returning to the start soon.",
    ),
}

ERRORS: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.NOT_RECOGNISED: (
        "【001】マイナンバーカードを認識できません。置き直してください。",
        "001 Card not recognised; please place it again.",
    ),
    ErrorCode.NOT_MY_NUMBER_CARD: (
        "【002】マイナンバーカード以外のカードです。",
        "002 This is not a My Number card.",
    ),
    ErrorCode.CERTIFICATE_INVALID: (
        "【006】利用者証明用電子証明書が失効しているか有効期限が切れています。"
        "受付窓口にお声がけください。",
        "006 Your certificate is revoked or expired; please see the reception desk.",
    ),
    ErrorCode.SYSTEM: (
        "受付できませんでした。受付窓口にお声がけください。",
        "Check-in failed; please see the reception desk.",
    ),
}

CONSENT_TEXTS: dict[ConsentItem, tuple[str, str, str, str]] = {
    ConsentItem.MEDICATION: ("薬剤情報", "medication", "過去のお薬の情報", "past medication"),
    ConsentItem.CHECKUPS: ("特定健診情報", "health check-up", "特定健診の結果", "check-up results"),
    ConsentItem.TREATMENT: ("診療情報", "treatment", "過去の診療の情報", "past treatment"),
    ConsentItem.SURGERY: ("手術情報", "surgery", "過去の手術の情報", "past surgery"),
}

UNLOCK_WHERE = (
    "お住まいの市区町村の窓口（暗証番号の再設定）、またはコンビニのマルチコピー機"
    "（JPKI暗証番号リセットアプリで予約、署名用パスワードが分かる場合）",
    "your municipal office (PIN reset), or a convenience-store multi-copy machine after booking in "
    "the JPKI PIN-reset app, if you know your signature password",
)
FACE_ONLY_REASON = (
    "顔認証マイナンバーカードは暗証番号を使えません。",
    "A face-only card has no usable PIN.",
)
LOCKED_REASON = (
    "利用者証明用の暗証番号はロックされています。",
    "The user-authentication PIN is locked.",
)


def build_screen(flow: Reception) -> Screen:
    """The screen for the flow's current state."""
    state = State(flow.state)
    details: dict[str, Any] = {"staff_mode": "visual" if flow.staff_visual else "unattended"}
    options: list[Option] = []
    if state == State.CARD_ERROR:
        code = flow.error_code or ErrorCode.NOT_RECOGNISED
        ja, en = ERRORS[code]
        details["error_code"] = code.value
        return Screen(state.value, ja, en, (), details)
    ja, en = TEXTS.get(state, ("", ""))
    if state == State.EXPIRY_ALERT and flow.cert is not None:
        day = flow.cert.not_after.date()
        ja = ja.format(date_ja=f"{day.year}年{day.month}月{day.day}日")
        en = en.format(date_en=day.isoformat())
        details["expiry_date"] = day.isoformat()
        options.append(Option("next", "次へ", "Next"))
    elif state == State.REGISTER:
        options += [
            Option("register", "登録する", "Register"),
            Option("register", "登録しない", "Not now"),
        ]
    elif state in (State.METHOD, State.FACE_FAILED, State.PIN_LOCKED, State.PIN):
        options += _identity_options(flow, state, details)
        if state == State.FACE_FAILED:
            ja, en = _face_failed_text(flow, details)
    elif state == State.FACE:
        _identity_options(flow, state, details)  # details only: the face screen has no choice
    elif state == State.CONSENT:
        item = flow.policy.consent_items[flow.consent_index]
        name_ja, name_en, what_ja, what_en = CONSENT_TEXTS[item]
        details["consent_name_ja"], details["consent_name_en"] = name_ja, name_en
        ja = f"〔{name_ja}〕{what_ja}を当院に提供することに同意しますか？"
        en = f"Do you agree to share your {what_en} information with this facility?"
        details |= {
            "consent_item": item.value,
            "item_index": flow.consent_index,
            "item_count": len(flow.policy.consent_items),
            "valid_hours": 24,
        }
        options += [
            Option("consent", "同意する", "Agree"),
            Option("consent", "同意しない", "Do not agree"),
        ]
    elif state == State.HIGH_COST:
        options += [
            Option("high_cost", "利用する", "Use"),
            Option("high_cost", "利用しない", "Do not use"),
        ]
    elif state in (State.LIMIT_CONSENT, State.SPECIFIC_DISEASE):
        event = "limit_info" if state == State.LIMIT_CONSENT else "disease_info"
        options += [Option(event, "提供する", "Share"), Option(event, "提供しない", "Do not share")]
    elif state == State.PRESCRIPTION:
        options += [
            Option("prescription", "電子処方箋", "Electronic"),
            Option("prescription", "紙の処方箋", "Paper"),
        ]
    elif state == State.IDLE_WARNING:
        details["idle_seconds_left"] = round(flow.idle_seconds_left())
        options.append(Option("continue_", "続ける", "Continue"))
    elif state == State.DONE and flow.qualification is not None:
        details["qualification_validity"] = flow.qualification.validity
        if not flow.qualification.valid:
            ja += "資格情報を確認できませんでした。受付窓口にお声がけください。"
            en += " Your insurance could not be confirmed; please see the reception desk."
    if state not in (State.START, State.DONE, State.CANCELLED, *_NO_CANCEL):
        options.append(Option("cancel", "やめる", "Cancel"))
    return Screen(state.value, ja, en, tuple(options), details)


_NO_CANCEL = (State.READING, State.PIN_CHECK, State.QUALIFYING, State.FINISHING)

FACE_FAILED_WHY: dict[str, tuple[str, str]] = {
    CAMERA_UNAVAILABLE: ("カメラを使用できません。", "The camera is not available."),
    PHOTO_UNUSABLE: (
        "カードの顔写真を読み取れませんでした。",
        "The photo on your card could not be read.",
    ),
}
OTHER_WAYS = {
    True: (
        "暗証番号または職員による確認で受付できます。",
        "You can check in with your PIN or with a staff member.",
    ),
    False: ("職員による確認で受付できます。", "A staff member can check your identity."),
}


def _face_failed_text(flow: Reception, details: dict[str, Any]) -> tuple[str, str]:
    """「顔認証できませんでした。」 with why (camera gone, photo unreadable) and the other ways."""
    ja, en = TEXTS[State.FACE_FAILED]
    reason = flow.face_reason
    details["face_reason"] = reason
    if reason in FACE_FAILED_WHY:
        why_ja, why_en = FACE_FAILED_WHY[reason]
        ways_ja, ways_en = OTHER_WAYS[flow.pin_usable()]
        ja, en = f"{ja}{why_ja}{ways_ja}", f"{en} {why_en} {ways_en}"
    return ja, en


def _identity_options(flow: Reception, state: State, details: dict[str, Any]) -> list[Option]:
    face_only = flow.card_is_face_only()
    locked = flow.auth_pin_locked()
    details |= {
        "face_only": face_only,
        "can_use_pin": flow.pin_usable(),
        "pin_tries_left": flow.auth_tries_left,
        "face_tries_left": max(0, flow.policy.face_attempts - flow.face_failures),
    }
    if locked:
        details["locked_pin"] = "auth"
        details["unlock_where_ja"], details["unlock_where_en"] = UNLOCK_WHERE
    options: list[Option] = []
    if state == State.FACE_FAILED:
        options.append(
            Option("retry_face", "もう一度", "Try again", flow.face_tries_left(), "", "")
        )
    if state in (State.METHOD, State.PIN_LOCKED, State.PIN):
        options.append(Option("choose_face", "顔認証", "Face"))
    if state in (State.METHOD, State.FACE_FAILED) and not face_only:
        reason = LOCKED_REASON if locked else ("", "")
        options.append(Option("choose_pin", "暗証番号", "PIN", not locked, *reason))
    options.append(Option("call_staff", "職員を呼ぶ", "Call staff"))
    return options
