// The staff station's desk page: live calls, the 目視確認 view, kiosks, PINs, today, settings.
// Everything arrives over one WebSocket; actions are POSTs carrying the session's CSRF token.
"use strict";
(function () {
  const { boot, W, $, say, el } = window.Desk;

  let state = { calls: [], kiosks: [], db_ok: true, records_seq: 0 };
  let selected = null; // call id
  let watching = null; // kiosk id
  let media = { kiosk_id: null, photo: null, frame: null, holder: null, reception_id: null };
  let known = new Set();
  let socket = null;
  let lastActive = 0;
  let audio = null;
  let muted = false; // staff turned the sound off
  let locked = false; // the session ended idle: patient data hidden, the bell still rings
  let bell = null; // the locked page's socket (open calls only)
  let bellCalls = [];
  let refusing = null; // the call whose 確認できない waits for its second click
  let todayPage = 1, todayKiosk = "", todaySeq = null;
  let message = "";
  window.stationAlerts = 0;
  window.stationAlertTimes = {}; // call id -> when this page alerted (for the benchmark)
  window.stationSound = "off"; // "on", "off" (staff turned it off) or "blocked" (needs a touch)

  // -- tabs ----------------------------------------------------------------------------------
  function show(tab) {
    for (const page of document.querySelectorAll(".page")) page.hidden = page.id !== "page-" + tab;
    for (const button of document.querySelectorAll(".tab"))
      button.classList.toggle("current", button.dataset.tab === tab);
    if (tab === "today") loadToday();
    if (tab === "pins") renderPins(); // the PINs' tab is drawn when it is shown
  }
  for (const button of document.querySelectorAll(".tab")) { // served disabled: a press before
    button.addEventListener("click", () => show(button.dataset.tab)); // this would do nothing
    button.disabled = false;
  }

  // -- sound: on from the sign-in (a touch browsers accept), its state always on the button ----
  function soundState() {
    if (muted) return "off";
    return audio && audio.state === "running" ? "on" : "blocked";
  }
  function showSound() {
    const button = $("sound");
    const now = soundState();
    window.stationSound = now;
    button.textContent = say("sound." + now);
    button.className = "sound " + now;
    button.setAttribute("aria-pressed", now === "on" ? "true" : "false");
  }
  function enableSound() {
    if (!audio) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) { audio = new Ctx(); audio.onstatechange = showSound; }
    }
    if (audio && audio.state === "suspended") audio.resume().then(showSound, showSound);
    showSound();
  }
  $("sound").addEventListener("click", () => {
    if (soundState() === "on") muted = true;
    else { muted = false; enableSound(); }
    showSound();
  });
  const RINGS = [[0, 880], [0.3, 660], [0.9, 880], [1.2, 660], [1.8, 880], [2.1, 660]];
  function chime() {
    window.stationAlerts += 1;
    document.body.classList.add("alerting");
    setTimeout(() => document.body.classList.remove("alerting"), 3000);
    if (!audio || muted) return;
    const now = audio.currentTime;
    for (const [at, freq] of RINGS) { // three two-tone rings, about two and a half seconds
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.3, now + at);
      gain.gain.exponentialRampToValueAtTime(0.001, now + at + 0.28);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + at);
      osc.stop(now + at + 0.3);
    }
  }
  // while a call waits and nobody has taken it, the chime comes again every half minute
  setInterval(() => {
    const calls = locked ? bellCalls : openCalls();
    if (calls.some((c) => !c.taken_by)) chime();
  }, 30000);

  // -- activity keeps the session alive --------------------------------------------------------
  function active(event) {
    if (locked) return;
    if (!(event && event.target && event.target.closest && event.target.closest("#sound"))) enableSound();
    const now = Date.now();
    if (socket && socket.readyState === 1 && now - lastActive > 15000) {
      lastActive = now;
      socket.send(JSON.stringify({ type: "active" }));
    }
  }
  for (const kind of ["pointerdown", "keydown"]) document.addEventListener(kind, active, true);

  // -- requests ------------------------------------------------------------------------------
  async function post(url, body) {
    active();
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": boot.csrf },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    });
    if (response.status === 401) lock();
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { status: response.status, data };
  }

  async function answer(ok) {
    const call = state.calls.find((c) => c.id === selected);
    if (!call) return;
    refusing = null;
    for (const b of document.querySelectorAll(".decide")) b.disabled = true;
    const { status, data } = await post("/api/calls/" + encodeURIComponent(call.id) + "/answer", { ok });
    if (status === 200) message = say("view.answered", { staff: data.by, decision: say(ok ? "decision.ok" : "decision.refused") });
    else if (data.result === "taken") message = say("view.taken", { staff: data.by || "?" });
    else if (data.result === "not_waiting") message = say("view.not_waiting");
    else if (data.result === "unpaired" || data.result === "unsigned") message = say("view.unpaired");
    else if (status === 503) message = say("db.down");
    else message = say("view.gone");
    renderView();
  }

  async function act(call, what) { // "take" (対応します) or "handled" (対応しました)
    const { status, data } = await post("/api/calls/" + encodeURIComponent(call.id) + "/" + what, {});
    if (status === 200) message = what === "handled" ? say("view.handled", { staff: data.by }) : "";
    else if (data.result === "taken") message = say("view.taken_by", { staff: data.by || "?" });
    else if (data.result === "done" || data.result === "answered") message = say("view.taken", { staff: data.by || "?" });
    else if (status === 503) message = say("db.down");
    else message = say("view.gone");
    renderView();
  }

  // -- the calls and the 目視確認 view -------------------------------------------------------------
  function openCalls() { return state.calls.filter((c) => c.status === "open"); }
  function byTime(a, b) { return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0; }
  function ordered() { // waiting calls on top, oldest first; finished ones below, newest first
    const open = openCalls().sort(byTime);
    const done = state.calls.filter((c) => c.status !== "open").sort((a, b) => byTime(b, a));
    return open.concat(done);
  }
  function reasonText(reason) { return W["reason." + reason] || say("reason.other"); }
  function waited(since) {
    const s = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
    return say("call.waited", { min: Math.floor(s / 60), sec: s % 60 });
  }
  function statusText(call) {
    if (call.status === "open" && call.taken_by) return say("call.taken", { staff: call.taken_by });
    if (call.status === "answered" && call.decision === "handled") return say("call.status.handled");
    return say("call.status." + call.status);
  }
  function showCount(calls) {
    const waiting = calls.length;
    const badge = $("badge");
    badge.hidden = waiting === 0;
    badge.textContent = say("badge.calls", { count: waiting });
    document.title = (waiting ? "(" + waiting + ") " : "") + say("title");
  }

  function renderCalls() {
    const list = $("calls");
    list.replaceChildren();
    if (!state.calls.length) list.append(el("li", { class: "empty", text: say("calls.none") }));
    for (const call of ordered()) {
      const time = new Date(call.created_at).toLocaleTimeString(boot.lang === "ja" ? "ja-JP" : "en-GB");
      const open = call.status === "open";
      const item = el("li", {
        class: "call " + call.status + (open && call.taken_by ? " taken" : "") + (call.id === selected ? " selected" : ""),
        id: "call-" + call.id, "data-kiosk": call.kiosk_id,
        onclick: () => { selected = call.id; message = ""; refusing = null; renderAll(); },
      },
        el("span", { class: "kiosk", text: call.kiosk_id }),
        el("span", { class: "reason", text: reasonText(call.reason) }),
        el("span", { class: "time", text: time }),
        el("span", { class: "status", text: statusText(call) }),
        open ? el("span", { class: "waited", "data-since": call.created_at, text: waited(call.created_at) }) : null);
      list.append(item);
    }
    showCount(openCalls());
  }

  function detailLines(call) { // what the kiosk said beyond the reason: its screen, a code
    const d = call.detail || {};
    const lines = [];
    if (d.code) lines.push(d.code + " — " + (W["code." + d.code] || ""));
    if (d.validity) lines.push(W["validity." + d.validity] || say("validity.other", { n: d.validity }));
    if (d.state) lines.push(say("view.screen", { screen: W["state." + d.state] || d.state }));
    return lines;
  }

  function takeButton(call) {
    if (call.status !== "open") return null;
    if (call.taken_by) return el("p", { id: "taken-by", class: "taken-by", text: say("call.taken", { staff: call.taken_by }) });
    return el("button", { id: "take", class: "take", onclick: () => act(call, "take"), text: say("view.take") });
  }

  function closingNote(call) {
    let note = message;
    if (!note && call.status === "answered" && call.decision === "handled") note = say("view.handled", { staff: call.answered_by });
    else if (!note && call.status === "answered") note = say("view.answered", { staff: call.answered_by, decision: say("decision." + call.decision) });
    else if (!note && call.status === "disconnected") note = say("call.status.disconnected");
    else if (!note && call.status === "ended") note = say("view.gone");
    else if (!note && call.identity && !call.waiting) // the PIN may still be theirs to use
      note = say(call.reason === "face_failed" && call.status === "open" ? "view.not_waiting_pin" : "view.not_waiting");
    else if (!note && call.signed === false) note = say("view.unpaired");
    return note ? el("p", { id: "view-message", class: "message", text: note }) : null;
  }

  function renderTask(view, call) { // a call not about identity: its reason and what to do
    const todo = W["todo." + call.reason] || say("todo.other");
    view.append(
      el("p", { id: "call-reason", class: "task-reason", text: reasonText(call.reason) }),
      el("ul", { id: "call-detail", class: "detail" }, ...detailLines(call).map((t) => el("li", { text: t }))),
      el("section", { class: "todo" }, el("h3", { text: say("view.todo") }), el("p", { id: "call-todo", text: todo })),
      el("div", { class: "decisions" }, takeButton(call),
        el("button", { id: "handled", class: "decide ok", disabled: call.status !== "open", onclick: () => act(call, "handled"), text: say("view.done") })));
  }

  function birthText(holder) {
    if (!holder || !holder.birth_date) return "—";
    const age = say("view.age", { age: holder.age });
    if (boot.lang === "ja" && holder.birth_ja) return holder.birth_ja + "（" + age + "）";
    return holder.birth_date + (holder.birth_era_en ? " (" + holder.birth_era_en + ")" : "") + ", " + age;
  }

  function renderIdentity(view, call) {
    const sameVisit = media.kiosk_id === call.kiosk_id && media.reception_id === call.reception_id;
    const holder = sameVisit ? media.holder : null;
    const photo = sameVisit && media.photo
      ? el("img", { id: "chip-photo", src: media.photo, alt: say("view.photo") })
      : el("div", { id: "chip-photo", class: "empty-image", text: say("view.no_photo") });
    const live = sameVisit && media.frame
      ? el("img", { id: "live-image", src: media.frame, alt: say("view.live") })
      : el("div", { id: "live-image", class: "empty-image", text: say("view.no_live") });
    view.append(
      el("div", { class: "images" },
        el("figure", {}, photo, el("figcaption", { text: say("view.photo") })),
        el("figure", {}, live, el("figcaption", { text: say("view.live") }))),
      el("dl", { class: "holder" },
        el("dt", { text: say("view.name") }), el("dd", { id: "holder-name", text: holder && holder.name ? holder.name : "—" }),
        el("dt", { text: say("view.kana") }), el("dd", { id: "holder-kana", text: !holder ? "—" : holder.kana || say("view.kana_none") }),
        el("dt", { text: say("view.birth") }), el("dd", { id: "holder-birth", text: birthText(holder) }),
        el("dt", { text: say("view.reason") }), el("dd", { id: "call-reason", text: reasonText(call.reason) })));
    const can = call.status === "open" && call.waiting && call.signed !== false;
    if (refusing === call.id && can) { // 確認できない ends the check-in: a second, deliberate click
      view.append(el("div", { class: "refusal", id: "refusal" },
        el("p", { text: say("view.refuse_warn") }),
        el("div", { class: "decisions" },
          el("button", { id: "refuse-sure", class: "decide ng", onclick: () => answer(false), text: say("view.refuse_sure") }),
          el("button", { id: "refuse-back", onclick: () => { refusing = null; renderView(); }, text: say("view.back") }))));
      $("refusal").scrollIntoView({ block: "nearest" });
      return;
    }
    view.append(el("div", { class: "decisions" },
      el("button", { id: "confirm-ok", class: "decide ok", disabled: !can, onclick: () => answer(true), text: say("view.ok") }),
      el("button", { id: "confirm-ng", class: "decide ng", disabled: !can, onclick: () => { refusing = call.id; renderView(); }, text: say("view.ng") }),
      takeButton(call)));
  }

  function renderView() {
    const view = $("view");
    view.replaceChildren();
    const call = state.calls.find((c) => c.id === selected);
    if (!call) { view.append(el("p", { class: "hint", text: say("view.pick") })); return; }
    view.append(el("h2", { text: call.kiosk_id + " — " + statusText(call) }));
    const note = closingNote(call); // what happened or what to wait for: read first
    if (note) view.append(note);
    if (call.identity === false) renderTask(view, call);
    else renderIdentity(view, call);
  }

  setInterval(() => { // the waiting times tick on without redrawing the list
    for (const span of document.querySelectorAll(".waited[data-since]")) span.textContent = waited(span.dataset.since);
  }, 1000);

  function watch() {
    const call = state.calls.find((c) => c.id === selected);
    const kiosk = call ? call.kiosk_id : null;
    if (kiosk !== watching && socket && socket.readyState === 1) {
      watching = kiosk;
      media = { kiosk_id: kiosk, photo: null, frame: null, holder: null, reception_id: null };
      socket.send(JSON.stringify({ type: "watch", kiosk_id: kiosk }));
    }
  }

  // -- kiosks and PINs -----------------------------------------------------------------------
  function renderKiosks() {
    const box = $("kiosks");
    box.replaceChildren();
    if (!state.kiosks.length) box.append(el("p", { text: say("kiosk.none") }));
    const left = [];
    for (const k of state.kiosks) {
      const visual = k.mode === "visual";
      if (visual && k.state === "start" && k.connected) left.push(k.kiosk_id);
      const hold = el("input", { type: "checkbox", id: "hold-" + k.kiosk_id, checked: k.held });
      box.append(el("div", { class: "kiosk-card" + (k.connected ? "" : " gone"), id: "kiosk-" + k.kiosk_id },
        el("h3", { text: k.kiosk_id }),
        k.status_signed === false // its screen as the row says is not believed either
          ? el("p", { class: "forged", id: "forged-" + k.kiosk_id, text: say("kiosk.forged_status") })
          : el("p", { class: "state", text: k.connected ? say("state." + k.state) : say("kiosk.disconnected") }),
        el("div", { class: "modes" },
          el("button", { id: "mode-unattended-" + k.kiosk_id, class: visual ? "" : "current", onclick: () => post("/api/kiosks/" + encodeURIComponent(k.kiosk_id) + "/mode", { visual: false, hold: false }), text: say("kiosk.mode.unattended") }),
          el("button", { id: "mode-visual-" + k.kiosk_id, class: visual ? "current" : "", onclick: () => post("/api/kiosks/" + encodeURIComponent(k.kiosk_id) + "/mode", { visual: true, hold: hold.checked }), text: say("kiosk.mode.visual") })),
        el("label", { class: "hold" }, hold, document.createTextNode(say("kiosk.hold")))));
    }
    const warn = $("left-visual");
    warn.hidden = left.length === 0;
    warn.textContent = left.length ? left.join(", ") + ": " + say("kiosk.left_visual") : "";
  }

  function renderPins() {
    const box = $("pins");
    box.replaceChildren();
    for (const k of state.kiosks) {
      const table = el("table", { class: "pins", id: "pins-" + k.kiosk_id },
        el("tr", {}, el("th", { text: say("pins.name") }), el("th", { text: say("pins.left") }), el("th", { text: say("pins.where") })));
      for (const p of k.pins) {
        const name = boot.lang === "ja" ? p.name_ja + "（" + p.format_ja + "）" : p.name_en + " (" + p.format_en + ")";
        const count = p.tries_left + " / " + p.limit + (p.blocked ? "  " + say("pins.locked") : "");
        table.append(el("tr", { class: p.blocked ? "blocked" : "" }, el("td", { text: name }), el("td", { text: count }),
          el("td", { text: p.blocked ? (boot.lang === "ja" ? p.unlock_ja : p.unlock_en) : "" })));
      }
      box.append(el("section", { class: "kiosk-pins" }, el("h3", { text: k.kiosk_id }),
        k.pins.length ? table : el("p", { text: say("pins.none") }),
        el("button", { id: "pins-refresh-" + k.kiosk_id, onclick: () => post("/api/kiosks/" + encodeURIComponent(k.kiosk_id) + "/pins", {}), text: say("pins.refresh") })));
    }
  }

  // -- today ---------------------------------------------------------------------------------
  async function loadToday() {
    const query = "?page=" + todayPage + (todayKiosk ? "&kiosk=" + encodeURIComponent(todayKiosk) : "") + "&lang=" + boot.lang;
    const response = await fetch("/api/today" + query, { credentials: "same-origin" });
    if (response.status === 401) { lock(); return; }
    if (!response.ok) return;
    const data = await response.json();
    todaySeq = state.records_seq;
    const box = $("today");
    box.replaceChildren();
    const filter = el("select", { id: "today-kiosk", onchange: (e) => { todayKiosk = e.target.value; todayPage = 1; loadToday(); } },
      el("option", { value: "", text: say("today.all") }));
    for (const k of data.kiosks) filter.append(el("option", { value: k, text: k, selected: k === todayKiosk }));
    const table = el("table", { id: "today-table" }, el("tr", {},
      ...["time", "kiosk", "name", "outcome", "identity", "consents"].map((c) => el("th", { text: say("today." + c) }))));
    for (const row of data.rows)
      table.append(el("tr", {}, ...["time", "kiosk", "name", "outcome", "identity", "consents"].map((c) => el("td", { text: row[c] }))));
    box.append(filter, data.rows.length ? table : el("p", { text: say("today.none") }),
      el("div", { class: "pager" },
        el("button", { id: "today-prev", disabled: data.page <= 1, onclick: () => { todayPage -= 1; loadToday(); }, text: say("today.prev") }),
        el("span", { text: say("today.page", { page: data.page, pages: data.pages, count: data.count }) }),
        el("button", { id: "today-next", disabled: data.page >= data.pages, onclick: () => { todayPage += 1; loadToday(); }, text: say("today.next") })));
  }

  function renderSettings() {
    const table = $("settings");
    table.replaceChildren(el("tr", {}, el("th", { text: say("settings.name") }), el("th", { text: say("settings.value") })));
    for (const [name, value] of boot.settings) table.append(el("tr", {}, el("td", { text: name }), el("td", { text: value })));
  }

  function renderAll() {
    $("db-down").hidden = state.db_ok !== false;
    if (!state.calls.find((c) => c.id === selected)) {
      const open = openCalls().sort(byTime);
      selected = open.length ? open[0].id : null;
      message = "";
    }
    renderCalls();
    renderView();
    renderKiosks();
    if (!$("page-pins").hidden) renderPins();
    watch();
    if (!$("page-today").hidden && todaySeq !== null && todaySeq !== state.records_seq) loadToday();
  }

  function arrived(fresh) { // a new call opens by itself when the desk has no open call in view
    const current = state.calls.find((c) => c.id === selected);
    if (fresh.length && (!current || current.status !== "open")) {
      selected = fresh.sort(byTime)[0].id;
      message = "";
      refusing = null;
    }
  }

  // -- the live connection ------------------------------------------------------------------------
  function ended(reason) { // the session ended: idle locks the page, anything else signs out
    if (reason === "idle") lock();
    else location.href = "/login?expired=" + encodeURIComponent(reason || "idle");
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/live");
    socket.onopen = () => { watching = undefined; watch(); };
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "state") {
        const fresh = data.calls.filter((c) => c.status === "open" && !known.has(c.id));
        for (const c of data.calls) known.add(c.id);
        state = data;
        arrived(fresh);
        renderAll();
        document.dispatchEvent(new CustomEvent("station-state", { detail: data })); // pairing.js
        for (const c of fresh) window.stationAlertTimes[c.id] = Date.now();
        if (fresh.length) chime();
      } else if (data.type === "media") {
        if (data.kiosk_id !== watching) return;
        if (data.gone) media = { kiosk_id: data.kiosk_id, photo: null, frame: null, holder: null, reception_id: null };
        else {
          if (media.reception_id !== data.reception_id) media = { kiosk_id: data.kiosk_id, photo: null, frame: null, holder: null, reception_id: data.reception_id };
          if (data.photo) media.photo = data.photo;
          if (data.frame) media.frame = data.frame;
          media.holder = data.holder;
        }
        const live = $("live-image");
        if (!data.photo && data.frame && live && live.tagName === "IMG" && media.reception_id === data.reception_id) live.src = data.frame;
        else renderView();
      } else if (data.type === "logout") {
        socket.onclose = null;
        ended(data.reason);
      }
    };
    socket.onclose = (event) => {
      if (event.code === 4001) { lock(); return; }
      state.db_ok = false;
      $("db-down").hidden = false;
      setTimeout(connect, 1000);
    };
  }

  // -- the lock: patient data gone, the calls still counted and chimed -------------------------
  function lock() {
    if (locked) return;
    locked = true;
    if (socket) { socket.onclose = null; socket.onmessage = null; socket.close(); socket = null; }
    state = { calls: [], kiosks: [], db_ok: state.db_ok, records_seq: 0 };
    media = { kiosk_id: null, photo: null, frame: null, holder: null, reception_id: null };
    selected = null; watching = null; message = ""; refusing = null;
    for (const id of ["calls", "view", "kiosks", "pins", "today"]) $(id).replaceChildren();
    document.body.classList.add("locked");
    $("lock").hidden = false;
    $("unlock-id").value = boot.staff_id || "";
    $("unlock-message").textContent = "";
    renderBell();
    listen();
  }

  function listen() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    bell = new WebSocket(scheme + location.host + "/bell");
    let heard = false;
    bell.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type !== "bell") return;
      heard = true;
      const fresh = data.calls.filter((c) => !known.has(c.id));
      for (const c of data.calls) known.add(c.id);
      bellCalls = data.calls;
      $("db-down").hidden = data.db_ok !== false;
      renderBell();
      for (const c of fresh) window.stationAlertTimes[c.id] = Date.now();
      if (fresh.length) chime();
    };
    bell.onclose = () => {
      if (!locked) return;
      const again = () => setTimeout(() => { if (locked) listen(); }, 1000);
      if (heard) { again(); return; }
      // refused before a word: is this desk still locked (the desk page) or signed out?
      fetch("/", { credentials: "same-origin", redirect: "manual" }).then((r) => {
        if (r.type === "opaqueredirect") location.href = "/login?expired=idle";
        else again();
      }, again);
    };
  }

  function renderBell() {
    showCount(bellCalls);
    const list = $("lock-calls");
    list.replaceChildren();
    for (const call of bellCalls.slice().sort(byTime))
      list.append(el("li", { class: "bell-call" },
        el("span", { class: "kiosk", text: call.kiosk_id }),
        el("span", { class: "reason", text: reasonText(call.reason) }),
        el("span", { class: "waited", "data-since": call.created_at, text: waited(call.created_at) }),
        call.taken_by ? el("span", { class: "status", text: say("call.taken", { staff: call.taken_by }) }) : null));
  }

  async function unlock(event) { // sign in again without leaving the page: the sound stays on
    event.preventDefault();
    muted = false;
    enableSound();
    const note = $("unlock-message");
    note.textContent = "";
    const parse = async (response) => new DOMParser().parseFromString(await response.text(), "text/html");
    try {
      const form = await parse(await fetch("/login?lang=" + boot.lang, { credentials: "same-origin" }));
      const nonce = form.querySelector("input[name=csrf]");
      const body = new URLSearchParams({ csrf: nonce ? nonce.value : "", staff_id: $("unlock-id").value, password: $("unlock-password").value });
      $("unlock-password").value = "";
      const response = await fetch("/login?lang=" + boot.lang, { method: "POST", body, credentials: "same-origin" });
      const page = await parse(response);
      const fresh = page.getElementById("boot");
      if (!response.ok || !fresh) {
        const said = page.getElementById("login-message");
        note.textContent = said ? said.textContent : say("db.down");
        return;
      }
      const signed = JSON.parse(fresh.textContent);
      boot.csrf = signed.csrf;
      boot.staff_id = signed.staff_id;
      boot.settings = signed.settings;
    } catch (e) {
      note.textContent = say("db.down");
      return;
    }
    $("who").textContent = boot.staff_id;
    document.querySelector("#logout-form input[name=csrf]").value = boot.csrf;
    locked = false;
    if (bell) { bell.onclose = null; bell.close(); bell = null; }
    bellCalls = [];
    document.body.classList.remove("locked");
    $("lock").hidden = true;
    renderSettings();
    renderAll();
    connect();
  }
  $("unlock-form").addEventListener("submit", unlock);

  renderSettings();
  show("calls");
  enableSound();
  if (boot.locked) lock();
  else { renderAll(); connect(); }
})();
