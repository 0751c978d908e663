// negsim classroom: helpers shared by the pages. Text is always set with textContent.
"use strict";
function $(id) { return document.getElementById(id); }
function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}
function showError(text) {
  const box = $("error");
  box.textContent = text || "";
  box.hidden = !text;
}
async function api(method, url, headers, body) {
  const options = { method: method, headers: Object.assign({}, headers), cache: "no-store" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const data = await response.json().catch(function () { return {}; });
  if (!response.ok) throw new Error(data.error || ("error " + response.status));
  return data;
}
function fillRows(tbody, rows) {
  tbody.replaceChildren();
  rows.forEach(function (cells) {
    const tr = el("tr");
    cells.forEach(function (cell) {  // text, or a node (a button) put in as it is
      if (cell instanceof Node) { const td = el("td"); td.appendChild(cell); tr.appendChild(td); }
      else tr.appendChild(el("td", cell));
    });
    tbody.appendChild(tr);
  });
}
function termsText(terms) {
  return terms.map(function (t) { return t.issue + ": " + t.term; }).join("; ");
}
function termsList(terms) {
  const list = el("ul", null, "terms");
  terms.forEach(function (t) {
    const li = el("li");
    li.appendChild(el("span", t.issue + ": ", "issue"));
    li.appendChild(el("strong", t.term));
    list.appendChild(li);
  });
  return list;
}
// Live updates: server-sent events read with fetch, so the token stays in a header. Each
// event's JSON goes to onData; while the stream is down, poll() runs every few seconds
// and the stream is tried again, waiting longer each time (at most 15 s).
function listen(url, headers, onData, poll) {
  let pollTimer = null, delay = 1000;
  function polling(on) {
    if (on && !pollTimer) { poll(); pollTimer = setInterval(poll, 4000); }
    if (!on && pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }
  async function connect() {
    try {
      const response = await fetch(url, { headers: headers, cache: "no-store" });
      if (!response.ok || !response.body) throw new Error("events: " + response.status);
      polling(false);
      delay = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += chunk.value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const lines = buffer.slice(0, end).split("\n");
          buffer = buffer.slice(end + 2);
          const data = lines.filter(function (l) { return l.startsWith("data:"); })
            .map(function (l) { return l.slice(5).trim(); }).join("\n");
          if (data) onData(JSON.parse(data));
        }
      }
    } catch (error) { /* the stream is down: poll until it is back */ }
    polling(true);
    setTimeout(connect, delay);
    delay = Math.min(2 * delay, 15000);
  }
  connect();
}
// The class's clock: seconds left when received, counting down while the class runs.
function clockText(secondsLeft) {
  const s = Math.max(0, Math.ceil(secondsLeft));
  const m = Math.floor(s / 60);
  return m + ":" + String(s % 60).padStart(2, "0") + " left";
}
function startClock(node, state) {
  if (node.clockTimer) clearInterval(node.clockTimer);
  node.clockTimer = null;
  if (state.time_left === null || state.time_left === undefined) { node.textContent = ""; return; }
  const status = state.class_status || state.status;
  if (status !== "running") {
    node.textContent = status === "over" ? "Time is up." : "Clock: " + clockText(state.time_left)
      + " (paused)";
    return;
  }
  const end = Date.now() + 1000 * state.time_left;
  function show() { node.textContent = "Clock: " + clockText((end - Date.now()) / 1000); }
  show();
  node.clockTimer = setInterval(show, 1000);
}
