// Slice plots: for each searched parameter, the objective of every complete trial against the
// parameter's value (choices spread a little sideways so equal ones stay visible), side by side
// with one objective axis. From GET /api/experiments/{name}/columns. data-marks: the dots drawn
// (a trial counts once per panel where it has the parameter).
"use strict";

class SliceChart extends Chart {
  constructor(figure) {
    super(figure, 900, 260, { left: 64, right: 8, top: 12, bottom: 40 });
  }

  setData(columns) {
    const parameters = columns.parameters;
    const objective = columns.value.map(finiteNumber);
    const rows = [];
    for (let i = 0; i < columns.number.length; i++) {
      if (columns.state[i] === "complete" && Number.isFinite(objective[i])) rows.push(i);
    }
    const { left, top } = this.margin;
    const gap = 24;
    const panel = parameters.length ? (this.plotWidth - gap * (parameters.length - 1)) / parameters.length : this.plotWidth;
    const y = d3.scaleLinear().domain(finiteExtent(rows.map((i) => objective[i])) || [0, 1])
      .range([top + this.plotHeight, top]).nice();
    const panels = parameters.map((p, k) => {
      const x0 = left + k * (panel + gap);
      return { axis: p, x0, scale: parameterScale(p, [x0 + 4, x0 + panel - 4]) };
    });
    this.svg.selectAll("g.y").data([0]).join("g").attr("class", "y axis")
      .attr("transform", `translate(${left},0)`).call(d3.axisLeft(y).ticks(6, ".3~g"));
    this.svg.selectAll("text.y-title").data([columns.objective]).join("text").attr("class", "y-title axis-title")
      .attr("transform", `translate(12,${top + this.plotHeight / 2}) rotate(-90)`).attr("text-anchor", "middle").text((d) => d);
    const g = this.svg.selectAll("g.panel").data(panels, (p) => p.axis.name).join((enter) => {
      const e = enter.append("g").attr("class", "panel");
      e.append("g").attr("class", "x axis");
      e.append("text").attr("class", "axis-title").attr("text-anchor", "middle");
      return e;
    });
    g.select("g.x").attr("transform", `translate(0,${top + this.plotHeight})`)
      .each(function (p) { d3.select(this).call(parameterAxis(d3.axisBottom, p.scale).ticks(Math.max(2, panel / 70), ".2~g")); });
    g.select("text.axis-title").attr("x", (p) => p.x0 + panel / 2).attr("y", this.height - 6).text((p) => p.axis.name);

    const c = this.context();
    const bands = colorBands(objectiveColor(y.domain()[0], y.domain()[1], columns.direction), 16);
    const paths = Array.from({ length: bands.count }, () => new Path2D());
    let marks = 0;
    c.strokeStyle = "#c9ced8";
    for (const p of panels) {
      c.strokeRect(p.x0, top, panel, this.plotHeight);
      const values = columns.values[p.axis.name];
      const jitter = p.scale.categorical ? panel / p.scale.categorical.length / 4 : 0;
      for (const i of rows) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        // A trial's spread sideways depends only on its number: the same on every redraw.
        const dx = jitter ? (((columns.number[i] * 2654435761) % 1000) / 1000 - 0.5) * 2 * jitter : 0;
        paths[bands.band(objective[i])].rect(p.scale(v) + dx - 1.5, y(objective[i]) - 1.5, 3, 3);
        marks++;
      }
    }
    c.globalAlpha = rows.length > 2000 ? 0.3 : 0.8;
    paths.forEach((path, b) => {
      c.fillStyle = bands.color(b);
      c.fill(path);
    });
    c.globalAlpha = 1;
    this.setMarks(marks);
  }
}
