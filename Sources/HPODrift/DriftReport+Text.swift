import Foundation

extension DriftReport {
  /// A plain-text table, one line per test (features by evidence), then the
  /// notes and the outcome line.
  public func table() -> String {
    let header = ["feature", "kind", "test", "statistic", "p-value", "corrected", "effect", "decision"]
    var rows = [header]
    for f in features {
      let name = f.source == .prediction ? "\(f.name) (model output)" : f.name
      if f.tests.isEmpty {
        rows.append([name, f.kind.rawValue, "none", "-", "-", "-", "-", "untested: \(f.note ?? "nothing to compare")"])
      }
      for t in f.tests {
        var decision = t.decision.rawValue
        if t.decision == .untested, let note = f.note { decision += ": \(note)" }
        if t.aspect == .distribution, f.unseenLevels > 0 {
          let examples = f.unseenExamples.map(Self.level).joined(separator: ", ")
          decision += " (\(f.unseenLevels) unseen: \(examples)\(f.unseenDistinct > f.unseenExamples.count ? ", …" : ""))"
        }
        rows.append([
          t.aspect == .missing ? "\(name) [missing]" : name, f.kind.rawValue, t.method,
          t.statistic.map { String(format: "%.4f", $0) } ?? "-",
          t.method == "none" ? "-" : String(format: "%.3g", t.pValue),
          t.method == "none" ? "-" : String(format: "%.3g", t.correctedPValue),
          String(format: "%.4f", t.effect), decision,
        ])
      }
    }
    let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
    var text = rows.map { row in
      row.enumerated().map { i, cell in
        i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
    for note in notes { text += "\nnote: \(note)" }
    return text + "\n" + summary + "\n"
  }

  /// A level as people write it: integers without ".0".
  static func level(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
  }
}
