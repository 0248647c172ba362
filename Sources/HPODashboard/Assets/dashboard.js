// The hpo dashboard: what every view shares (the token, the API, the event stream, the route)
// and the experiments list. Every piece of text from the store is put into the page with
// textContent (never as markup), so a name containing <script> shows as text.
"use strict";

// The page's address after "#": view parameters (experiment=NAME, trial=N, zoom=LO,HI, the
// trial table's sort, order, state, param.NAME and page) and, once, token=…
function hashParameters() {
  return new URLSearchParams(location.hash.slice(1));
}

// Sets (a string) or removes (null) parameters of the address without a reload or a history
// entry, keeping the others (a view's zoom and the table's sort live side by side).
function updateHash(changes) {
  const parameters = hashParameters();
  for (const [name, v] of Object.entries(changes)) {
    if (v === null || v === undefined) parameters.delete(name);
    else parameters.set(name, v);
  }
  history.replaceState(null, "", "#" + parameters.toString());
}

// A token given as #token=… is kept for this tab, taken out of the address, and sent as a
// bearer token to the API.
const token = (() => {
  const parameters = hashParameters();
  if (parameters.has("token")) {
    sessionStorage.setItem("hpo.token", parameters.get("token"));
    parameters.delete("token");
    const rest = parameters.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? "#" + rest : ""));
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

// Follows GET /api/events: handlers.experiment(summary) for each experiment event,
// handlers.problem({error}) for a store that cannot be read. Without a token the browser's
// EventSource does it (and reconnects after the server's retry: field); with one, a fetch
// reads the stream, since EventSource cannot send a header, and reconnects the same way.
function listen(handlers) {
  const live = (state) => { document.body.dataset.live = state; };
  if (!token) {
    const source = new EventSource("api/events");
    source.onopen = () => live("open");
    source.onerror = () => live("reconnecting");
    for (const type of ["experiment", "problem"]) {
      source.addEventListener(type, (event) => handlers[type] && handlers[type](JSON.parse(event.data)));
    }
    return;
  }
  let retry = 2000;
  const connect = async () => {
    try {
      const response = await fetch("api/events", { headers: { Authorization: "Bearer " + token } });
      if (!response.ok) throw new Error(response.statusText);
      live("open");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("retry: ")) retry = Number(line.slice(7)) || retry;
            else if (line.startsWith("event: ")) type = line.slice(7);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (data.length && handlers[type]) handlers[type](JSON.parse(data.join("\n")));
        }
      }
    } catch (error) {
      console.warn("event stream: " + error.message + "; reconnecting");
    }
    live("reconnecting");
    setTimeout(connect, retry);
  };
  connect();
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
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

function finished(counts) {
  return counts.complete + counts.pruned + counts.failed + counts.infeasible;
}

function setStatus(text, isError) {
  const status = document.getElementById("status");
  status.className = isError ? "error" : "";
  status.textContent = text;
}

function renderList(experiments) {
  const body = document.querySelector("#experiments tbody");
  body.replaceChildren();
  for (const e of experiments) {
    const row = document.createElement("tr");
    const link = document.createElement("a");
    link.href = "#" + new URLSearchParams({ experiment: e.name }).toString();
    link.textContent = e.name;
    cell(row, "").appendChild(link);
    cell(row, e.state, "state-" + e.state);
    cell(row, finished(e.counts) + " / " + e.budget, "number");
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
  setStatus(experiments.length === 1 ? "1 experiment" : experiments.length + " experiments");
  document.body.dataset.loaded = "experiments";
}

// The experiments list, read again (at most one read at a time) when an event says it changed.
function showList() {
  let reading = false;
  let again = false;
  const read = () => {
    if (reading) { again = true; return; }
    reading = true;
    api("api/experiments").then((answer) => renderList(answer.experiments)).catch((error) => {
      setStatus("Cannot read the experiments: " + error.message, true);
      document.body.dataset.loaded = "error";
    }).finally(() => {
      reading = false;
      if (again) { again = false; read(); }
    });
  };
  read();
  listen({ experiment: read, problem: (p) => setStatus(p.error, true) });
}

// The view the address names: a trial's page (#experiment=NAME&trial=N), an experiment's
// page (#experiment=NAME) or the list.
function route() {
  const parameters = hashParameters();
  const name = parameters.get("experiment");
  if (name === null) showList();
  else if (parameters.has("trial")) showTrial(name, parameters.get("trial"));
  else showExperiment(name);
}

// Another view is another page load, so no view's state or stream lingers.
window.addEventListener("hashchange", (event) => {
  const view = (url) => {
    const p = new URLSearchParams(new URL(url).hash.slice(1));
    return JSON.stringify([p.get("experiment"), p.get("trial")]);
  };
  if (view(event.oldURL) !== view(event.newURL)) location.reload();
});
document.addEventListener("DOMContentLoaded", route);
