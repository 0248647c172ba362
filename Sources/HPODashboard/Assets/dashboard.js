// The experiments list of the hpo dashboard. Every piece of text from the store is put into
// the page with textContent (never as markup), so a name containing <script> shows as text.
"use strict";

// A token given as #token=… is kept for this tab and sent as a bearer token to the API.
const token = (() => {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem("hpo.token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("hpo.token");
})();

async function api(path) {
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const response = await fetch(path, { headers });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
}

function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
}

function value(v) {
  return typeof v === "number" ? v.toPrecision(6).replace(/\.?0+$/, "") : String(v);
}

function render(experiments) {
  const body = document.querySelector("#experiments tbody");
  body.replaceChildren();
  for (const e of experiments) {
    const row = document.createElement("tr");
    const done = e.counts.complete + e.counts.pruned + e.counts.failed + e.counts.infeasible;
    cell(row, e.name);
    cell(row, e.state, "state-" + e.state);
    cell(row, done + " / " + e.budget, "number");
    cell(row, String(e.counts.complete), "number");
    cell(row, String(e.counts.running), "number");
    cell(row, String(e.counts.pruned), "number");
    cell(row, String(e.counts.failed), "number");
    cell(row, e.best ? value(e.best.value) : "—", "number");
    cell(row, e.best ? "#" + e.best.trial : "—", "number");
    cell(row, new Date(e.started).toLocaleString());
    cell(row, duration(e.durationSeconds), "number");
    body.appendChild(row);
  }
  document.getElementById("experiments").hidden = false;
  const status = document.getElementById("status");
  status.className = "";
  status.textContent = experiments.length === 1 ? "1 experiment" : experiments.length + " experiments";
  document.body.dataset.loaded = "experiments";
}

api("api/experiments").then((answer) => render(answer.experiments)).catch((error) => {
  const status = document.getElementById("status");
  status.className = "error";
  status.textContent = "Cannot read the experiments: " + error.message;
  document.body.dataset.loaded = "error";
});
