// What the charts of the experiment page share. A chart is a <figure class="chart"> holding a
// <canvas> for its marks (100,000 trials stay one element, where SVG would make 100,000) under an
// <svg> for axes, labels and brushes, drawn with d3 (Debian's node-d3, served as lib/d3.js).
// Each chart mirrors how many marks it drew in its figure's data-marks attribute.
"use strict";

const STATE_COLORS = {
  complete: "#1f6feb", pruned: "#d9822b", failed: "#a4262c", running: "#2d7a3a", pending: "#c9ced8",
  infeasible: "#6f42c1",
};

// A number from the API (non-finite numbers arrive as "inf", "-inf", "nan"; missing as null),
// or NaN when it is not a finite one.
function finiteNumber(v) {
  return typeof v === "number" && Number.isFinite(v) ? v : NaN;
}

class Chart {
  // figure: an empty <figure>; width, height in CSS pixels; margin around the plot area.
  constructor(figure, width, height, margin) {
    this.figure = figure;
    this.width = width;
    this.height = height;
    this.margin = Object.assign({ left: 64, right: 16, top: 12, bottom: 40 }, margin || {});
    figure.classList.add("chart");
    figure.style.width = width + "px";
    figure.style.height = height + "px";
    this.canvas = d3.select(figure).append("canvas").attr("width", width).attr("height", height).node();
    this.svg = d3.select(figure).append("svg").attr("width", width).attr("height", height);
    figure.dataset.marks = "0";
  }

  get plotWidth() { return this.width - this.margin.left - this.margin.right; }
  get plotHeight() { return this.height - this.margin.top - this.margin.bottom; }

  // The canvas's 2D context, cleared.
  context() {
    const c = this.canvas.getContext("2d");
    c.clearRect(0, 0, this.width, this.height);
    return c;
  }

  // Records how many marks the chart drew.
  setMarks(count) { this.figure.dataset.marks = String(count); }

  // A message in place of the chart (too few trials, one parameter only), or none.
  note(text) {
    this.svg.selectAll("text.chart-note").data(text ? [text] : []).join("text")
      .attr("class", "chart-note").attr("x", this.width / 2).attr("y", this.height / 2)
      .attr("text-anchor", "middle").text((d) => d);
  }

  // A bottom axis at the plot's foot and a left one at its left edge, with their titles.
  axes(x, y, xTitle, yTitle) {
    const { left, top } = this.margin;
    const g = this.svg.selectAll("g.axes").data([0]).join("g").attr("class", "axes");
    g.selectAll("g.x").data([0]).join("g").attr("class", "x axis")
      .attr("transform", `translate(0,${top + this.plotHeight})`).call(d3.axisBottom(x).ticks(8, ".3~g"));
    g.selectAll("g.y").data([0]).join("g").attr("class", "y axis")
      .attr("transform", `translate(${left},0)`).call(d3.axisLeft(y).ticks(6, ".3~g"));
    g.selectAll("text.x-title").data([xTitle]).join("text").attr("class", "x-title axis-title")
      .attr("x", left + this.plotWidth / 2).attr("y", this.height - 6).attr("text-anchor", "middle").text((d) => d);
    g.selectAll("text.y-title").data([yTitle]).join("text").attr("class", "y-title axis-title")
      .attr("transform", `translate(12,${top + this.plotHeight / 2}) rotate(-90)`).attr("text-anchor", "middle")
      .text((d) => d);
  }
}

// The scale of a parameter's axis (from /columns' parameters): log or linear over its range, or
// its choices' indices spread over the range (ticks labelled with the choices, as text).
function parameterScale(axis, range) {
  if (axis.kind === "categorical" || axis.kind === "fixed") {
    const n = axis.choices.length;
    const s = d3.scaleLinear().domain([-0.5, n - 0.5]).range(range);
    s.categorical = axis.choices;
    return s;
  }
  const s = axis.log ? d3.scaleLog() : d3.scaleLinear();
  return s.domain([axis.low, axis.high]).range(range);
}

// An axis for a parameter scale: the choices as tick labels for a categorical one.
function parameterAxis(axisFunction, scale) {
  const a = axisFunction(scale);
  if (scale.categorical) {
    return a.tickValues(d3.range(scale.categorical.length)).tickFormat((i) => scale.categorical[i]);
  }
  return a.ticks(6, ".3~g");
}

// The objective's colour: viridis over [lo, hi], the better end bright.
function objectiveColor(lo, hi, direction) {
  const s = d3.scaleSequential(d3.interpolateViridis);
  return direction === "maximize" ? s.domain([lo, hi]) : s.domain([hi, lo]);
}

// [lo, hi] of the finite numbers of `values` (padded when they are all equal), or null.
function finiteExtent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return null;
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

// The objective colour in `count` bands, so many marks are drawn with a few fills or strokes (one
// per band) instead of a colour change per mark: band(v) is v's band, color(b) the band's colour.
function colorBands(color, count) {
  const [d0, d1] = color.domain();
  const span = d1 - d0 || 1;
  return {
    count,
    band: (v) => Math.max(0, Math.min(count - 1, Math.floor(((v - d0) / span) * count))),
    color: (b) => color(d0 + ((b + 0.5) / count) * span),
  };
}
