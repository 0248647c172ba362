import HPOCore

extension HTMLReport {
  /// Every trial, one row each (`<tr data-trial="N">`), by number; clicking a
  /// column header sorts by it (numbers numerically, missing values last).
  static func trialTable(_ input: ReportInput, _ html: inout HTMLWriter) {
    html.element("h2", "Trials (\(input.trials.count))")
    let names = input.space.names.sorted()
    html.open("div", ["class": "wide"])
    html.open("table", ["id": "trials", "class": "sortable"])
    html.open("thead")
    html.open("tr")
    let numeric = ["trial": true, "state": false, input.objective: true, "epochs": true, "seconds": true, "reason": false]
    for column in ["trial", "state", input.objective] + names + ["epochs", "seconds", "reason"] {
      let isNumber = numeric[column] ?? input.space[column].map(Self.isNumeric) ?? false
      html.element("th", column, ["data-type": isNumber ? "number" : "text", "title": "sort by \(column)"])
    }
    html.close("tr")
    html.close("thead")
    html.open("tbody")
    let winner = input.winner?.trialNumber
    for t in input.trials.sorted(by: { $0.number < $1.number }) {
      var classes = "state-\(t.state.rawValue)"
      if t.number == winner { classes += " winner" }
      html.open("tr", ["data-trial": String(t.number), "class": classes])
      cell(&html, String(t.number), sortKey: String(t.number))
      cell(&html, t.state.rawValue, sortKey: t.state.rawValue)
      cell(&html, t.value.map(format) ?? "-", sortKey: t.value.flatMap { $0.isFinite ? "\($0)" : nil } ?? "")
      for name in names {
        let v = t.configuration[name]
        // Floats shown to 4 significant digits; the exact value stays the sort key.
        let shown = v.map { value -> String in
          if case .float(let d) = value { return format(d) }
          return value.plainText
        }
        cell(&html, shown ?? "-", sortKey: v.map { $0.numericValue.map { "\($0)" } ?? $0.plainText } ?? "")
      }
      cell(&html, String(t.epochs), sortKey: String(t.epochs))
      cell(&html, t.seconds.map(format) ?? "-", sortKey: t.seconds.map { "\($0)" } ?? "")
      html.element("td", t.reason ?? "", ["data-value": t.reason ?? "", "class": "reason"])
      html.close("tr")
    }
    html.close("tbody")
    html.close("table")
    html.close("div")
  }

  static func cell(_ html: inout HTMLWriter, _ text: String, sortKey: String) {
    html.element("td", text, ["data-value": sortKey])
  }

  static func isNumeric(_ p: Parameter) -> Bool {
    switch p.domain {
    case .float, .int: return true
    case .categorical(let c): return c.allSatisfy { $0.numericValue != nil }
    case .fixed(let v): return v.numericValue != nil
    }
  }

  static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}
    h1{font-size:24px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #dde;padding-bottom:4px}
    .banner{padding:12px 16px;border-radius:6px;font-size:16px}
    .banner.passed{background:#e3f5e6;border:1px solid #3a9d4a}.banner.failed{background:#fbe5e5;border:1px solid #c43c3c}
    .banner.none{background:#eef0f5;border:1px solid #8a93a8}
    table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #dde;padding:3px 8px;text-align:left}
    th{background:#f2f4f8}table.sortable th{cursor:pointer}
    tr.fail td{background:#fbe5e5}tr.pass td{background:#f1faf2}tr.winner td{font-weight:bold;background:#fff8d8}
    tr.state-failed td{color:#a33}tr.state-pruned td{color:#667}
    svg.chart{display:block;margin:8px 0;background:#fff;border:1px solid #e3e6ee}
    .axis{stroke:#556;stroke-width:1}.grid{stroke:#eef0f4;stroke-width:1}
    .tick{font-size:10px;fill:#556;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}.label{font-size:12px;fill:#223}
    .dot{fill:#2a5caa;fill-opacity:.75}.dot.pruned{fill:#fff;stroke:#8a93a8}.dot.dominated{fill:#8a93a8;fill-opacity:.5}.dot.front{fill:#d6562b;fill-opacity:.9}
    .best{fill:none;stroke:#d6562b;stroke-width:2}
    .pc{fill:none;stroke:#c9ccd6;stroke-width:1}.pc.top{stroke-width:2;stroke-opacity:.9}
    .curve{fill:none;stroke-width:1.5;stroke-opacity:.85}.bar{fill:#2a8c8c}
    .note{color:#556;font-size:13px}
    .wide{overflow-x:auto}#trials td{white-space:nowrap}#trials td.reason{white-space:normal;min-width:32em}
    """

  /// Sorting of `table.sortable` by a clicked header, and the learning-curve
  /// metric switch. Written without `<` and `&` so the page stays well-formed XML too.
  static let script = """
    (function(){
    function key(cell,numeric){var v=cell.getAttribute('data-value');if(!numeric){return v;}if(v===''){return null;}return parseFloat(v);}
    document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
    var numeric=th.getAttribute('data-type')==='number';var asc=th.getAttribute('data-order')!=='asc';
    var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){var x=key(a.cells[i],numeric),y=key(b.cells[i],numeric);
    if(x===y){return 0;}if(x===null){return 1;}if(y===null){return -1;}var c=(x>y)?1:-1;return asc?c:-c;});
    rows.forEach(function(r){body.appendChild(r);});
    table.querySelectorAll('th').forEach(function(h){h.removeAttribute('data-order');});
    th.setAttribute('data-order',asc?'asc':'desc');});});});
    var select=document.getElementById('curve-metric');
    if(select){select.addEventListener('change',function(){document.querySelectorAll('svg.curves').forEach(function(s){
    s.style.display=(s.getAttribute('data-metric')===select.value)?'':'none';});});}
    })();
    """
}
