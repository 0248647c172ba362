// A trial's page (#experiment=NAME&trial=N): its outcome, configuration, metrics per epoch,
// attempts, worker, timings, checkpoint and, for a failed command trial, the last lines of its
// standard error. While the trial is pending or running, each live event for its experiment
// reads it again. State in <body>: data-loaded ("trial"/"error"), data-trial-state,
// data-epochs (rows of the per-epoch table), data-updates.
"use strict";

// A two-column table of [label, text] rows into the element `id` (emptied first).
function fillPairs(id, rows) {
  const table = document.getElementById(id);
  table.replaceChildren();
  for (const [label, text] of rows) {
    const row = table.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = label;
    row.appendChild(th);
    row.insertCell().textContent = text;
  }
}

function timeText(iso) {
  return iso ? new Date(iso).toLocaleString() + " (" + iso + ")" : "—";
}

function renderTrial(t) {
  document.getElementById("trial-title").textContent = "Trial #" + t.number + " · " + t.state;
  fillPairs("trial-summary", [
    ["state", t.state],
    ["value", t.value === undefined ? "—" : value(t.value)],
    ["reason", t.reason || "—"],
    ["worker", t.worker || "—"],
    ["attempts", String(t.attempts)],
    ["epochs", String(t.epochs)],
    ["rung", t.rung === undefined ? "—" : String(t.rung)],
    ["seed", t.seed],
  ]);
  fillPairs("trial-configuration", Object.keys(t.parameters).sort().map((k) => [k, value(t.parameters[k])]));
  fillPairs("trial-timings", [
    ["created", timeText(t.created)],
    ["started", timeText(t.started)],
    ["finished", timeText(t.finished)],
    ["duration", t.durationSeconds === undefined ? "—" : duration(t.durationSeconds) + " (" + value(t.durationSeconds) + " s)"],
    ["lease deadline", timeText(t.leaseDeadline)],
  ]);
  fillPairs("trial-metrics", Object.keys(t.metrics).sort().map((k) => [k, value(t.metrics[k])]));
  document.getElementById("trial-metrics-none").hidden = Object.keys(t.metrics).length > 0;

  // Metrics per epoch: the objective and every other metric any step reported.
  const names = [...new Set(t.intermediate.flatMap((s) => Object.keys(s.metrics)))].sort();
  const epochs = document.getElementById("trial-epochs");
  const head = epochs.tHead.rows[0];
  head.replaceChildren();
  for (const label of ["step", "objective"].concat(names)) {
    const th = document.createElement("th");
    th.textContent = label;
    head.appendChild(th);
  }
  const body = epochs.tBodies[0];
  body.replaceChildren();
  for (const s of t.intermediate) {
    const row = body.insertRow();
    row.insertCell().textContent = String(s.step);
    row.insertCell().textContent = value(s.value);
    for (const n of names) row.insertCell().textContent = s.metrics[n] === undefined ? "—" : value(s.metrics[n]);
  }
  epochs.hidden = t.intermediate.length === 0;
  document.getElementById("trial-epochs-none").hidden = t.intermediate.length > 0;

  const c = t.checkpoint;
  fillPairs("trial-checkpoint", c
    ? [["path", c.path], ["sha256", c.sha256], ["bytes", String(c.bytes)], ["written", timeText(c.created)]]
    : [["checkpoint", "none kept for this trial"]]);

  const tail = document.getElementById("trial-output");
  tail.textContent = t.outputTail || "";
  document.getElementById("trial-output-section").hidden = !t.outputTail;

  const data = document.body.dataset;
  data.trialState = t.state;
  data.epochs = String(t.intermediate.length);
  setStatus(t.experiment + " · trial #" + t.number);
}

function showTrial(name, numberText) {
  const body = document.body;
  document.getElementById("trial").hidden = false;
  const back = document.getElementById("trial-back");
  back.href = "#" + new URLSearchParams({ experiment: name }).toString();
  back.textContent = "← " + name;
  document.title = name + " #" + numberText + " · hpo dashboard";
  const path = "api/experiments/" + encodeURIComponent(name) + "/trials/" + encodeURIComponent(numberText);
  let state = null;
  let reading = false;
  const read = () => {
    if (reading) return Promise.resolve();
    reading = true;
    return api(path).then((t) => {
      state = t.state;
      renderTrial(t);
      body.dataset.updates = String(Number(body.dataset.updates || "-1") + 1);
    }).finally(() => { reading = false; });
  };
  read().then(() => {
    body.dataset.loaded = "trial";
    listen({
      experiment: (change) => {
        if (change.name !== name || (state !== "pending" && state !== "running")) return;
        read().catch((error) => setStatus("Cannot read the trial: " + error.message, true));
      },
      problem: (p) => setStatus(p.error, true),
    });
  }).catch((error) => {
    setStatus("Cannot show trial " + numberText + " of \"" + name + "\": " + error.message, true);
    body.dataset.loaded = "error";
  });
}
