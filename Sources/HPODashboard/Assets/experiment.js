// One experiment's page of the hpo dashboard (#experiment=NAME, optionally &zoom=LO,HI): a live
// header (done, running, pruned, failed, trials per second, ETA, best so far and its
// configuration), the optimisation history plot, the charts below it (charts.js), the release
// panel (release.js) and the trial table (table.js). Events from /api/events update them in
// place; the plots keep their zoom and brushes, the table its sort, filter, page and scroll. The
// state is mirrored in data-* attributes of <body> for tests and scripts:
// data-loaded, data-done, data-points, data-updates, data-zoom ("LO,HI" or "all"), data-live,
// data-charts ("drawn" once the history and every chart are), data-drawn-ms and data-history-ms
// (when every chart, and the history alone, were first drawn: ms after the navigation started),
// data-chart-updates.
"use strict";

// The zoom of the address (zoom=LO,HI with integers LO < HI), or null.
function zoomFromHash() {
  const text = hashParameters().get("zoom");
  if (text === null) return null;
  const match = /^(\d+),(\d+)$/.exec(text);
  if (!match || Number(match[1]) >= Number(match[2])) {
    console.warn("zoom=" + text + ": not a range of trial numbers LO,HI with LO < HI; showing every trial");
    return null;
  }
  return [Number(match[1]), Number(match[2])];
}

// The time left at the rate so far: the trials not yet finished of the budget over trials per
// second; "—" before a trial finished, "ended" once the experiment has.
function eta(summary, done, rate) {
  if (summary.finished || ["finished", "cancelled", "failed"].includes(summary.state)) return "ended";
  const left = Math.max(0, summary.budget - done);
  if (left === 0) return "finishing";
  return rate > 0 ? duration(left / rate) : "—";
}

function showExperiment(name) {
  const body = document.body;
  const path = "api/experiments/" + encodeURIComponent(name);
  document.getElementById("experiment").hidden = false;
  document.getElementById("experiment-name").textContent = name;
  document.title = name + " · hpo dashboard";
  let summary = null;
  let current = null;

  const plot = new HistoryPlot(document.getElementById("history"), (range) => {
    body.dataset.zoom = range ? range.join(",") : "all";
    updateHash({ zoom: range ? range.join(",") : null });
  });
  const charts = new ExperimentCharts(path);
  const zoom = zoomFromHash();
  plot.zoom = zoom;
  body.dataset.zoom = zoom ? zoom.join(",") : "all";

  const text = (id, t) => { document.getElementById(id).textContent = t; };
  const renderHeader = () => {
    const c = summary.counts;
    const done = finished(c);
    text("h-done", done + " / " + summary.budget);
    text("h-running", String(c.running));
    text("h-pruned", String(c.pruned));
    text("h-failed", String(c.failed));
    const seconds = summary.finished
      ? summary.durationSeconds
      : Math.max(0, (Date.now() - new Date(summary.started).getTime()) / 1000);
    const rate = seconds > 0 ? done / seconds : 0;
    text("h-rate", rate > 0 ? rate.toPrecision(3) : "—");
    text("h-eta", eta(summary, done, rate));
    text("h-best", summary.best ? value(summary.best.value) + " (trial #" + summary.best.trial + ")" : "—");
    const best = current && current.best;
    text("h-configuration", best
      ? "Best configuration: " + Object.keys(best.parameters).sort().map((k) => k + " = " + value(best.parameters[k])).join(", ")
      : "");
    body.dataset.done = String(done);
    offerCancel(summary.state);
    setStatus(summary.state + " · " + summary.objective + " (" + summary.direction + ")");
  };

  // The history, read again (at most one read at a time) when an event says the experiment changed.
  let reading = false;
  let again = false;
  const readHistory = () => {
    if (reading) { again = true; return Promise.resolve(); }
    reading = true;
    return api(path + "/history").then((answer) => {
      current = answer;
      plot.setData(answer);
      body.dataset.points = String(answer.number.length);
      body.dataset.updates = String(Number(body.dataset.updates || "-1") + 1);
      renderHeader();
    }).finally(() => {
      reading = false;
      if (again) { again = false; readHistory(); }
    });
  };

  const table = new TrialTable(name);
  const offerCancel = cancelButton(name);
  api("api/experiments").then((answer) => {
    summary = answer.experiments.find((e) => e.name === name);
    if (!summary) throw new Error("no experiment named \"" + name + "\"");
    const history = readHistory().then(() => { body.dataset.historyMs = String(Math.round(performance.now())); });
    return Promise.all([history, charts.read(), table.refresh()]);
  }).then(() => {
    // Every chart is drawn: the marker the tests and the page-load benchmark wait for.
    body.dataset.drawnMs = String(Math.round(performance.now()));
    body.dataset.charts = "drawn";
    body.dataset.loaded = "experiment";
    const readRelease = releasePanel(name);
    listen({
      experiment: (change) => {
        if (change.name !== name) return;
        Object.assign(summary, change);
        renderHeader();
        readHistory().catch((error) => setStatus("Cannot read the history: " + error.message, true));
        charts.refresh();
        table.refresh();
        readRelease();
      },
      problem: (p) => setStatus(p.error, true),
    });
  }).catch((error) => {
    setStatus("Cannot show experiment \"" + name + "\": " + error.message, true);
    body.dataset.loaded = "error";
  });
}
