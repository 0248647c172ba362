// Parallel coordinates: an axis per searched parameter and one for the objective, a line per
// complete trial coloured by its objective. Drag along an axis to brush a range (several axes:
// trials within every range); the trials outside are drawn grey. Brushes are kept in data
// values, so new data (setData) keeps them; onBrush(brushes) reports each change.
// data-marks: the lines drawn; data-selected: the lines within every brush.
"use strict";

class ParallelChart extends Chart {
  constructor(figure, onBrush) {
    super(figure, 900, 340, { left: 40, right: 80, top: 24, bottom: 24 });
    this.onBrush = onBrush;
    // Axis key ("param.NAME" or "objective") → [lo, hi] in data values.
    this.brushes = new Map();
  }

  // columns: the answer of GET /api/experiments/{name}/columns.
  setData(columns) {
    this.columns = columns;
    const { top } = this.margin;
    const range = [top + this.plotHeight, top];
    this.dimensions = columns.parameters.map((p) => ({
      key: "param." + p.name, title: p.name, values: columns.values[p.name], scale: parameterScale(p, range),
    }));
    // The complete trials with a finite objective.
    this.rows = [];
    const objective = columns.value.map(finiteNumber);
    for (let i = 0; i < columns.number.length; i++) {
      if (columns.state[i] === "complete" && Number.isFinite(objective[i])) this.rows.push(i);
    }
    const extent = finiteExtent(this.rows.map((i) => objective[i])) || [0, 1];
    this.dimensions.push({
      key: "objective", title: columns.objective, values: objective,
      scale: d3.scaleLinear().domain(extent).range(range).nice(),
    });
    this.color = objectiveColor(extent[0], extent[1], columns.direction);
    this.objective = objective;
    this.x = d3.scalePoint().domain(this.dimensions.map((d) => d.key))
      .range([this.margin.left, this.width - this.margin.right]);
    this.drawAxes();
    this.draw();
  }

  // Brushes from the address (key → [lo, hi]); applied at the next setData.
  setBrushes(brushes) { this.brushes = new Map(brushes); }

  drawAxes() {
    const brushable = (d) => d3.brushY()
      .extent([[-10, this.margin.top], [10, this.margin.top + this.plotHeight]])
      .on("start brush end", () => this.brushed(d));
    const axes = this.svg.selectAll("g.dimension").data(this.dimensions, (d) => d.key).join((enter) => {
      const g = enter.append("g").attr("class", "dimension");
      g.append("g").attr("class", "axis");
      g.append("text").attr("class", "axis-title").attr("text-anchor", "middle").attr("y", 14);
      g.append("g").attr("class", "brush");
      return g;
    });
    axes.attr("transform", (d) => `translate(${this.x(d.key)},0)`);
    axes.select("g.axis").each(function (d) { d3.select(this).call(parameterAxis(d3.axisLeft, d.scale)); });
    axes.select("text.axis-title").text((d) => d.title);
    // Each brush is put back where its data range now lies (the objective's scale may have grown).
    axes.select("g.brush").each((d, i, nodes) => {
      const brush = brushable(d);
      d.brush = brush;
      const g = d3.select(nodes[i]).call(brush);
      const kept = this.brushes.get(d.key);
      this.moving = true;
      g.call(brush.move, kept ? [d.scale(kept[1]), d.scale(kept[0])].sort((a, b) => a - b) : null);
      this.moving = false;
    });
  }

  brushed(dimension) {
    if (this.moving) return;
    const selection = d3.event.selection;
    if (selection) {
      const a = dimension.scale.invert(selection[0]);
      const b = dimension.scale.invert(selection[1]);
      this.brushes.set(dimension.key, [Math.min(a, b), Math.max(a, b)]);
    } else {
      this.brushes.delete(dimension.key);
    }
    this.draw();
    if (d3.event.type === "end") this.onBrush(this.brushes);
  }

  // Whether row i lies within every brush.
  selected(i) {
    for (const d of this.dimensions) {
      const range = this.brushes.get(d.key);
      if (!range) continue;
      const v = d.values[i];
      if (!(v >= range[0] && v <= range[1])) return false;
    }
    return true;
  }

  draw() {
    const c = this.context();
    const dims = this.dimensions;
    const xs = dims.map((d) => this.x(d.key));
    // One path per colour band (grey for the unselected): a few strokes for all the lines.
    const bands = colorBands(this.color, 16);
    const paths = Array.from({ length: bands.count + 1 }, () => new Path2D());
    let selectedCount = 0;
    for (const i of this.rows) {
      const inside = this.selected(i);
      let band = bands.count;
      if (inside) {
        selectedCount++;
        band = bands.band(this.objective[i]);
      }
      const path = paths[band];
      let open = false;
      for (let k = 0; k < dims.length; k++) {
        const v = dims[k].values[i];
        if (v === null || v === undefined) { open = false; continue; }
        const y = dims[k].scale(v);
        if (open) path.lineTo(xs[k], y);
        else path.moveTo(xs[k], y);
        open = true;
      }
    }
    c.lineWidth = 1;
    c.globalAlpha = this.rows.length > 2000 ? 0.25 : 0.7;
    c.strokeStyle = "#d4d8e0";
    c.stroke(paths[bands.count]);
    for (let b = 0; b < bands.count; b++) {
      c.strokeStyle = bands.color(b);
      c.stroke(paths[b]);
    }
    c.globalAlpha = 1;
    this.setMarks(this.rows.length);
    this.figure.dataset.selected = String(selectedCount);
    this.figure.dataset.brushes = [...this.brushes].map(([k, r]) => k + ":" + r.map((v) => +v.toPrecision(6)).join(",")).join(";");
  }
}
