// 施設の設定 on the desk page: the facility's 4-digit 目視 passcode for the readers' pads.
// Sent with the session's CSRF token; the page forgets what was typed once it is sent.
(() => {
  "use strict";
  const boot = JSON.parse(document.getElementById("boot").textContent);
  const say = (key) => (boot.words && boot.words[key]) || key;
  const $ = (id) => document.getElementById(id);
  const form = $("passcode-form");
  if (!form) return;

  async function showState() {
    const response = await fetch("/api/facility/passcode", { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    $("passcode-state").textContent = say(data.set ? "facility.passcode_set" : "facility.passcode_unset");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { passcode: $("passcode").value, again: $("passcode-again").value };
    $("passcode").value = "";
    $("passcode-again").value = "";
    const response = await fetch("/api/facility/passcode", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": boot.csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (response.status === 401) { location.href = "/login?expired=idle"; return; }
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    const key = response.ok ? "facility.saved" : "facility." + (data.error || "failed");
    $("passcode-message").textContent = say(key);
    showState();
  });
  showState();
})();
