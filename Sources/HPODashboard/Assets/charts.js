// The charts of an experiment's page below its history: intermediate values, parallel
// coordinates, parameter importance, slices, a contour plot, the objective's distribution and the
// timeline. read() fetches their data (GET .../columns, .../intermediate, .../importance) and
// draws each; refresh() reads again after a live event, at most one read at a time and at most
// one a second (a store of 100,000 trials answers megabytes), and every chart keeps its brush,
// zoom and chosen pair. The parallel coordinates' brushes live in the address
// (brush=param.NAME:LO,HI or brush=objective:LO,HI, repeated), so a reload keeps them.
"use strict";

// The brushes the address names: key → [lo, hi].
function brushesFromHash() {
  const brushes = new Map();
  for (const text of hashParameters().getAll("brush")) {
    const at = text.lastIndexOf(":");
    const range = text.slice(at + 1).split(",").map(Number);
    if (at <= 0 || range.length !== 2 || !range.every(Number.isFinite) || range[0] > range[1]) {
      console.warn("brush=" + text + ": not KEY:LO,HI with LO <= HI; left out");
      continue;
    }
    brushes.set(text.slice(0, at), range);
  }
  return brushes;
}

class ExperimentCharts {
  // path: "api/experiments/NAME".
  constructor(path) {
    const figure = (id) => document.getElementById(id);
    this.path = path;
    this.intermediate = new IntermediateChart(figure("chart-intermediate"));
    this.parallel = new ParallelChart(figure("chart-parallel"), (brushes) => {
      const parameters = hashParameters();
      parameters.delete("brush");
      for (const [key, range] of brushes) parameters.append("brush", key + ":" + range.map((v) => +v.toPrecision(6)).join(","));
      history.replaceState(null, "", "#" + parameters.toString());
    });
    this.parallel.setBrushes(brushesFromHash());
    this.importance = new ImportanceChart(figure("chart-importance"));
    this.slice = new SliceChart(figure("chart-slice"));
    this.contour = new ContourChart(figure("chart-contour"), figure("contour-x"), figure("contour-y"));
    this.edf = new EDFChart(figure("chart-edf"));
    this.timeline = new TimelineChart(figure("chart-timeline"));
    this.reading = false;
    this.again = false;
    this.last = 0;
  }

  // Reads every chart's data and draws them.
  read() {
    this.reading = true;
    this.last = Date.now();
    return Promise.all([
      api(this.path + "/columns"), api(this.path + "/intermediate"), api(this.path + "/importance"),
    ]).then(([columns, intermediate, importance]) => {
      this.intermediate.setData(intermediate);
      this.parallel.setData(columns);
      this.importance.setData(importance);
      this.slice.setData(columns);
      this.contour.setData(columns, importance.parameters.map((p) => p.name));
      this.edf.setData(columns);
      this.timeline.setData(columns);
      document.body.dataset.chartUpdates = String(Number(document.body.dataset.chartUpdates || "-1") + 1);
    }).finally(() => {
      this.reading = false;
      if (this.again) { this.again = false; this.refresh(); }
    });
  }

  // Reads again after a live event: once the read under way ends, and a second after the last.
  refresh() {
    if (this.reading || this.timer) { this.again = this.reading; return; }
    const wait = Math.max(0, this.last + 1000 - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.read().catch((error) => setStatus("Cannot read the charts' data: " + error.message, true));
    }, wait);
  }
}
