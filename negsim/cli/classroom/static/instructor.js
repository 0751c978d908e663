// The instructor's page: the token comes in the URL fragment and goes in a header.
"use strict";
const headers = { "X-Instructor-Token": location.hash.slice(1) };

function render(data) {
  $("class-status").textContent = { open: "waiting to start", running: "running",
    stopped: "stopped" }[data.status] || data.status;
  $("code").textContent = data.code;
  const waiting = data.students.filter(function (s) { return !s.pair; }).length;
  $("counts").textContent = data.students.length + " joined, " + waiting + " not paired, "
    + data.pairs.length + " pairs";
  fillRows($("students").tBodies[0], data.students.map(function (s) {
    return [s.name, s.joined, s.pair || "–"];
  }));
  fillRows($("pairs").tBodies[0], data.pairs.map(function (p) {
    const points = p.points ? Object.entries(p.points).map(function (e) {
      return e[0] + " " + e[1]; }).join(", ") : "";
    return [p.pair, Object.entries(p.players).map(function (e) {
      return e[0] + ": " + e[1]; }).join(" · "), p.status.replace(/_/g, " "), p.round, p.offers,
      p.deal || "", points];
  }));
  $("start").disabled = data.status === "running";
  $("stop").disabled = data.status !== "running";
}

let shownResults = null;  // the finished pairs the debrief chart shows
let chartUrl = null;

async function refreshChart(data) {
  const finished = JSON.stringify(data.pairs.filter(function (p) { return p.points; })
    .map(function (p) { return [p.pair, p.status, p.deal]; }));
  if (finished === shownResults) return;
  const response = await fetch("/api/instructor/debrief.svg", { headers: headers });
  if (!response.ok) throw new Error("the debrief chart failed: " + response.status);
  shownResults = finished;
  if (response.status === 204) return;  // no pair has finished yet
  if (chartUrl) URL.revokeObjectURL(chartUrl);
  chartUrl = URL.createObjectURL(await response.blob());
  $("debrief").src = chartUrl;
  $("debrief").hidden = false;
  $("debrief-note").hidden = true;
}

// A poll is not sent while the last one waits (the chart takes a moment to draw), and an
// answer is shown only when no later request's answer has been shown already.
let asked = 0, shown = 0, polling = false;
async function show(request) {
  const mine = ++asked;
  const data = await request;
  if (mine > shown) { shown = mine; render(data); }
  return data;
}

async function refresh() {
  if (polling) return;
  polling = true;
  try {
    const data = await show(api("GET", "/api/instructor", headers));
    await refreshChart(data);
    showError("");
  } catch (error) { showError(error.message); }
  finally { polling = false; }
}

function action(name) {
  return async function () {
    try { await show(api("POST", "/api/instructor/" + name, headers, {})); showError(""); }
    catch (error) { showError(error.message); }
  };
}

async function download(path, filename) {
  try {
    const response = await fetch("/api/instructor/" + path, { headers: headers });
    if (!response.ok) throw new Error("export failed: " + response.status);
    const url = URL.createObjectURL(await response.blob());
    const link = el("a");
    link.href = url; link.download = filename;
    document.body.appendChild(link); link.click(); link.remove();
    URL.revokeObjectURL(url);
  } catch (error) { showError(error.message); }
}

$("pair").addEventListener("click", action("pair"));
$("start").addEventListener("click", action("start"));
$("stop").addEventListener("click", action("stop"));
$("zip").addEventListener("click", function () { download("transcripts.zip", "classroom-transcripts.zip"); });
$("csv").addEventListener("click", function () { download("agreements.csv", "agreements.csv"); });
refresh();
setInterval(refresh, 2000);
