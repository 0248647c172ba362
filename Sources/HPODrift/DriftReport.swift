import Foundation

/// The result of ``DriftCheck/compare(profile:columns:thresholds:)``: one
/// entry per feature and the features over a threshold.
public struct DriftReport: Sendable, Equatable, Codable {
  /// One feature's statistics.
  public struct Feature: Sendable, Equatable, Codable {
    public var name: String
    public var kind: DataProfile.Kind
    /// Rows compared.
    public var rows: Int
    public var missingFraction: Double
    public var trainingMissingFraction: Double
    /// Categorical: values that are no training level.
    public var unseenLevels: Int
    public var psi: Double
    /// Numeric features with values only.
    public var ks: Double?
    public var ksPValue: Double?
    public var drifted: Bool

    enum CodingKeys: String, CodingKey {
      case name, kind, rows, psi, ks, drifted
      case missingFraction = "missing_fraction"
      case trainingMissingFraction = "training_missing_fraction"
      case unseenLevels = "unseen_levels"
      case ksPValue = "ks_p_value"
    }
  }

  public var thresholds: DriftCheck.Thresholds
  /// Rows of the new data.
  public var rows: Int
  public var features: [Feature]

  /// The names of the features over a threshold, in column order.
  public var drifted: [String] { features.filter(\.drifted).map(\.name) }
  /// Whether any feature drifted.
  public var hasDrift: Bool { features.contains(where: \.drifted) }

  enum CodingKeys: String, CodingKey {
    case rows, features
    case psiMax = "psi_max"
    case ksMax = "ks_max"
    case driftedFeatures = "drifted_features"
  }

  public init(thresholds: DriftCheck.Thresholds, rows: Int, features: [Feature]) {
    self.thresholds = thresholds
    self.rows = rows
    self.features = features
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    thresholds = DriftCheck.Thresholds(
      psiMax: try c.decode(Double.self, forKey: .psiMax), ksMax: try c.decode(Double.self, forKey: .ksMax))
    rows = try c.decode(Int.self, forKey: .rows)
    features = try c.decode([Feature].self, forKey: .features)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(thresholds.psiMax, forKey: .psiMax)
    try c.encode(thresholds.ksMax, forKey: .ksMax)
    try c.encode(rows, forKey: .rows)
    try c.encode(features, forKey: .features)
    try c.encode(drifted, forKey: .driftedFeatures)
  }

  /// The report as JSON with sorted keys (what `hpo drift --format json` prints).
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(self) else { preconditionFailure("a drift report holds only finite numbers") }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// A plain-text table, one line per feature, then a summary line.
  public func table() -> String {
    let header = ["feature", "kind", "psi", "ks", "p-value", "missing", "drift"]
    var rows = [header]
    for f in features {
      var missing = String(format: "%.3f", f.missingFraction)
      if f.unseenLevels > 0 { missing += " (\(f.unseenLevels) unseen)" }
      rows.append([
        f.name, f.kind.rawValue, String(format: "%.4f", f.psi), f.ks.map { String(format: "%.4f", $0) } ?? "-",
        f.ksPValue.map { String(format: "%.3g", $0) } ?? "-", missing, f.drifted ? "DRIFT" : "ok",
      ])
    }
    let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
    var text = rows.map { row in
      row.enumerated().map { i, cell in
        i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
    let limits = "psi > \(thresholds.psiMax) or ks > \(thresholds.ksMax)"
    if hasDrift {
      text += "\n\(drifted.count) of \(features.count) features drifted (\(limits)) over \(self.rows) rows: "
        + drifted.joined(separator: ", ")
    } else {
      text += "\nno drift: 0 of \(features.count) features over the thresholds (\(limits)) over \(self.rows) rows"
    }
    return text + "\n"
  }
}
