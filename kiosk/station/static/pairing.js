// Pairing kiosks at the desk, and the requests kiosks refused (forged, replayed, misdirected).
// It hears the desk's state from station.js ("station-state") and posts with the CSRF token.
"use strict";
(function () {
  const { boot, $, say, el } = window.Desk;
  let notes = {}; // kiosk id -> the last answer, in words
  let last = { kiosks: [], refused: [] };

  async function post(kiosk, body) {
    const response = await fetch("/api/kiosks/" + encodeURIComponent(kiosk) + "/pair", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": boot.csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (response.status === 401) location.href = "/login?expired=idle";
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    const words = { paired: "pair.done", wrong_code: "pair.wrong", no_request: "pair.none" };
    notes[kiosk] = words[data.result] ? say(words[data.result], { kiosk }) : "";
    render(last);
  }

  function render(state) {
    last = state;
    const box = $("pairing");
    box.replaceChildren();
    const waiting = (state.kiosks || []).filter((k) => !k.paired || notes[k.kiosk_id]);
    if (waiting.length) box.append(el("h2", { text: say("pair.title") }));
    for (const k of waiting) {
      const id = k.kiosk_id;
      const card = el("div", { class: "pairing-card", id: "pair-" + id },
        el("h3", {}, document.createTextNode(id + " "), k.paired ? null : el("span", { class: "unpaired", text: say("pair.unpaired") })));
      if (!k.paired && k.pairing === "asked") {
        card.append(el("p", { text: say("pair.asked", { kiosk: id }) }),
          el("button", { id: "pair-start-" + id, onclick: () => post(id, {}), text: say("pair.start") }));
      } else if (!k.paired && k.pairing === "code") {
        const input = el("input", { id: "pair-code-" + id, inputmode: "numeric", autocomplete: "off", maxlength: "7" });
        card.append(el("label", {}, document.createTextNode(say("pair.code", { kiosk: id })), input),
          el("button", { id: "pair-confirm-" + id, onclick: () => post(id, { code: input.value }), text: say("pair.confirm") }));
      }
      if (notes[id]) card.append(el("p", { class: "message", id: "pair-message-" + id, text: notes[id] }));
      box.append(card);
    }
    for (const k of state.kiosks || []) {
      const shown = document.querySelector("#kiosk-" + CSS.escape(k.kiosk_id) + " h3");
      if (shown && !k.paired) shown.append(el("span", { class: "unpaired", text: " " + say("pair.unpaired") }));
    }
    const refused = state.refused || [];
    const forged = (state.kiosks || []).filter((k) => k.status_signed === false).map((k) => k.kiosk_id);
    const alarm = $("refused");
    alarm.hidden = refused.length === 0 && forged.length === 0;
    alarm.replaceChildren(
      refused.length ? el("p", { id: "refused-requests", text: say("pair.refused") + ": " + refused.map((r) => r.kiosk_id + " (" + say("pair.kind." + r.kind) + ", " + say("pair.why." + r.why) + ")").join(", ") }) : "",
      forged.length ? el("p", { id: "forged-statuses", text: say("pair.forged_status") + ": " + forged.join(", ") }) : "");
  }

  document.addEventListener("station-state", (event) => render(event.detail));
})();
