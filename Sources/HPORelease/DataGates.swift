import Foundation
import HPOCore
import HPODrift

/// The data gates of `validation.new_data`: the new-data file must pass the
/// schema check against the training split's profile (the checks
/// `hpo predict` applies), and its drift against the training data (PSI and
/// KS per feature, ``DriftCheck``) must stay under `validation.drift`'s
/// thresholds (default PSI 0.2, KS 0.1). No `new_data`: no data gates.
public enum DataGates {
  /// The gates for `spec` given the training split's `profile`. Never throws:
  /// an unreadable or malformed file is a failed `data.schema` gate (and the
  /// drift gate then fails too, as nothing could be compared).
  public static func evaluate(spec: ExperimentSpec, profile: DataProfile) -> [GateResult] {
    guard let validation = spec.validation, let path = validation.newData else { return [] }
    let drift = validation.drift ?? DriftSpec()
    let thresholds = DriftCheck.Thresholds(psiMax: drift.psiMax, ksMax: drift.ksMax)
    let limits = "psi ≤ \(drift.psiMax), ks ≤ \(drift.ksMax) per feature"
    let input: ProfiledInput
    do {
      // Categories unseen in training are drift, not a schema error.
      input = try ProfiledInput.read(path: path, profile: profile, unknownLevels: .count)
    } catch {
      return [
        GateResult(name: "data.schema", kind: .data, passed: false, threshold: "the training data's columns and types",
                   detail: "\(error)"),
        GateResult(name: "drift", kind: .drift, passed: false, threshold: limits,
                   detail: "not measured: \(path) did not pass the schema check"),
      ]
    }
    let report = DriftCheck.compare(profile: profile, input: input, thresholds: thresholds)
    let worstPSI = report.features.map(\.psi).max()
    let schema = GateResult(
      name: "data.schema", kind: .data, passed: true, threshold: "the training data's columns and types",
      detail: "\(path): \(input.rowCount) rows match the training data's \(profile.features.count) features")
    let detail: String
    if report.hasDrift {
      let worst = report.features.filter(\.drifted).map { f in
        "\(f.name) (psi \(String(format: "%.3f", f.psi))\(f.ks.map { ", ks \(String(format: "%.3f", $0))" } ?? ""))"
      }
      detail = "\(report.drifted.count) of \(report.features.count) features drifted in \(path): \(worst.joined(separator: ", "))"
    } else {
      detail = "no feature of \(path) drifted from the training data (\(input.rowCount) rows)"
    }
    return [
      schema,
      GateResult(name: "drift", kind: .drift, passed: !report.hasDrift, value: worstPSI, threshold: limits, detail: detail),
    ]
  }
}
