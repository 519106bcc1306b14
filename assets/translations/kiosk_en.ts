<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="ja_JP">
  <context>
    <name>kiosk</name>
    <message>
      <source>やめる</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>操作パネル（シミュレーター）</source>
      <translation>Operator panel (simulator)</translation>
    </message>
    <message>
      <source>カード</source>
      <translation>Card</translation>
    </message>
    <message>
      <source>カードを置く</source>
      <translation>Place card</translation>
    </message>
    <message>
      <source>カードを取る</source>
      <translation>Remove card</translation>
    </message>
    <message>
      <source>カメラ</source>
      <translation>Camera</translation>
    </message>
    <message>
      <source>切り替える</source>
      <translation>Switch</translation>
    </message>
    <message>
      <source>暗証番号の残り回数</source>
      <translation>PIN tries left</translation>
    </message>
    <message>
      <source>APDUトレース（暗証番号は伏せ字）</source>
      <translation>APDU trace (PINs redacted)</translation>
    </message>
    <message>
      <source>暗証番号</source>
      <translation>PIN</translation>
    </message>
    <message>
      <source>残り / 上限</source>
      <translation>Left / limit</translation>
    </message>
    <message>
      <source>ロック中</source>
      <translation>LOCKED</translation>
    </message>
    <message>
      <source>受付を中止しました。</source>
      <translation>Check-in cancelled.</translation>
    </message>
    <message>
      <source>カードをお取りください。</source>
      <translation>Please take your card.</translation>
    </message>
    <message>
      <source>カードを読み取れませんでした。</source>
      <translation>The card could not be read.</translation>
    </message>
    <message>
      <source>受付窓口にお声がけください。</source>
      <translation>Please see the reception desk.</translation>
    </message>
    <message>
      <source>マイナンバーカードを認識できません。</source>
      <translation>Card not recognised.</translation>
    </message>
    <message>
      <source>置き直してください。</source>
      <translation>Please place it again.</translation>
    </message>
    <message>
      <source>マイナンバーカード以外のカードです。</source>
      <translation>This is not a My Number card.</translation>
    </message>
    <message>
      <source>マイナンバーカードを置いてください。</source>
      <translation>Please place your My Number card.</translation>
    </message>
    <message>
      <source>利用者証明用電子証明書が失効しているか有効期限が切れています。</source>
      <translation>Your user-authentication certificate has been revoked or has expired.</translation>
    </message>
    <message>
      <source>受付できませんでした。</source>
      <translation>Check-in failed.</translation>
    </message>
    <message>
      <source>この情報を当院に提供することに同意しますか？</source>
      <translation>Do you agree to share this information with this facility?</translation>
    </message>
    <message>
      <source>〔薬剤情報〕</source>
      <translation>[Medication]</translation>
    </message>
    <message>
      <source>過去のお薬の情報を当院に提供することに同意しますか？</source>
      <translation>Do you agree to share your past medication information with this facility?</translation>
    </message>
    <message>
      <source>〔特定健診情報〕</source>
      <translation>[Health check-ups]</translation>
    </message>
    <message>
      <source>過去の特定健診の結果を当院に提供することに同意しますか？</source>
      <translation>Do you agree to share your past health check-up results with this facility?</translation>
    </message>
    <message>
      <source>〔診療情報〕</source>
      <translation>[Treatment]</translation>
    </message>
    <message>
      <source>過去の診療の情報を当院に提供することに同意しますか？</source>
      <translation>Do you agree to share your past treatment information with this facility?</translation>
    </message>
    <message>
      <source>〔手術情報〕</source>
      <translation>[Surgery]</translation>
    </message>
    <message>
      <source>過去の手術の情報を当院に提供することに同意しますか？</source>
      <translation>Do you agree to share your past surgery information with this facility?</translation>
    </message>
    <message>
      <source>同意すると、医師・薬剤師が24時間この情報を見ることができます。</source>
      <translation>If you agree, doctors and pharmacists here can see this information for 24 hours.</translation>
    </message>
    <message>
      <source>同意する</source>
      <translation>Agree</translation>
    </message>
    <message>
      <source>同意しない</source>
      <translation>Do not agree</translation>
    </message>
    <message>
      <source>{index} / {total} 項目</source>
      <translation>Item {index} of {total}</translation>
    </message>
    <message>
      <source>受付が完了しました。</source>
      <translation>Check-in complete.</translation>
    </message>
    <message>
      <source>資格情報を確認できませんでした。受付窓口にお声がけください。</source>
      <translation>Your insurance could not be confirmed. Please see the reception desk.</translation>
    </message>
    <message>
      <source>お住まいの市区町村で更新してください。</source>
      <translation>Please renew it at your municipal office.</translation>
    </message>
    <message>
      <source>次へ</source>
      <translation>Next</translation>
    </message>
    <message>
      <source>電子証明書の有効期限が切れています。</source>
      <translation>Your electronic certificate has expired.</translation>
    </message>
    <message>
      <source>電子証明書の有効期限が近づいています。</source>
      <translation>Your electronic certificate expires soon.</translation>
    </message>
    <message>
      <source>期限：{year}年{month}月{day}日</source>
      <translation>Expiry date: {year}-{month}-{day}</translation>
    </message>
    <message>
      <source>カメラに顔を向けてください。</source>
      <translation>Please look at the camera.</translation>
    </message>
    <message>
      <source>顔が見つかりません。カメラに顔を向けてください。</source>
      <translation>No face found. Please look at the camera.</translation>
    </message>
    <message>
      <source>一人で写ってください。</source>
      <translation>Only one person in front of the camera, please.</translation>
    </message>
    <message>
      <source>もう少し近づいてください。</source>
      <translation>Please come a little closer.</translation>
    </message>
    <message>
      <source>もう少し離れてください。</source>
      <translation>Please move back a little.</translation>
    </message>
    <message>
      <source>枠の中に顔を入れてください。</source>
      <translation>Please bring your face inside the outline.</translation>
    </message>
    <message>
      <source>明るい場所で顔を向けてください。</source>
      <translation>Please face the camera in better light.</translation>
    </message>
    <message>
      <source>まぶしすぎます。光を避けてください。</source>
      <translation>Too bright. Please avoid direct light.</translation>
    </message>
    <message>
      <source>目を開けてください。</source>
      <translation>Please open your eyes.</translation>
    </message>
    <message>
      <source>マスクや帽子を外してください。</source>
      <translation>Please remove your mask and hat.</translation>
    </message>
    <message>
      <source>まばたきしてください。</source>
      <translation>Please blink.</translation>
    </message>
    <message>
      <source>そのまま動かないでください。</source>
      <translation>Please hold still.</translation>
    </message>
    <message>
      <source>確認できました。</source>
      <translation>Confirmed.</translation>
    </message>
    <message>
      <source>顔認証できませんでした。</source>
      <translation>Face not recognised.</translation>
    </message>
    <message>
      <source>マスクや帽子は外してください。</source>
      <translation>Please remove any mask or hat.</translation>
    </message>
    <message>
      <source>カメラを使用できません。</source>
      <translation>The camera is not available. </translation>
    </message>
    <message>
      <source>もう一度</source>
      <translation>Try again</translation>
    </message>
    <message>
      <source>暗証番号で確認</source>
      <translation>Use PIN</translation>
    </message>
    <message>
      <source>職員を呼ぶ</source>
      <translation>Call staff</translation>
    </message>
    <message>
      <source>カードの顔写真を読み取れませんでした。</source>
      <translation>The photo on your card could not be read. </translation>
    </message>
    <message>
      <source>方法を選んでください。</source>
      <translation>Please choose what to do.</translation>
    </message>
    <message>
      <source>限度額情報を提供しますか？</source>
      <translation>Share your limit information?</translation>
    </message>
    <message>
      <source>窓口での支払いが自己負担限度額までになります。</source>
      <translation>You then pay at the counter only up to your limit.</translation>
    </message>
    <message>
      <source>提供する</source>
      <translation>Share</translation>
    </message>
    <message>
      <source>提供しない</source>
      <translation>Do not share</translation>
    </message>
    <message>
      <source>特定疾病の情報を提供しますか？</source>
      <translation>Share your specified-disease information?</translation>
    </message>
    <message>
      <source>特定疾病療養受療証の情報を当院に提供します。</source>
      <translation>Your specified-disease certificate data will be shared with this facility.</translation>
    </message>
    <message>
      <source>高額療養費制度を利用しますか？</source>
      <translation>Use the high-cost medical expense system?</translation>
    </message>
    <message>
      <source>医療費が高額になったとき、支払いを限度額までにする制度です。</source>
      <translation>When medical costs are high, you pay only up to a monthly limit.</translation>
    </message>
    <message>
      <source>利用する</source>
      <translation>Use it</translation>
    </message>
    <message>
      <source>利用しない</source>
      <translation>Do not use</translation>
    </message>
    <message>
      <source>操作がないため、まもなく最初の画面に戻ります。</source>
      <translation>No activity; returning to the start soon.</translation>
    </message>
    <message>
      <source>続ける</source>
      <translation>Continue</translation>
    </message>
    <message>
      <source>あと {n} 秒</source>
      <translation>{n} seconds left</translation>
    </message>
    <message>
      <source>本人確認の方法を選んでください</source>
      <translation>Choose how to confirm your identity</translation>
    </message>
    <message>
      <source>顔認証</source>
      <translation>Face</translation>
    </message>
    <message>
      <source>暗証番号（利用者証明用）はロックされているため使えません。ロックの解除はお住まいの市区町村の窓口で行えます。</source>
      <translation>Your PIN (user authentication) is locked and cannot be used. It can be unlocked at your municipal office.</translation>
    </message>
    <message>
      <source>暗証番号（数字4桁）を入力してください</source>
      <translation>Enter your 4-digit PIN</translation>
    </message>
    <message>
      <source>訂正</source>
      <translation>Clear</translation>
    </message>
    <message>
      <source>確定</source>
      <translation>OK</translation>
    </message>
    <message>
      <source>残り {n} 回</source>
      <translation>Tries left: {n}</translation>
    </message>
    <message>
      <source>暗証番号が違います。あと{n}回間違えるとロックされます。</source>
      <translation>Wrong PIN. {n} more wrong entries will lock it.</translation>
    </message>
    <message>
      <source>暗証番号がロックされました（利用者証明用）。</source>
      <translation>Your PIN (user authentication) is now locked.</translation>
    </message>
    <message>
      <source>顔認証または職員による確認で受付できます。</source>
      <translation>You can still check in with face recognition or a staff check.</translation>
    </message>
    <message>
      <source>ロックの解除はお住まいの市区町村の窓口で行えます。</source>
      <translation>It can be unlocked at your municipal office.</translation>
    </message>
    <message>
      <source>処方箋の受け取り方法を選んでください</source>
      <translation>How would you like your prescription?</translation>
    </message>
    <message>
      <source>電子処方箋</source>
      <translation>Electronic</translation>
    </message>
    <message>
      <source>紙の処方箋</source>
      <translation>Paper</translation>
    </message>
    <message>
      <source>カードを読み取っています。</source>
      <translation>Reading your card.</translation>
    </message>
    <message>
      <source>カードを動かさないでください。</source>
      <translation>Please do not move it.</translation>
    </message>
    <message>
      <source>健康保険証として利用するための登録がされていません。</source>
      <translation>This card is not yet registered as a health-insurance card.</translation>
    </message>
    <message>
      <source>登録しますか？</source>
      <translation>Register now?</translation>
    </message>
    <message>
      <source>登録する</source>
      <translation>Register</translation>
    </message>
    <message>
      <source>登録しない</source>
      <translation>Do not register</translation>
    </message>
    <message>
      <source>職員が確認します。</source>
      <translation>A staff member will check your identity.</translation>
    </message>
    <message>
      <source>そのままお待ちください。</source>
      <translation>Please wait a moment.</translation>
    </message>
    <message>
      <source>顔写真を上にして置いてください。</source>
      <translation>Photo side up, please.</translation>
    </message>
    <message>
      <source>職員用画面</source>
      <translation>Staff console</translation>
    </message>
    <message>
      <source>職員パスワードを入力してください</source>
      <translation>Enter the staff password</translation>
    </message>
    <message>
      <source>ログイン</source>
      <translation>Log in</translation>
    </message>
    <message>
      <source>無人</source>
      <translation>Unattended</translation>
    </message>
    <message>
      <source>目視確認</source>
      <translation>Visual check</translation>
    </message>
    <message>
      <source>ログアウト</source>
      <translation>Log out</translation>
    </message>
    <message>
      <source>カードの顔写真</source>
      <translation>Photo on the card chip</translation>
    </message>
    <message>
      <source>カメラの映像</source>
      <translation>Live camera</translation>
    </message>
    <message>
      <source>本人確認OK</source>
      <translation>Identity confirmed</translation>
    </message>
    <message>
      <source>確認できない</source>
      <translation>Cannot confirm</translation>
    </message>
    <message>
      <source>暗証番号の状態</source>
      <translation>PIN status</translation>
    </message>
    <message>
      <source>本日の受付</source>
      <translation>Today's check-ins</translation>
    </message>
    <message>
      <source>施設の設定</source>
      <translation>Facility settings</translation>
    </message>
    <message>
      <source>カードから読み直す（回数は減りません）</source>
      <translation>Read again from the card (no try is spent)</translation>
    </message>
    <message>
      <source>キオスクを終了</source>
      <translation>Exit kiosk</translation>
    </message>
    <message>
      <source>パスワードが違うか、設定されていません。</source>
      <translation>Wrong password, or none is set.</translation>
    </message>
    <message>
      <source>写真なし</source>
      <translation>No photo</translation>
    </message>
    <message>
      <source>現在のモード：目視確認</source>
      <translation>Mode: visual check</translation>
    </message>
    <message>
      <source>現在のモード：無人</source>
      <translation>Mode: unattended</translation>
    </message>
    <message>
      <source>患者さんが待っています。目視確認に切り替えてください。</source>
      <translation>A patient is waiting. Switch to visual check.</translation>
    </message>
    <message>
      <source>ロックの解除場所</source>
      <translation>Where it is unlocked</translation>
    </message>
    <message>
      <source>時刻</source>
      <translation>Time</translation>
    </message>
    <message>
      <source>種類</source>
      <translation>Kind</translation>
    </message>
    <message>
      <source>本人確認</source>
      <translation>Identity</translation>
    </message>
    <message>
      <source>同意</source>
      <translation>Consents</translation>
    </message>
    <message>
      <source>患者さんが待っています。写真と本人を見比べてください。</source>
      <translation>A patient is waiting. Compare the photo with the person.</translation>
    </message>
    <message>
      <source>確認を待っている患者さんはいません。</source>
      <translation>Nobody is waiting for a check.</translation>
    </message>
  </context>
</TS>
