// What the desk's scripts share: the page's boot data (words, CSRF token) and two small helpers
// to say a word with its values and to build an element. Loaded before the others.
"use strict";
window.Desk = (function () {
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
  return { boot, W, $, say, el };
})();
