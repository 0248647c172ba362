// The timeline: a row per worker, a bar per trial from its start to its end (a running trial's to
// now), coloured by its state. Drag across it to zoom on a span of time, double-click to see it
// all; new data (setData) keeps the zoom. From GET /api/experiments/{name}/columns.
// data-marks: the bars drawn; data-rows: the workers; data-zoom: "LO,HI" seconds or "all".
"use strict";

class TimelineChart extends Chart {
  constructor(figure) {
    super(figure, 900, 120, { left: 110, right: 16, top: 8, bottom: 40 });
    this.zoom = null;
    this.figure.dataset.zoom = "all";
  }

  setData(columns) {
    this.columns = columns;
    const workers = [...new Set(columns.worker.filter((w) => w !== null))]
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    // The span shown in full: to the last end, a running trial's being now.
    let last = 0;
    for (let i = 0; i < columns.number.length; i++) {
      const end = columns.state[i] === "running" ? columns.now : (columns.finished[i] ?? columns.started[i]);
      if (end !== null && end > last) last = end;
    }
    this.last = last;
    const rowHeight = Math.max(4, Math.min(22, 400 / Math.max(1, workers.length)));
    const height = Math.max(120, workers.length * rowHeight + this.margin.top + this.margin.bottom);
    if (height !== this.height) {
      this.height = height;
      this.figure.style.height = height + "px";
      this.svg.attr("height", height);
      d3.select(this.canvas).attr("height", height);
    }
    this.workers = workers;
    this.draw();
  }

  draw() {
    const columns = this.columns;
    const { left, top } = this.margin;
    const full = [0, Math.max(1, this.last)];
    const x = d3.scaleLinear().domain(this.zoom || full).range([left, left + this.plotWidth]);
    const y = d3.scaleBand().domain(this.workers).range([top, top + this.plotHeight]).padding(0.15);
    this.x = x;
    this.svg.selectAll("g.x").data([0]).join("g").attr("class", "x axis")
      .attr("transform", `translate(0,${top + this.plotHeight})`).call(d3.axisBottom(x).ticks(8, ".3~g"));
    this.svg.selectAll("g.y").data([0]).join("g").attr("class", "y axis")
      .attr("transform", `translate(${left},0)`).call(d3.axisLeft(y).tickValues(this.workers.length > 40 ? [] : null));
    this.svg.selectAll("text.x-title").data([0]).join("text").attr("class", "x-title axis-title")
      .attr("x", left + this.plotWidth / 2).attr("y", this.height - 6).attr("text-anchor", "middle")
      .text("seconds since the first trial started");
    const brush = d3.brushX().extent([[left, top], [left + this.plotWidth, top + this.plotHeight]])
      .on("end", () => {
        const s = d3.event.selection;
        if (!s) return;
        this.svg.select("g.brush").call(brush.move, null);
        this.setZoom([x.invert(s[0]), x.invert(s[1])]);
      });
    this.svg.selectAll("g.brush").data([0]).join("g").attr("class", "brush").call(brush)
      .on("dblclick", () => this.setZoom(null));

    const c = this.context();
    c.save();
    c.beginPath();
    c.rect(left, top, this.plotWidth, this.plotHeight);
    c.clip();
    const paths = {};
    let marks = 0;
    const [t0, t1] = x.domain();
    for (let i = 0; i < columns.number.length; i++) {
      const start = columns.started[i];
      const worker = columns.worker[i];
      if (start === null || worker === null) continue;
      const state = columns.state[i];
      let end = columns.finished[i];
      if (end === null) end = state === "running" ? columns.now : start;
      if (end < t0 || start > t1) continue;
      const path = paths[state] || (paths[state] = new Path2D());
      const a = x(start);
      path.rect(a, y(worker), Math.max(1, x(end) - a), y.bandwidth());
      marks++;
    }
    for (const [state, path] of Object.entries(paths)) {
      c.fillStyle = STATE_COLORS[state] || "#5b6475";
      c.fill(path);
    }
    c.restore();
    this.setMarks(marks);
    this.figure.dataset.rows = String(this.workers.length);
    this.note(this.workers.length ? "" : "No trial has started yet.");
  }

  // range: [from, to] seconds, or null for all of it.
  setZoom(range) {
    this.zoom = range;
    this.figure.dataset.zoom = range ? range.map((v) => +v.toFixed(3)).join(",") : "all";
    this.draw();
  }
}
