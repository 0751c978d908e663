// The instructor's page: the token comes in the URL fragment and goes in a header.
"use strict";
const headers = { "X-Instructor-Token": location.hash.slice(1) };

// A seat's menu in "by hand": the students not yet seated and the computer; it keeps what
// the instructor picked, else offers the student at `preferred` in joining order.
function fillChoices(select, students, preferred) {
  const kept = select.dataset.picked ? select.value : null;
  select.replaceChildren();
  students.forEach(function (s) {
    const option = el("option", s.name);
    option.value = String(s.id);
    select.appendChild(option);
  });
  const computer = el("option", "the computer");
  computer.value = "";
  select.appendChild(computer);
  const values = Array.from(select.options).map(function (o) { return o.value; });
  if (kept !== null && values.includes(kept)) select.value = kept;
  else {
    delete select.dataset.picked;
    select.value = preferred < students.length ? String(students[preferred].id) : "";
  }
}

function render(data) {
  $("class-status").textContent = { open: "waiting to start", running: "running",
    stopped: "stopped", over: "time is up" }[data.status] || data.status;
  $("code").textContent = data.code;
  $("join-url").textContent = data.join_url;
  loadQr();
  startClock($("timer"), data);
  const free = data.students.filter(function (s) { return !s.pair; });
  const word = data.parties.length === 2 ? "pair" : "group";
  seatMenus(data.parties).forEach(function (select, i) { fillChoices(select, free, i); });
  $("pair-hand").disabled = free.length === 0;
  $("pair").textContent = word === "pair" ? "Pair students" : "Form groups";
  $("pair-hand").textContent = word === "pair" ? "Pair these two" : "Group these";
  $("pairs-title").textContent = word === "pair" ? "Pairs and results" : "Groups and results";
  $("hand-title").textContent = word === "pair" ? "Pair by hand" : "Group by hand";
  $("pairs").tHead.rows[0].cells[0].textContent = word;
  $("students").tHead.rows[0].cells[2].textContent = word;
  const waiting = free.length;
  $("counts").textContent = data.students.length + " joined, " + waiting + " not "
    + (word === "pair" ? "paired" : "in a group") + ", " + data.pairs.length + " " + word
    + (data.pairs.length === 1 ? "" : "s") + ".";
  const running = {};  // pairs whose talks are not over: their students may be replaced
  data.pairs.forEach(function (p) { running[p.pair] = !p.points; });
  fillRows($("students").tBodies[0], data.students.map(function (s) {
    let act = "";
    if (!s.pair) {
      act = small("Remove", "remove " + s.name, function () { post("remove", { student: s.id }); });
    } else if (running[s.pair]) {
      act = replacer(s, free);
    }
    return [s.name, s.joined, s.pair || "–", act];
  }));
  fillRows($("pairs").tBodies[0], data.pairs.map(function (p) {
    const points = p.points ? Object.entries(p.points).map(function (e) {
      return e[0] + " " + e[1]; }).join(", ") : "";
    return [p.pair, Object.entries(p.players).map(function (e) {
      return e[0] + ": " + e[1]; }).join(" · "), p.status.replace(/_/g, " "), p.round, p.offers,
      p.deal || "", points, p.left_on_table === null ? "" : p.left_on_table,
      p.status === "not started" ? small("Undo", "undo " + p.pair,
        function () { post("unpair", { pair: p.pair }); }) : ""];
  }));
  $("start").disabled = data.status === "running" || data.status === "over";
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

// Every answer carries the class's change count: one older than what is shown (a poll
// answered after an event) is dropped. The chart is fetched one request at a time, for
// the newest data.
let newest = -1, chartBusy = false, chartWanted = null;
function show(data) {
  if (data.changes < newest) return;
  newest = data.changes;
  render(data);
  chartWanted = data;
  if (chartBusy) return;
  chartBusy = true;
  (async function () {
    while (chartWanted) {
      const wanted = chartWanted;
      chartWanted = null;
      try { await refreshChart(wanted); } catch (error) { showError(error.message); }
    }
    chartBusy = false;
  })();
}

async function refresh() {
  try { show(await api("GET", "/api/instructor", headers)); showError(""); }
  catch (error) { showError(error.message); }
}

// A seated student's seat handed on, to the computer or a student not seated: the choice is
// kept by student across redraws (the table is drawn again at every change).
const replaceWith = {};
function replacer(student, free) {
  const box = el("span", null, "replace");
  const select = el("select");
  select.setAttribute("aria-label", "who takes " + student.name + "'s seat");
  const computer = el("option", "the computer");
  computer.value = "";
  select.appendChild(computer);
  free.forEach(function (s) {
    const option = el("option", s.name);
    option.value = String(s.id);
    select.appendChild(option);
  });
  if (Array.from(select.options).some(function (o) { return o.value === replaceWith[student.id]; })) {
    select.value = replaceWith[student.id];
  }
  select.addEventListener("change", function () { replaceWith[student.id] = select.value; });
  box.appendChild(select);
  box.appendChild(small("Replace", "replace " + student.name, function () {
    const by = select.value === "" ? null : Number(select.value);
    const whom = by === null ? "the computer" : select.options[select.selectedIndex].text;
    if (!confirm("Give " + student.name + "'s seat in " + student.pair + " to " + whom
      + "? The talks go on from where they stand.")) return;
    delete replaceWith[student.id];
    post("replace", { student: student.id, by: by });
  }));
  return box;
}

function small(text, label, run) {  // a table row's button
  const button = el("button", text, "small plain");
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.addEventListener("click", run);
  return button;
}

async function post(name, body) {
  try { show(await api("POST", "/api/instructor/" + name, headers, body)); showError(""); }
  catch (error) { showError(error.message); }
}

function action(name) {
  return function () { post(name, {}); };
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

let qrAsked = false;
function loadQr() {  // the join address as a QR code, fetched once (with the token)
  if (qrAsked) return;
  qrAsked = true;
  fetch("/api/instructor/join-qr.svg", { headers: headers }).then(function (response) {
    if (!response.ok) throw new Error("the QR code failed: " + response.status);
    return response.blob();
  }).then(function (blob) {
    $("qr").src = URL.createObjectURL(blob);
    $("qr").hidden = false;
  }).catch(function (error) { qrAsked = false; showError(error.message); });
}

// One menu a party (made once: the parties never change), in the parties' order.
function seatMenus(parties) {
  const box = $("hand-seats");
  if (box.children.length !== parties.length) {
    box.replaceChildren();
    parties.forEach(function (party, i) {
      const label = el("label");
      label.appendChild(el("span", party));
      label.appendChild(document.createTextNode(" "));
      const select = el("select");
      select.id = "seat-" + i;
      select.addEventListener("change", function () { select.dataset.picked = "1"; });
      label.appendChild(select);
      box.appendChild(label);
    });
  }
  return Array.from(box.querySelectorAll("select"));
}

$("pair-hand").addEventListener("click", function () {
  const menus = Array.from($("hand-seats").querySelectorAll("select"));
  const students = menus.map(function (s) { return s.value === "" ? null : Number(s.value); });
  menus.forEach(function (s) { delete s.dataset.picked; });
  post("pair-by-hand", { students: students });
});
$("pair").addEventListener("click", action("pair"));
$("start").addEventListener("click", action("start"));
$("stop").addEventListener("click", action("stop"));
$("zip").addEventListener("click", function () { download("transcripts.zip", "classroom-transcripts.zip"); });
$("csv").addEventListener("click", function () { download("agreements.csv", "agreements.csv"); });
listen("/api/instructor/events", headers, show, refresh);
