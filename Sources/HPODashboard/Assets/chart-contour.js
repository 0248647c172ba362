// A contour plot of the objective over a chosen pair of parameters (two selects above it; at
// first the two most important): the complete trials' objective averaged on a 40 × 40 grid of
// the two axes (empty cells filled from their neighbours), its level lines drawn by d3-contour,
// and the trials as dots. From
// GET /api/experiments/{name}/columns; the chosen pair stays across new data.
// data-marks: the trials drawn (those with both parameters).
"use strict";

class ContourChart extends Chart {
  constructor(figure, selectX, selectY) {
    super(figure, 620, 460, { left: 80, right: 16, top: 12, bottom: 40 });
    this.selects = [selectX, selectY];
    for (const s of this.selects) s.addEventListener("change", () => this.columns && this.draw());
  }

  // ranked: parameter names, most important first; the pair shown until one is chosen is its first two.
  setData(columns, ranked) {
    this.columns = columns;
    const names = columns.parameters.map((p) => p.name);
    const preferred = ranked.filter((n) => names.includes(n)).concat(names.filter((n) => !ranked.includes(n)));
    // The options, by name as text; the current choice kept when it is still a parameter.
    this.selects.forEach((select, k) => {
      const chosen = names.includes(select.value) ? select.value : preferred[Math.min(k, preferred.length - 1)];
      if ([...select.options].map((o) => o.value).join("\n") !== names.join("\n")) {
        select.replaceChildren(...names.map((n) => {
          const option = document.createElement("option");
          option.value = n;
          option.textContent = n;
          return option;
        }));
      }
      if (chosen !== undefined) select.value = chosen;
    });
    this.draw();
  }

  draw() {
    const columns = this.columns;
    const axes = this.selects.map((s) => columns.parameters.find((p) => p.name === s.value));
    const c = this.context();
    this.svg.selectAll("g.axes").remove();
    if (!axes[0] || !axes[1] || axes[0] === axes[1]) {
      this.setMarks(0);
      this.note(columns.parameters.length < 2 ? "A contour plot needs two searched parameters." : "Choose two different parameters.");
      return;
    }
    this.note("");
    const { left, top } = this.margin;
    const x = parameterScale(axes[0], [left, left + this.plotWidth]);
    const y = parameterScale(axes[1], [top + this.plotHeight, top]);
    this.axes(x, y, axes[0].name, axes[1].name);
    this.svg.select("g.x").call(parameterAxis(d3.axisBottom, x));
    this.svg.select("g.y").call(parameterAxis(d3.axisLeft, y));
    const xs = columns.values[axes[0].name];
    const ys = columns.values[axes[1].name];
    const objective = columns.value.map(finiteNumber);
    const rows = [];
    for (let i = 0; i < columns.number.length; i++) {
      if (columns.state[i] === "complete" && Number.isFinite(objective[i]) && xs[i] !== null && ys[i] !== null) rows.push(i);
    }
    const extent = finiteExtent(rows.map((i) => objective[i])) || [0, 1];
    const color = objectiveColor(extent[0], extent[1], columns.direction);
    // The grid: the mean objective of the trials in each cell, in pixel space.
    const n = 40;
    const sum = new Float64Array(n * n);
    const count = new Float64Array(n * n);
    const cell = (px, size, from) => Math.max(0, Math.min(n - 1, Math.floor(((px - from) / size) * n)));
    for (const i of rows) {
      const k = cell(y(ys[i]), this.plotHeight, top) * n + cell(x(xs[i]), this.plotWidth, left);
      sum[k] += objective[i];
      count[k] += 1;
    }
    const grid = ContourChart.fill(sum, count, n);
    if (grid) {
      const thresholds = d3.ticks(extent[0], extent[1], 10);
      const scale = (v) => [left + (v[0] / n) * this.plotWidth, top + (v[1] / n) * this.plotHeight];
      const path = d3.geoPath(d3.geoTransform({ point(px, py) { const p = scale([px, py]); this.stream.point(p[0], p[1]); } }), c);
      c.globalAlpha = 0.85;
      for (const band of d3.contours().size([n, n]).thresholds(thresholds)(grid)) {
        c.beginPath();
        path(band);
        c.fillStyle = color(band.value);
        c.fill();
      }
      c.globalAlpha = 1;
    }
    const jitter = (i, s) => (s.categorical ? (((columns.number[i] * 2654435761) % 1000) / 1000 - 0.5) * 6 : 0);
    c.fillStyle = "#1d2330";
    for (const i of rows) c.fillRect(x(xs[i]) + jitter(i, x) - 1.5, y(ys[i]) + jitter(i + 7, y) - 1.5, 3, 3);
    this.setMarks(rows.length);
  }

  // The cells' means, empty cells taking the mean of their filled neighbours (repeated until
  // every cell has a value); null when no cell has a trial.
  static fill(sum, count, n) {
    const grid = new Float64Array(n * n).fill(NaN);
    let empty = 0;
    for (let k = 0; k < n * n; k++) {
      if (count[k] > 0) grid[k] = sum[k] / count[k];
      else empty++;
    }
    if (empty === n * n) return null;
    while (empty > 0) {
      const next = grid.slice();
      for (let r = 0; r < n; r++) {
        for (let q = 0; q < n; q++) {
          const k = r * n + q;
          if (!Number.isNaN(grid[k])) continue;
          let s = 0;
          let m = 0;
          for (const [dr, dq] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
            const rr = r + dr;
            const qq = q + dq;
            if (rr < 0 || rr >= n || qq < 0 || qq >= n || Number.isNaN(grid[rr * n + qq])) continue;
            s += grid[rr * n + qq];
            m++;
          }
          if (m) { next[k] = s / m; empty--; }
        }
      }
      grid.set(next);
    }
    return Array.from(grid);
  }
}
