"""The station's words in Japanese and English: each member of staff chooses their own
language, whatever language the patient at a kiosk chose."""

from __future__ import annotations

LANGUAGES = ("ja", "en")

WORDS: dict[str, dict[str, str]] = {
    "title": {"ja": "受付スタッフ画面", "en": "Reception staff station"},
    "login.title": {"ja": "職員ログイン", "en": "Staff sign-in"},
    "login.staff_id": {"ja": "職員ID", "en": "Staff ID"},
    "login.password": {"ja": "パスワード", "en": "Password"},
    "login.submit": {"ja": "ログイン", "en": "Sign in"},
    "login.wrong": {
        "ja": "職員IDまたはパスワードが違います。",
        "en": "Wrong staff ID or password.",
    },
    "login.locked": {
        "ja": "ログインの失敗が続いたため、一時的にロックしています。"
        "{minutes}分後にもう一度お試しください。",
        "en": "Too many failed sign-ins: locked for now. Try again in {minutes} min.",
    },
    "login.forged": {
        "ja": "フォームの有効期限が切れました。もう一度入力してください。",
        "en": "The form expired. Please enter it again.",
    },
    "login.expired": {
        "ja": "一定時間操作がなかったため、ログアウトしました。",
        "en": "You were signed out after a time without activity.",
    },
    "login.elsewhere": {
        "ja": "同じ職員IDで別の場所からログインしたため、ログアウトしました。",
        "en": "You were signed out: the same staff ID signed in elsewhere.",
    },
    "login.db": {
        "ja": "記録データベースに接続できません。システム管理者に連絡してください。",
        "en": "The records database cannot be reached. Call the system administrator.",
    },
    "logout": {"ja": "ログアウト", "en": "Sign out"},
    "db.down": {
        "ja": "記録データベースに接続できません。呼び出しが届かない可能性があります。",
        "en": "The records database cannot be reached: calls may not arrive.",
    },
    "tab.calls": {"ja": "呼び出し", "en": "Calls"},
    "tab.kiosks": {"ja": "キオスク", "en": "Kiosks"},
    "tab.pins": {"ja": "暗証番号の状態", "en": "PINs"},
    "tab.today": {"ja": "本日の受付", "en": "Today"},
    "tab.settings": {"ja": "施設の設定", "en": "Settings"},
    "calls.none": {"ja": "呼び出しはありません。", "en": "No calls."},
    "call.status.open": {"ja": "対応待ち", "en": "Waiting"},
    "call.status.answered": {"ja": "対応済み", "en": "Answered"},
    "call.status.ended": {"ja": "終了", "en": "Ended"},
    "call.status.disconnected": {"ja": "切断", "en": "Disconnected"},
    "reason.patient_call": {
        "ja": "患者さんが「職員を呼ぶ」を押しました",
        "en": "The patient pressed Call staff",
    },
    "reason.pin_locked": {
        "ja": "暗証番号（利用者証明用）がロックされています",
        "en": "The user-authentication PIN is locked",
    },
    "reason.face_failed": {
        "ja": "顔認証が規定の回数失敗しました",
        "en": "Face authentication failed to the limit",
    },
    "reason.card_left": {
        "ja": "受付は終わりましたが、カードが置かれたままです",
        "en": "The reception is over but the card is still on the reader",
    },
    "reason.help": {
        "ja": "患者さんが終了画面で「職員を呼ぶ」を押しました",
        "en": "The patient pressed Call staff on an end screen",
    },
    "reason.face_only": {
        "ja": "顔認証マイナンバーカード（暗証番号なし）で顔認証できません",
        "en": "Face-only card and face authentication failed",
    },
    "view.photo": {"ja": "カードの顔写真", "en": "Card photo"},
    "view.live": {"ja": "カメラの映像", "en": "Live camera"},
    "view.no_photo": {"ja": "写真なし", "en": "No photo"},
    "view.no_live": {"ja": "映像なし", "en": "No image"},
    "view.name": {"ja": "氏名", "en": "Name"},
    "view.kana": {"ja": "フリガナ", "en": "Kana"},
    "view.kana_none": {"ja": "（カードに記録なし）", "en": "(not on the card)"},
    "view.birth": {"ja": "生年月日", "en": "Date of birth"},
    "view.age": {"ja": "{age}歳", "en": "age {age}"},
    "view.reason": {"ja": "呼び出しの理由", "en": "Reason"},
    "view.ok": {"ja": "本人確認OK", "en": "Identity confirmed"},
    "view.ng": {"ja": "確認できない", "en": "Cannot confirm"},
    "view.pick": {"ja": "呼び出しを選んでください。", "en": "Choose a call."},
    "view.not_waiting": {
        "ja": "患者さんはまだ目視確認を待っていません。",
        "en": "The patient is not waiting for visual confirmation yet.",
    },
    "view.answered": {
        "ja": "{staff} が対応しました（{decision}）。",
        "en": "{staff} answered ({decision}).",
    },
    "view.taken": {
        "ja": "{staff} が先に対応しました。",
        "en": "{staff} answered this call first.",
    },
    "view.gone": {
        "ja": "この呼び出しは終了しました。",
        "en": "This call is over.",
    },
    "decision.ok": {"ja": "本人確認OK", "en": "confirmed"},
    "decision.refused": {"ja": "確認できない", "en": "not confirmed"},
    "kiosk.mode.unattended": {"ja": "無人", "en": "Unattended"},
    "kiosk.mode.visual": {"ja": "目視確認", "en": "Visual check"},
    "kiosk.hold": {"ja": "目視確認のまま保持", "en": "Keep in visual check"},
    "kiosk.left_visual": {
        "ja": "目視確認のままです。次の患者さんが顔認証を使えるよう、無人に戻してください。",
        "en": "Left in visual check: switch it back to unattended for the next patient's face.",
    },
    "kiosk.disconnected": {"ja": "切断", "en": "Disconnected"},
    "kiosk.none": {"ja": "接続しているキオスクはありません。", "en": "No kiosk has reported."},
    "kiosk.unreachable": {
        "ja": "キオスクから記録に書き込めません",
        "en": "Kiosk cannot write records",
    },
    "pins.refresh": {
        "ja": "カードから読み直す（回数は減りません）",
        "en": "Read again (no try is spent)",
    },
    "pins.none": {"ja": "カードが置かれていません。", "en": "No card on this kiosk."},
    "pins.name": {"ja": "暗証番号", "en": "PIN"},
    "pins.left": {"ja": "残り / 上限", "en": "Tries left / limit"},
    "pins.where": {"ja": "ロックの解除場所", "en": "Where it is unlocked"},
    "pins.locked": {"ja": "ロック中", "en": "locked"},
    "today.time": {"ja": "時刻", "en": "Time"},
    "today.kiosk": {"ja": "キオスク", "en": "Kiosk"},
    "today.outcome": {"ja": "結果", "en": "Outcome"},
    "today.identity": {"ja": "本人確認", "en": "Identity"},
    "today.consents": {"ja": "同意", "en": "Consents"},
    "today.all": {"ja": "すべてのキオスク", "en": "All kiosks"},
    "today.prev": {"ja": "前へ", "en": "Previous"},
    "today.next": {"ja": "次へ", "en": "Next"},
    "today.page": {
        "ja": "{page} / {pages} ページ（{count}件）",
        "en": "Page {page} of {pages} ({count})",
    },
    "today.none": {"ja": "本日の受付はまだありません。", "en": "No receptions today yet."},
    "outcome.completed": {"ja": "受付完了", "en": "Completed"},
    "outcome.cancelled": {"ja": "中止", "en": "Cancelled"},
    "outcome.card_removed": {"ja": "途中でカードが取られました", "en": "Card taken away"},
    "outcome.timed_out": {"ja": "操作がなく終了", "en": "Timed out"},
    "outcome.card_error": {
        "ja": "カードを読み取れません（{code}）",
        "en": "Card unreadable ({code})",
    },
    "outcome.certificate_rejected": {
        "ja": "電子証明書が無効です（006）",
        "en": "Certificate invalid (006)",
    },
    "outcome.not_eligible": {"ja": "資格が確認できません", "en": "Not eligible"},
    "outcome.service_error": {"ja": "システムエラー", "en": "System error"},
    "identity.face": {"ja": "顔認証", "en": "Face"},
    "identity.pin": {"ja": "暗証番号", "en": "PIN"},
    "identity.visual": {"ja": "目視確認（{staff}）", "en": "Visual check ({staff})"},
    "consent.medication": {"ja": "薬剤情報", "en": "Medication"},
    "consent.checkups": {"ja": "特定健診情報", "en": "Health check-ups"},
    "consent.treatment": {"ja": "診療情報", "en": "Treatment"},
    "consent.surgery": {"ja": "手術情報", "en": "Surgery"},
    "consent.none": {"ja": "なし", "en": "none"},
    "state.start": {"ja": "待機中", "en": "Idle"},
    "state.reading": {"ja": "カード読み取り中", "en": "Reading the card"},
    "state.card-error": {"ja": "エラー表示中", "en": "Showing an error"},
    "state.expiry-alert": {"ja": "証明書の期限のお知らせ", "en": "Certificate expiry notice"},
    "state.register": {"ja": "利用登録", "en": "Registration"},
    "state.method": {"ja": "本人確認方法の選択", "en": "Choosing how to confirm"},
    "state.face": {"ja": "顔認証中", "en": "Face authentication"},
    "state.face-failed": {"ja": "顔認証できませんでした", "en": "Face failed"},
    "state.pin": {"ja": "暗証番号の入力", "en": "Entering the PIN"},
    "state.pin-check": {"ja": "暗証番号の確認中", "en": "Checking the PIN"},
    "state.pin-locked": {"ja": "暗証番号ロック", "en": "PIN locked"},
    "state.staff-wait": {"ja": "目視確認待ち", "en": "Waiting for visual check"},
    "state.qualifying": {"ja": "資格確認中", "en": "Checking eligibility"},
    "state.consent-item": {"ja": "同意の確認", "en": "Consent"},
    "state.high-cost": {"ja": "高額療養費", "en": "High-cost care"},
    "state.limit-consent": {"ja": "限度額情報", "en": "Limit information"},
    "state.specific-disease": {"ja": "特定疾病情報", "en": "Specific disease"},
    "state.prescription": {"ja": "処方箋の受け取り方法", "en": "Prescription form"},
    "state.finishing": {"ja": "記録中", "en": "Recording"},
    "state.done": {"ja": "受付完了", "en": "Done"},
    "state.cancelled": {"ja": "中止", "en": "Cancelled"},
    "state.idle-warning": {"ja": "無操作の警告", "en": "Idle warning"},
    "settings.name": {"ja": "項目", "en": "Setting"},
    "settings.value": {"ja": "値", "en": "Value"},
    "sound.enable": {"ja": "音を鳴らす", "en": "Enable sound"},
    "badge.calls": {"ja": "対応待ち {count}件", "en": "{count} waiting"},
}


def word(key: str, language: str, **values: object) -> str:
    """``key`` in ``language`` (Japanese when the language or the key is unknown)."""
    entry = WORDS.get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry["ja"]
    return text.format(**values) if values else text


def catalogue(language: str) -> dict[str, str]:
    """Every word in ``language`` (for the page's script)."""
    return {key: word(key, language) for key in WORDS}


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else "ja"
