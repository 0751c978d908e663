// The student's page: the seat's id and token come in the URL fragment (#ID.TOKEN),
// which the browser never sends to the server; every request carries the token in a header.
"use strict";
const [seatId, seatToken] = location.hash.slice(1).split(".");
const headers = { "X-Seat-Token": seatToken || "" };
const base = "/api/seat/" + encodeURIComponent(seatId || "0");
let sheetParty = null;  // the role whose sheet and form the page holds (a seat may change hands)
let wasSeated = false;
const ANSWERS = { accept: "accepted", reject: "rejected", walk_away: "walked away" };
// with three or more parties an offer is voted on: it passes or fails
const OUTCOMES = { accept: "passed", reject: "failed", walk_away: "walked away" };
const VOTES = { accept: "yes", reject: "no", walk_away: "walked away" };

function votesText(votes) {  // {South: "accept"} -> "South yes"
  return Object.entries(votes).map(function (e) { return e[0] + " " + VOTES[e[1]]; }).join(", ");
}

async function loadSheet(party) {
  sheetParty = party;
  const sheet = await api("GET", base + "/sheet", headers);
  $("sheet").innerHTML = sheet.html;  // made and escaped by negsim's html_report
  $("sheet-card").hidden = false;
  const form = await api("GET", base + "/form", headers);
  const box = $("issues");
  box.replaceChildren();
  form.issues.forEach(function (issue) {
    const label = el("label", null, "issue-row");
    label.appendChild(el("span", issue.label, "issue-label"));
    const select = el("select");
    select.dataset.issue = issue.issue;
    issue.options.forEach(function (option) {
      const item = el("option", option.text + "  (" + option.points + " pts)");
      item.value = option.term;
      select.appendChild(item);
    });
    select.addEventListener("change", preview);
    label.appendChild(select);
    box.appendChild(label);
  });
  preview();
}

function composed() {
  const out = {};
  document.querySelectorAll("#issues select").forEach(function (s) { out[s.dataset.issue] = s.value; });
  return out;
}

async function preview() {
  try {
    const data = await api("POST", base + "/preview", headers, { package: composed() });
    $("total").textContent = data.points;
    $("send").disabled = false;
    showError("");
  } catch (error) {
    $("total").textContent = "–";
    $("send").disabled = true;
    showError(error.message);
  }
}

function render(state) {
  const group = state.seated && state.partners.length > 1;
  $("who").textContent = state.seated
    ? state.name + " · you are " + state.party_label + ", negotiating with "
      + state.partners.map(function (p) { return p.name + " (" + p.label + ")"; }).join(" and ")
    : state.name;
  const status = $("status-text");
  $("clock").textContent = "";
  startClock($("timer"), state);
  $("table").hidden = true; $("compose").hidden = true; $("ended").hidden = true;
  if (!state.seated) {
    status.textContent = wasSeated
      ? "The instructor has given your seat to someone else. Wait to be seated again."
      : "Welcome. Wait for the instructor to pair the class.";
    $("history-card").hidden = true; $("sheet-card").hidden = true;
    sheetParty = null;
    return;
  }
  wasSeated = true;
  if (sheetParty !== state.party) {
    loadSheet(state.party).catch(function (error) { sheetParty = null; showError(error.message); });
  }
  const left = state.rounds_left;
  if (!state.ending) {
    $("clock").textContent = "Round " + state.round + " of " + state.rounds + " · "
      + left + (left === 1 ? " round left (the last)" : " rounds left")
      + (state.deadline === null ? " (then the talks end)" : " before the deadline");
  }
  $("walk-value").textContent = "(no deal is worth " + state.walk_away_points + " to you)";
  if (state.ending) {
    status.textContent = "The negotiation is over.";
    $("ended").hidden = false;
    const result = $("result");
    result.replaceChildren(el("p", state.ending.words));
    if (state.ending.terms) result.appendChild(termsList(state.ending.terms));
    result.appendChild(el("p", "Your points: " + state.ending.points
      + " · after the delay: " + state.ending.payoff, "score"));
    if (state.ending.status === "agreement") {
      result.appendChild(el("p", "No deal would have given you " + state.walk_away_points
        + " points.", "note"));
    }
  } else if (state.class_status !== "running") {
    status.textContent = {
      stopped: "The instructor has paused the negotiation.",
      over: "The time is up.",
    }[state.class_status] || "Read your role sheet. The instructor will start the negotiation.";
  } else if (state.turn === "respond") {
    $("table").hidden = false;
    const pending = $("pending");
    pending.replaceChildren(termsList(state.pending.terms),
      el("p", "Worth to you: " + state.pending.points + " points", "score"));
    if (group) {
      const cast = state.moves[state.moves.length - 1].votes;
      status.textContent = state.pending.by + " made an offer: vote for it (accept), against "
        + "it (reject) or walk away. It passes with " + state.votes_needed + " of "
        + (state.partners.length + 1) + " votes, " + state.pending.by + "'s included.";
      pending.appendChild(el("p", Object.keys(cast).length
        ? "Votes so far: " + votesText(cast) : "No other vote yet.", "note"));
    } else {
      status.textContent = "Your partner made an offer: accept, reject (then make yours) or walk away.";
    }
    $("walk").hidden = !state.can_walk;
  } else if (state.turn === "propose") {
    status.textContent = "Your turn: compose an offer and send it.";
    $("compose").hidden = false;
  } else {
    status.textContent = "Waiting for " + (group ? waitingFor(state) : state.partner) + "…";
  }
  $("history-card").hidden = state.moves.length === 0;
  fillRows($("history").tBodies[0], state.moves.map(function (m) {
    const answer = group
      ? (OUTCOMES[m.response] || "voting") + (Object.keys(m.votes).length ? " (" + votesText(m.votes) + ")" : "")
      : ANSWERS[m.response] || "waiting";
    return [m.round, m.by, termsText(m.terms), m.points, answer];
  }));
}

// Every answer carries the class's change count: one older than what is shown (a poll
// or a move's answer arriving after a newer event) is dropped.
let newest = -1;
function show(state) {
  if (state.changes < newest) return;
  newest = state.changes;
  render(state);
}

async function refresh() {
  try { show(await api("GET", base, headers)); }
  catch (error) { showError(error.message); }
}

async function act(path, body) {
  try { show(await api("POST", base + path, headers, body)); showError(""); }
  catch (error) { showError(error.message); }
}

function waitingFor(state) {  // who may move now, by name
  const names = state.partners.filter(function (p) { return state.waiting_for.includes(p.party); })
    .map(function (p) { return p.name + " (" + p.label + ")"; });
  return names.length ? names.join(" and ") : "the others";
}

$("send").addEventListener("click", function () { act("/offer", { package: composed() }); });
$("accept").addEventListener("click", function () { act("/answer", { response: "accept" }); });
$("reject").addEventListener("click", function () { act("/answer", { response: "reject" }); });
$("walk").addEventListener("click", function () {
  if (confirm("Walk away from the talks for good?")) act("/answer", { response: "walk_away" });
});
listen(base + "/events", headers, show, refresh);
