// Parameter importance: a bar per searched parameter, its ε² score (the share of the
// objective's rank variance it explains alone; the HTML report's ParameterImportance, read from
// GET /api/experiments/{name}/importance). A few bars, so plain SVG. data-marks: the bars.
"use strict";

class ImportanceChart extends Chart {
  constructor(figure) {
    super(figure, 900, 60, { left: 180, right: 60, top: 8, bottom: 24 });
  }

  setData(answer) {
    const rows = answer.parameters;
    const height = Math.max(60, rows.length * 24 + this.margin.top + this.margin.bottom);
    if (height !== this.height) {
      this.height = height;
      this.figure.style.height = height + "px";
      this.svg.attr("height", height);
      d3.select(this.canvas).attr("height", height);
    }
    const { left, top } = this.margin;
    const x = d3.scaleLinear().domain([0, Math.max(0.05, d3.max(rows, (r) => r.score) || 0)]).range([left, left + this.plotWidth]).nice();
    const y = d3.scaleBand().domain(rows.map((r) => r.name)).range([top, top + this.plotHeight]).padding(0.25);
    this.svg.selectAll("g.x").data([0]).join("g").attr("class", "x axis")
      .attr("transform", `translate(0,${top + this.plotHeight})`).call(d3.axisBottom(x).ticks(6, ".2~f"));
    this.svg.selectAll("g.y").data([0]).join("g").attr("class", "y axis")
      .attr("transform", `translate(${left},0)`).call(d3.axisLeft(y));
    this.svg.selectAll("rect.bar").data(rows, (r) => r.name).join("rect").attr("class", "bar")
      .attr("x", left).attr("y", (r) => y(r.name)).attr("height", y.bandwidth())
      .attr("width", (r) => Math.max(1, x(r.score) - left)).attr("fill", "#1f6feb");
    this.svg.selectAll("text.score").data(rows, (r) => r.name).join("text").attr("class", "score")
      .attr("x", (r) => Math.max(left + 1, x(r.score)) + 6).attr("y", (r) => y(r.name) + y.bandwidth() / 2 + 4)
      .text((r) => r.score.toFixed(3));
    this.setMarks(rows.length);
    this.note(rows.length ? "" : "Needs " + answer.minimumTrials + " complete trials; " + answer.trials + " so far.");
  }
}
