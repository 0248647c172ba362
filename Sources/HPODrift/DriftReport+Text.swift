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
        if t.aspect == .distribution, let unseen = f.unseen { decision += " (\(unseen))" }
        rows.append([
          t.aspect == .missing ? "\(name) [missing]" : name, f.kind.rawValue, t.method.rawValue,
          t.statistic.map { String(format: "%.4f", $0) } ?? "-",
          t.method == .none ? "-" : String(format: "%.3g", t.pValue),
          t.method == .none ? "-" : String(format: "%.3g", t.correctedPValue),
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

extension DriftReport.Feature {
  /// The values training never saw, in words (`60 unseen: 3, 7, …`: the
  /// count, then up to ``DriftCheck/unseenExampleLimit`` of them); nil when there are none.
  public var unseen: String? {
    guard unseenLevels > 0 else { return nil }
    let examples = unseenExamples.map(DriftReport.level).joined(separator: ", ")
    return "\(unseenLevels) unseen: \(examples)\(unseenDistinct > unseenExamples.count ? ", …" : "")"
  }
}
