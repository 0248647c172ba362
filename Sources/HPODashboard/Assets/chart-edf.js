// The empirical distribution of the objective: for each value, the share of complete trials
// whose objective is at most it (a step line over the sorted values, from
// GET /api/experiments/{name}/columns). data-marks: the trials in it.
"use strict";

class EDFChart extends Chart {
  constructor(figure) {
    super(figure, 900, 280);
  }

  setData(columns) {
    const values = [];
    for (let i = 0; i < columns.number.length; i++) {
      const v = finiteNumber(columns.value[i]);
      if (columns.state[i] === "complete" && !Number.isNaN(v)) values.push(v);
    }
    values.sort((a, b) => a - b);
    const { left, top } = this.margin;
    const x = d3.scaleLinear().domain(finiteExtent(values) || [0, 1]).range([left, left + this.plotWidth]).nice();
    const y = d3.scaleLinear().domain([0, 1]).range([top + this.plotHeight, top]);
    this.axes(x, y, columns.objective, "share of complete trials ≤ value");
    const c = this.context();
    const n = values.length;
    // At most a point per pixel column: the step line's shape is kept, not every one of 100,000 steps.
    const step = Math.max(1, Math.floor(n / (this.plotWidth * 2)));
    const points = [];
    for (let k = 0; k < n; k += step) points.push([values[k], (k + 1) / n]);
    if (n) points.push([values[n - 1], 1]);
    c.beginPath();
    d3.line().x((p) => x(p[0])).y((p) => y(p[1])).curve(d3.curveStepAfter).context(c)(points);
    c.strokeStyle = STATE_COLORS.complete;
    c.lineWidth = 2;
    c.stroke();
    this.setMarks(n);
    this.note(n ? "" : "No complete trial yet.");
  }
}
