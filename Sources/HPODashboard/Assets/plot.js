// The optimisation history plot of the hpo dashboard, drawn on a <canvas>: a dot per finished
// trial (filled: complete; hollow: pruned) and the best-so-far step line. Hand-written rather
// than a charting library (see the README, "Dashboard"). Drag across it to zoom on a range of
// trial numbers, double-click to see every trial; new data (setData) keeps the zoom.
"use strict";

class HistoryPlot {
  // onZoom(range) is called with [lo, hi] or null (every trial) when the user zooms.
  constructor(canvas, onZoom) {
    this.canvas = canvas;
    this.onZoom = onZoom;
    this.data = null;
    this.zoom = null;
    this.drag = null;
    this.margin = { left: 64, right: 16, top: 12, bottom: 36 };
    canvas.addEventListener("mousedown", (e) => { this.drag = { from: this.xAt(e), to: this.xAt(e) }; });
    canvas.addEventListener("mousemove", (e) => {
      if (!this.drag) return;
      this.drag.to = this.xAt(e);
      this.draw();
    });
    canvas.addEventListener("mouseup", () => {
      if (!this.drag) return;
      const lo = Math.min(this.drag.from, this.drag.to);
      const hi = Math.max(this.drag.from, this.drag.to);
      this.drag = null;
      if (hi - lo >= 1) this.setZoom([Math.floor(lo), Math.ceil(hi)]);
      else this.draw();
    });
    canvas.addEventListener("dblclick", () => this.setZoom(null));
  }

  // history: the answer of GET /api/experiments/{name}/history.
  setData(history) {
    this.data = history;
    this.draw();
  }

  // range: [lo, hi] trial numbers, or null for every trial.
  setZoom(range) {
    this.zoom = range;
    this.draw();
    this.onZoom(range);
  }

  // The x range shown: the zoom, or every trial.
  xRange() {
    if (this.zoom) return this.zoom;
    return [0, Math.max(1, (this.data ? this.data.trials : 1) - 1)];
  }

  plotWidth() { return this.canvas.width - this.margin.left - this.margin.right; }
  plotHeight() { return this.canvas.height - this.margin.top - this.margin.bottom; }

  // The trial number under the mouse.
  xAt(event) {
    const box = this.canvas.getBoundingClientRect();
    const px = (event.clientX - box.left) * (this.canvas.width / box.width) - this.margin.left;
    const [lo, hi] = this.xRange();
    return lo + Math.max(0, Math.min(1, px / this.plotWidth())) * (hi - lo);
  }

  // Numbers between lo and hi at a round step: about `count` of them.
  static ticks(lo, hi, count, integer) {
    const span = hi - lo || 1;
    const raw = span / count;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
    if (integer) step = Math.max(1, Math.round(step));
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
    return out;
  }

  // Draws everything; returns how many trials' dots it drew (also in the canvas's data-marks).
  draw() {
    const c = this.canvas.getContext("2d");
    const { left, top } = this.margin;
    const w = this.plotWidth();
    const h = this.plotHeight();
    c.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const d = this.data;
    const [x0, x1] = this.xRange();
    let marks = 0;
    if (!d) return marks;
    // The y range of what is shown: dots and best line within the x range.
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < d.number.length; i++) {
      if (d.number[i] < x0 || d.number[i] > x1) continue;
      y0 = Math.min(y0, d.value[i]);
      y1 = Math.max(y1, d.value[i]);
    }
    if (y0 === Infinity) { y0 = 0; y1 = 1; }
    if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
    const pad = (y1 - y0) * 0.05;
    y0 -= pad;
    y1 += pad;
    const px = (x) => left + ((x - x0) / (x1 - x0)) * w;
    const py = (y) => top + (1 - (y - y0) / (y1 - y0)) * h;

    // Axes, ticks and labels.
    c.strokeStyle = "#c9ced8";
    c.fillStyle = "#5b6475";
    c.font = "12px system-ui, sans-serif";
    c.lineWidth = 1;
    c.strokeRect(left, top, w, h);
    c.textAlign = "center";
    c.textBaseline = "top";
    for (const t of HistoryPlot.ticks(x0, x1, 8, true)) c.fillText(String(t), px(t), top + h + 6);
    c.fillText("trial", left + w / 2, top + h + 20);
    c.textAlign = "right";
    c.textBaseline = "middle";
    for (const t of HistoryPlot.ticks(y0, y1, 6, false)) c.fillText(value(t), left - 6, py(t));

    c.save();
    c.beginPath();
    c.rect(left, top, w, h);
    c.clip();
    // Dots.
    for (let i = 0; i < d.number.length; i++) {
      const n = d.number[i];
      if (n < x0 || n > x1) continue;
      marks++;
      c.beginPath();
      c.arc(px(n), py(d.value[i]), 3, 0, 2 * Math.PI);
      if (d.state[i] === "complete") {
        c.fillStyle = "#1f6feb";
        c.fill();
      } else {
        c.strokeStyle = "#8a93a5";
        c.stroke();
      }
    }
    // The best so far: a step line from each improvement to the last trial.
    const best = d.bestSoFar;
    if (best.number.length) {
      c.beginPath();
      c.strokeStyle = "#d9822b";
      c.lineWidth = 2;
      for (let i = 0; i < best.number.length; i++) {
        const x = px(best.number[i]);
        if (i === 0) c.moveTo(x, py(best.value[0]));
        else {
          c.lineTo(x, py(best.value[i - 1]));
          c.lineTo(x, py(best.value[i]));
        }
      }
      c.lineTo(px(Math.max(x1, d.trials - 1)), py(best.value[best.value.length - 1]));
      c.stroke();
    }
    // The range being dragged.
    if (this.drag) {
      c.fillStyle = "rgba(31, 111, 235, 0.12)";
      const a = px(Math.min(this.drag.from, this.drag.to));
      const b = px(Math.max(this.drag.from, this.drag.to));
      c.fillRect(a, top, b - a, h);
    }
    c.restore();
    this.canvas.dataset.marks = String(marks);
    return marks;
  }
}
