// The release panel of an experiment's page (GET api/experiments/NAME/release): the outcome,
// each gate with its value, threshold and decision, the drift and data gates apart, the
// champion comparison, the package path and its checksums, and the files the store names that
// could not be read. Hidden while no release stage is owed. State in <body>: data-release
// (the stage: none, pending, done) and data-gates (gate rows shown).
"use strict";

function gateRow(table, g) {
  const row = table.tBodies[0].insertRow();
  row.insertCell().textContent = g.name;
  row.insertCell().textContent = g.kind;
  row.insertCell().textContent = g.value === undefined || g.value === null ? "—" : value(g.value);
  row.insertCell().textContent = g.threshold;
  const decision = row.insertCell();
  decision.textContent = g.passed ? "passed" : "failed";
  decision.className = g.passed ? "passed" : "failed";
  row.insertCell().textContent = g.detail;
}

function renderRelease(r) {
  const section = document.getElementById("release");
  document.body.dataset.release = r.stage;
  section.hidden = r.stage === "none";
  if (r.stage === "none") return;
  const outcome = document.getElementById("release-outcome");
  if (r.stage === "pending") {
    outcome.textContent = "The release stage has not recorded an outcome yet.";
    outcome.className = "";
  } else {
    outcome.textContent = r.status + ": " + r.message;
    outcome.className = r.status === "passed" ? "passed" : "failed";
  }
  const gates = (r.gates || []).filter((g) => g.kind !== "drift" && g.kind !== "data");
  const drift = (r.gates || []).filter((g) => g.kind === "drift" || g.kind === "data");
  for (const [id, list] of [["release-gates", gates], ["release-drift", drift]]) {
    const table = document.getElementById(id);
    table.tBodies[0].replaceChildren();
    for (const g of list) gateRow(table, g);
    table.hidden = list.length === 0;
  }
  document.getElementById("release-drift-none").hidden = drift.length > 0 || r.stage !== "done";
  document.body.dataset.gates = String(gates.length + drift.length);

  const c = r.champion;
  const champion = [];
  if (c) {
    champion.push(["entry", c.entry + " (" + c.version + ")"], ["metric", c.metric],
      ["champion", c.champion === null || c.champion === undefined ? "—" : value(c.champion)],
      ["winner", c.winner === null || c.winner === undefined ? "—" : value(c.winner)],
      ["difference", c.difference === null || c.difference === undefined ? "—" : value(c.difference)]);
    if (c.mcnemar) {
      champion.push(["McNemar", (c.mcnemar.exact ? "exact" : "χ²") + " p = " + value(c.mcnemar.p_value) + "; winner alone right on " +
        c.mcnemar.winner_only + " rows, champion alone on " + c.mcnemar.champion_only]);
    }
    if (c.bootstrap) {
      champion.push(["paired bootstrap", "95% interval [" + value(c.bootstrap.low) + ", " + value(c.bootstrap.high) + "] over " +
        c.bootstrap.resamples + " resamples"]);
    }
  } else {
    champion.push(["champion", r.stage === "done" ? "no champion compared" : "—"]);
  }
  fillPairs("release-champion", champion);

  const w = r.winner;
  fillPairs("release-package", [
    ["winner", w && w.trial !== undefined && w.trial !== null ? "trial #" + w.trial : "—"],
    ["package", r.package || "—"],
    ["report", r.report || "—"],
    ["recorded", r.recorded ? timeText(r.recorded) : "—"],
  ]);
  const sums = document.getElementById("release-checksums");
  sums.tBodies[0].replaceChildren();
  for (const s of r.checksums || []) {
    const row = sums.tBodies[0].insertRow();
    row.insertCell().textContent = s.file;
    row.insertCell().textContent = s.sha256;
  }
  sums.hidden = !r.checksums || r.checksums.length === 0;
  const unreadable = document.getElementById("release-unreadable");
  unreadable.replaceChildren();
  for (const u of r.unreadable) {
    const item = document.createElement("li");
    item.textContent = u.file + ": " + u.reason;
    unreadable.appendChild(item);
  }
  unreadable.hidden = r.unreadable.length === 0;
}

// Reads the panel now and again on each call of the function it returns (at most one read
// at a time), until the stage is done.
function releasePanel(name) {
  const path = "api/experiments/" + encodeURIComponent(name) + "/release";
  let stage = null;
  let reading = false;
  const read = () => {
    if (reading || stage === "done") return;
    reading = true;
    api(path).then((r) => { stage = r.stage; renderRelease(r); })
      .catch((error) => setStatus("Cannot read the release: " + error.message, true))
      .finally(() => { reading = false; });
  };
  read();
  return read;
}
