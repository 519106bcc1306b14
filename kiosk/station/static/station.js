// The staff station's desk page: live calls, the 目視確認 view, kiosks, PINs, today, settings.
// Everything arrives over one WebSocket; actions are POSTs carrying the session's CSRF token.
"use strict";
(function () {
  const boot = JSON.parse(document.getElementById("boot").textContent);
  const W = boot.words;
  const $ = (id) => document.getElementById(id);
  const say = (key, values) => {
    let text = W[key] || key;
    for (const [k, v] of Object.entries(values || {})) text = text.replace("{" + k + "}", v);
    return text;
  };
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  };

  let state = { calls: [], kiosks: [], db_ok: true, records_seq: 0 };
  let selected = null; // call id
  let watching = null; // kiosk id
  let media = { kiosk_id: null, photo: null, frame: null, holder: null, reception_id: null };
  let known = new Set();
  let socket = null;
  let lastActive = 0;
  let audio = null;
  let todayPage = 1, todayKiosk = "", todaySeq = null;
  let message = "";
  window.stationAlerts = 0;
  window.stationAlertTimes = {}; // call id -> when this page alerted (for the benchmark)

  // -- tabs ----------------------------------------------------------------------------------
  function show(tab) {
    for (const page of document.querySelectorAll(".page")) page.hidden = page.id !== "page-" + tab;
    for (const button of document.querySelectorAll(".tab"))
      button.classList.toggle("current", button.dataset.tab === tab);
    if (tab === "today") loadToday();
  }
  for (const button of document.querySelectorAll(".tab"))
    button.addEventListener("click", () => show(button.dataset.tab));

  // -- sound ---------------------------------------------------------------------------------
  function enableSound() {
    if (!audio) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) audio = new Ctx();
    }
    if (audio && audio.state === "suspended") audio.resume();
  }
  $("sound").addEventListener("click", enableSound);
  function chime() {
    window.stationAlerts += 1;
    document.body.classList.add("alerting");
    setTimeout(() => document.body.classList.remove("alerting"), 1500);
    if (!audio) return;
    const now = audio.currentTime;
    for (const [i, freq] of [[0, 880], [1, 660]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.25, now + i * 0.25);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.25 + 0.22);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.25);
      osc.stop(now + i * 0.25 + 0.24);
    }
  }

  // -- activity keeps the session alive --------------------------------------------------------
  function active() {
    enableSound();
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
    if (response.status === 401) location.href = "/login?expired=idle";
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { status: response.status, data };
  }

  async function answer(ok) {
    const call = state.calls.find((c) => c.id === selected);
    if (!call) return;
    for (const b of document.querySelectorAll(".decide")) b.disabled = true;
    const { status, data } = await post("/api/calls/" + encodeURIComponent(call.id) + "/answer", { ok });
    if (status === 200) message = say("view.answered", { staff: data.by, decision: say(ok ? "decision.ok" : "decision.refused") });
    else if (data.result === "taken") message = say("view.taken", { staff: data.by || "?" });
    else if (data.result === "not_waiting") message = say("view.not_waiting");
    else if (status === 503) message = say("db.down");
    else message = say("view.gone");
    renderView();
  }

  // -- the calls and the 目視確認 view -------------------------------------------------------------
  function openCalls() { return state.calls.filter((c) => c.status === "open"); }

  function renderCalls() {
    const list = $("calls");
    list.replaceChildren();
    if (!state.calls.length) list.append(el("li", { class: "empty", text: say("calls.none") }));
    for (const call of state.calls) {
      const time = new Date(call.created_at).toLocaleTimeString(boot.lang === "ja" ? "ja-JP" : "en-GB");
      const item = el("li", {
        class: "call " + call.status + (call.id === selected ? " selected" : ""),
        id: "call-" + call.id, "data-kiosk": call.kiosk_id,
        onclick: () => { selected = call.id; message = ""; renderAll(); },
      },
        el("span", { class: "kiosk", text: call.kiosk_id }),
        el("span", { class: "reason", text: say("reason." + call.reason) }),
        el("span", { class: "time", text: time }),
        el("span", { class: "status", text: say("call.status." + call.status) }));
      list.append(item);
    }
    const waiting = openCalls().length;
    const badge = $("badge");
    badge.hidden = waiting === 0;
    badge.textContent = say("badge.calls", { count: waiting });
    document.title = (waiting ? "(" + waiting + ") " : "") + say("title");
  }

  function renderView() {
    const view = $("view");
    view.replaceChildren();
    const call = state.calls.find((c) => c.id === selected);
    if (!call) { view.append(el("p", { class: "hint", text: say("view.pick") })); return; }
    const sameVisit = media.kiosk_id === call.kiosk_id && media.reception_id === call.reception_id;
    const holder = sameVisit ? media.holder : null;
    const photo = sameVisit && media.photo
      ? el("img", { id: "chip-photo", src: media.photo, alt: say("view.photo") })
      : el("div", { id: "chip-photo", class: "empty-image", text: say("view.no_photo") });
    const live = sameVisit && media.frame
      ? el("img", { id: "live-image", src: media.frame, alt: say("view.live") })
      : el("div", { id: "live-image", class: "empty-image", text: say("view.no_live") });
    view.append(
      el("h2", { text: call.kiosk_id + " — " + say("call.status." + call.status) }),
      el("div", { class: "images" },
        el("figure", {}, photo, el("figcaption", { text: say("view.photo") })),
        el("figure", {}, live, el("figcaption", { text: say("view.live") }))),
      el("dl", { class: "holder" },
        el("dt", { text: say("view.name") }), el("dd", { id: "holder-name", text: holder && holder.name ? holder.name : "—" }),
        el("dt", { text: say("view.kana") }), el("dd", { id: "holder-kana", text: holder && holder.kana ? holder.kana : say("view.kana_none") }),
        el("dt", { text: say("view.birth") }), el("dd", { id: "holder-birth", text: holder && holder.birth_date ? holder.birth_date + "（" + say("view.age", { age: holder.age }) + "）" : "—" }),
        el("dt", { text: say("view.reason") }), el("dd", { id: "call-reason", text: say("reason." + call.reason) })));
    const can = call.status === "open" && call.waiting;
    view.append(el("div", { class: "decisions" },
      el("button", { id: "confirm-ok", class: "decide ok", disabled: !can, onclick: () => answer(true), text: say("view.ok") }),
      el("button", { id: "confirm-ng", class: "decide ng", disabled: !can, onclick: () => answer(false), text: say("view.ng") })));
    let note = message;
    if (!note && call.status === "answered") note = say("view.answered", { staff: call.answered_by, decision: say("decision." + call.decision) });
    else if (!note && call.status === "disconnected") note = say("call.status.disconnected");
    else if (!note && call.status === "ended") note = say("view.gone");
    else if (!note && !call.waiting) note = say("view.not_waiting");
    if (note) view.append(el("p", { id: "view-message", class: "message", text: note }));
  }

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
        el("p", { class: "state", text: k.connected ? say("state." + k.state) : say("kiosk.disconnected") }),
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
    if (response.status === 401) { location.href = "/login?expired=idle"; return; }
    if (!response.ok) return;
    const data = await response.json();
    todaySeq = state.records_seq;
    const box = $("today");
    box.replaceChildren();
    const filter = el("select", { id: "today-kiosk", onchange: (e) => { todayKiosk = e.target.value; todayPage = 1; loadToday(); } },
      el("option", { value: "", text: say("today.all") }));
    for (const k of data.kiosks) filter.append(el("option", { value: k, text: k, selected: k === todayKiosk }));
    const table = el("table", { id: "today-table" }, el("tr", {},
      ...["time", "kiosk", "outcome", "identity", "consents"].map((c) => el("th", { text: say("today." + c) }))));
    for (const row of data.rows)
      table.append(el("tr", {}, ...["time", "kiosk", "outcome", "identity", "consents"].map((c) => el("td", { text: row[c] }))));
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
      const open = openCalls();
      selected = open.length ? open[0].id : null;
      message = "";
    }
    renderCalls();
    renderView();
    renderKiosks();
    renderPins();
    watch();
    if (!$("page-today").hidden && todaySeq !== null && todaySeq !== state.records_seq) loadToday();
  }

  // -- the live connection ------------------------------------------------------------------------
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
        renderAll();
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
        location.href = "/login?expired=" + encodeURIComponent(data.reason || "idle");
      }
    };
    socket.onclose = (event) => {
      if (event.code === 4001) { location.href = "/login?expired=idle"; return; }
      state.db_ok = false;
      $("db-down").hidden = false;
      setTimeout(connect, 1000);
    };
  }

  renderSettings();
  show("calls");
  renderAll();
  connect();
})();
