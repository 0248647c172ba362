// The trial table of an experiment's page: pages of 50 trials from the server
// (GET api/experiments/NAME/trials), sortable by any column (click its heading; again to
// reverse), filtered by state and by one parameter's range or choice. Sort, order, state,
// param.NAME and page live in the address, so a reload or a shared link shows the same page.
// refresh() reads the same page again (the experiment page calls it on each live event): the
// rows are updated in place, so the sort, filter, page and scroll position stay.
// State in <body>: data-table ("loaded"/"error"), data-table-total, data-table-rows (the
// numbers shown), data-table-sort ("KEY ORDER"), data-table-page, data-table-refreshes.
"use strict";

const TABLE_PAGE = 50;
const TABLE_STATES = ["pending", "running", "complete", "pruned", "failed", "infeasible"];

class TrialTable {
  constructor(name) {
    this.name = name;
    this.path = "api/experiments/" + encodeURIComponent(name) + "/trials";
    this.space = null;
    this.reading = false;
    this.again = false;
    this.table = document.getElementById("trials");
    this.form = document.getElementById("trial-filter");
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this.applyForm(); });
    document.getElementById("filter-clear").addEventListener("click", () => this.setView({ state: null, filter: null }));
    document.getElementById("filter-parameter").addEventListener("change", () => this.showFilterInputs());
    for (const [id, move] of [["page-first", () => 1], ["page-previous", (p) => p - 1],
      ["page-next", (p) => p + 1], ["page-last", (p, last) => last]]) {
      document.getElementById(id).addEventListener("click", () => {
        const page = Math.min(Math.max(1, move(this.view().page, this.lastPage)), this.lastPage || 1);
        this.setView({ page: String(page) });
      });
    }
    // A link or the back button that changes only the table's part of the address.
    window.addEventListener("hashchange", () => this.refresh());
  }

  // The table's view in the address: sort, order, state, param.NAME=… and page (1-based).
  view() {
    const p = hashParameters();
    const page = Number(p.get("page"));
    const filters = [];
    for (const [key, v] of p) if (key.startsWith("param.")) filters.push([key, v]);
    return {
      sort: p.get("sort") || "number", order: p.get("order") === "desc" ? "desc" : "asc",
      state: p.get("state"), filters, page: Number.isInteger(page) && page > 0 ? page : 1,
    };
  }

  // Changes the view in the address and reads the page it names. filter: null clears every
  // param.NAME, [KEY, VALUE] sets one (the others cleared); a new sort or filter starts at page 1.
  setView(changes) {
    const update = {};
    for (const k of ["sort", "order", "state", "page"]) if (k in changes) update[k] = changes[k];
    if ("filter" in changes) {
      for (const [key] of this.view().filters) update[key] = null;
      if (changes.filter) update[changes.filter[0]] = changes.filter[1];
    }
    if (!("page" in changes)) update.page = null;
    updateHash(update);
    this.refresh();
  }

  sortBy(key) {
    const v = this.view();
    this.setView({ sort: key, order: v.sort === key && v.order === "asc" ? "desc" : "asc" });
  }

  applyForm() {
    const state = document.getElementById("filter-state").value;
    const parameter = document.getElementById("filter-parameter").value;
    let filter = null;
    if (parameter) {
      const p = this.space.find((s) => s.name === parameter);
      if (p.choices) {
        filter = ["param." + parameter, document.getElementById("filter-choice").value];
      } else {
        const low = document.getElementById("filter-low").value.trim();
        const high = document.getElementById("filter-high").value.trim();
        if (low || high) filter = ["param." + parameter, low + ".." + high];
      }
    }
    this.setView({ state: state || null, filter });
  }

  // Reads the page the address names; at most one read at a time, the last asked for wins.
  refresh() {
    if (this.reading) { this.again = true; return Promise.resolve(); }
    this.reading = true;
    const v = this.view();
    const query = new URLSearchParams({ sort: v.sort, order: v.order, offset: String((v.page - 1) * TABLE_PAGE), limit: String(TABLE_PAGE) });
    if (v.state) query.set("state", v.state);
    for (const [key, value] of v.filters) query.set(key, value);
    return api(this.path + "?" + query.toString()).then((answer) => {
      this.render(answer, v);
      document.body.dataset.table = "loaded";
      document.body.dataset.tableRefreshes = String(Number(document.body.dataset.tableRefreshes || "-1") + 1);
    }).catch((error) => {
      document.getElementById("trials-message").textContent = "Cannot read the trials: " + error.message;
      document.body.dataset.table = "error";
    }).finally(() => {
      this.reading = false;
      if (this.again) { this.again = false; this.refresh(); }
    });
  }

  columns() {
    const fixed = [["number", "#"], ["state", "state"], ["value", "value"]];
    const parameters = this.space.map((p) => ["param." + p.name, p.name]);
    return fixed.concat(parameters, [["worker", "worker", false], ["started", "started"], ["duration", "duration"]]);
  }

  render(answer, v) {
    if (!this.space) {
      this.space = answer.space;
      this.buildHead();
      this.buildForm(v);
    }
    for (const th of this.table.tHead.rows[0].cells) {
      const key = th.dataset.key;
      th.setAttribute("aria-sort", key === v.sort ? (v.order === "asc" ? "ascending" : "descending") : "none");
      const mark = th.querySelector(".sort-mark");
      if (mark) mark.textContent = key === v.sort ? (v.order === "asc" ? " ▲" : " ▼") : "";
    }
    const body = this.table.tBodies[0];
    const columns = this.columns();
    // Rows are reused, not rebuilt: what the reader looks at stays where it is.
    while (body.rows.length < answer.trials.length) {
      const row = body.insertRow();
      for (let i = 0; i < columns.length; i++) row.insertCell();
    }
    while (body.rows.length > answer.trials.length) body.deleteRow(-1);
    answer.trials.forEach((t, i) => this.fillRow(body.rows[i], t, columns));
    this.lastPage = Math.max(1, Math.ceil(answer.total / TABLE_PAGE));
    const first = answer.total === 0 ? 0 : answer.offset + 1;
    const last = answer.offset + answer.trials.length;
    document.getElementById("trials-message").textContent = answer.total === 0
      ? "No trial matches."
      : "Trials " + first + "–" + last + " of " + answer.total + " · page " + v.page + " of " + this.lastPage;
    document.getElementById("page-previous").disabled = v.page <= 1;
    document.getElementById("page-first").disabled = v.page <= 1;
    document.getElementById("page-next").disabled = v.page >= this.lastPage;
    document.getElementById("page-last").disabled = v.page >= this.lastPage;
    const data = document.body.dataset;
    data.tableTotal = String(answer.total);
    data.tableRows = answer.trials.map((t) => t.number).join(",");
    data.tableSort = v.sort + " " + v.order;
    data.tablePage = String(v.page);
  }

  fillRow(row, t, columns) {
    const texts = columns.map(([key]) => {
      if (key === "number") return null;
      if (key === "state") return t.state;
      if (key === "value") return t.value === undefined ? "—" : value(t.value);
      if (key.startsWith("param.")) {
        const p = t.parameters[key.slice(6)];
        return p === undefined ? "—" : value(p);
      }
      if (key === "worker") return t.worker || "—";
      if (key === "started") return t.started ? new Date(t.started).toLocaleString() : "—";
      return t.durationSeconds === undefined ? "—" : duration(t.durationSeconds);
    });
    row.dataset.number = String(t.number);
    texts.forEach((text, i) => {
      const td = row.cells[i];
      if (i === 0) {
        let link = td.firstChild;
        if (!link) { link = document.createElement("a"); td.appendChild(link); }
        link.href = "#" + new URLSearchParams({ experiment: this.name, trial: String(t.number) }).toString();
        link.textContent = "#" + t.number;
        td.className = "number";
      } else {
        const key = columns[i][0];
        td.textContent = text;
        td.className = key === "state" ? "state-" + t.state : key === "worker" ? "" : "number";
      }
    });
  }

  buildHead() {
    const row = this.table.tHead.rows[0];
    row.replaceChildren();
    for (const [key, label, sortable] of this.columns()) {
      const th = document.createElement("th");
      th.dataset.key = key;
      if (sortable === false) {
        th.textContent = label;
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        const mark = document.createElement("span");
        mark.className = "sort-mark";
        button.appendChild(mark);
        button.addEventListener("click", () => this.sortBy(key));
        th.appendChild(button);
      }
      row.appendChild(th);
    }
  }

  buildForm(v) {
    const state = document.getElementById("filter-state");
    for (const s of [""].concat(TABLE_STATES)) state.add(new Option(s || "every state", s));
    state.value = v.state || "";
    const parameter = document.getElementById("filter-parameter");
    parameter.add(new Option("no parameter", ""));
    for (const p of this.space) parameter.add(new Option(p.name, p.name));
    const [key, text] = v.filters[0] || [null, null];
    if (key) {
      parameter.value = key.slice(6);
      const p = this.space.find((s) => s.name === key.slice(6));
      if (p && !p.choices) {
        const [low, high] = text.split("..");
        document.getElementById("filter-low").value = low || "";
        document.getElementById("filter-high").value = high || "";
      }
      this.showFilterInputs(text);
    } else {
      this.showFilterInputs();
    }
    this.form.hidden = false;
  }

  // Shows the inputs the chosen parameter takes: low and high for a number, a choice otherwise.
  showFilterInputs(chosen) {
    const name = document.getElementById("filter-parameter").value;
    const p = this.space.find((s) => s.name === name);
    document.getElementById("filter-range").hidden = !p || Boolean(p.choices);
    const choice = document.getElementById("filter-choice");
    choice.hidden = !p || !p.choices;
    choice.replaceChildren();
    if (p && p.choices) {
      for (const c of p.choices) choice.add(new Option(c, c));
      if (chosen !== undefined) choice.value = chosen;
    }
    if (p && !p.choices) {
      document.getElementById("filter-low").placeholder = String(p.low);
      document.getElementById("filter-high").placeholder = String(p.high);
    }
  }
}
