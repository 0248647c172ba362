// Intermediate values: a line per trial through its reported values by step (the answer of
// GET /api/experiments/{name}/intermediate: at most `limit` trials, spread over the numbers, when
// more reported). Complete trials blue, pruned ones orange and dashed, ending in a cross where
// they were stopped; running ones green. data-marks: the lines drawn; data-total: the trials
// that reported.
"use strict";

class IntermediateChart extends Chart {
  constructor(figure) {
    super(figure, 900, 300);
  }

  setData(answer) {
    const curves = answer.trials;
    let maxStep = 1;
    const values = [];
    for (const t of curves) {
      for (let k = 0; k < t.step.length; k++) {
        maxStep = Math.max(maxStep, t.step[k]);
        values.push(finiteNumber(t.value[k]));
      }
    }
    const { left, top } = this.margin;
    const x = d3.scaleLinear().domain([0, maxStep]).range([left, left + this.plotWidth]);
    const y = d3.scaleLinear().domain(finiteExtent(values) || [0, 1]).range([top + this.plotHeight, top]).nice();
    this.axes(x, y, "step", answer.objective);
    const c = this.context();
    c.save();
    c.beginPath();
    c.rect(left, top, this.plotWidth, this.plotHeight);
    c.clip();
    const alpha = curves.length > 100 ? 0.35 : 0.8;
    let drawn = 0;
    // Complete and running first, pruned on top, each state as one path.
    for (const state of ["complete", "running", "failed", "pruned"]) {
      const path = new Path2D();
      const ends = new Path2D();
      let count = 0;
      for (const t of curves) {
        if (t.state !== state && !(state === "failed" && !["complete", "running", "pruned"].includes(t.state))) continue;
        let open = false;
        let last = null;
        for (let k = 0; k < t.step.length; k++) {
          const v = finiteNumber(t.value[k]);
          if (Number.isNaN(v)) { open = false; continue; }
          const px = x(t.step[k]);
          const py = y(v);
          if (open) path.lineTo(px, py);
          else path.moveTo(px, py);
          open = true;
          last = [px, py];
        }
        if (last) {
          count++;
          if (state === "pruned") {
            ends.moveTo(last[0] - 4, last[1] - 4); ends.lineTo(last[0] + 4, last[1] + 4);
            ends.moveTo(last[0] - 4, last[1] + 4); ends.lineTo(last[0] + 4, last[1] - 4);
          }
        }
      }
      c.globalAlpha = alpha;
      c.strokeStyle = STATE_COLORS[state];
      c.lineWidth = 1.5;
      c.setLineDash(state === "pruned" ? [5, 3] : []);
      c.stroke(path);
      c.setLineDash([]);
      c.globalAlpha = 1;
      c.stroke(ends);
      drawn += count;
    }
    c.restore();
    this.setMarks(drawn);
    this.figure.dataset.total = String(answer.total);
    this.note(curves.length ? "" : "No trial has reported an intermediate value yet.");
  }
}
