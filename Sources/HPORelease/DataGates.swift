import Foundation
import HPOCore
import HPODrift
import HPOModels
import HPOReports

/// The data gates of `validation.new_data`: the new-data file must pass the
/// schema check against the training split's profile (the checks
/// `hpo predict` applies), and must not drift from the training data
/// (``DriftCheck``: per-feature two-sample tests, and the model's outputs on
/// it against those on the test split, Holm-corrected at `validation.drift`'s
/// `alpha` with its `min_effect`). Too few rows for the stated power pass the
/// drift gate with a warning in its detail, or fail it under
/// `"require_power": true`. No `new_data`: no data gates.
public enum DataGates {
  /// The gates for `spec` given the training split's `profile`, and, for
  /// prediction drift, the model and its outputs on the test split. Never
  /// throws: an unreadable or malformed file is a failed `data.schema` gate
  /// (and the drift gate then fails too, as nothing could be compared).
  public static func evaluate(
    spec: ExperimentSpec, profile: DataProfile, model: ModelCheckpoint? = nil, testOutputs: ModelOutputs? = nil
  ) -> [GateResult] {
    guard let validation = spec.validation, let path = validation.newData else { return [] }
    let drift = validation.drift ?? DriftSpec()
    let settings = DriftSettings(drift)
    let limits = "no feature with Holm-corrected p < \(short(settings.alpha)) and effect > \(short(settings.minEffect))"
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
    var predictions: DriftCheck.Predictions?
    var notes: [String] = []
    if let model, let testOutputs {
      do {
        predictions = DriftCheck.Predictions(
          reference: testOutputs, new: try ModelOutputs.predicting(model, input: input, profile: profile))
      } catch {
        notes.append("prediction drift not checked: the model cannot predict \(path): \(error.message)")
      }
    }
    let report = DriftCheck.compare(profile: profile, input: input, settings: settings, predictions: predictions, notes: notes)
    let schema = GateResult(
      name: "data.schema", kind: .data, passed: true, threshold: "the training data's columns and types",
      detail: "\(path): \(input.rowCount) rows match the training data's \(profile.features.count) features")
    return [schema, gate(report, path: path, limits: limits, requirePower: settings.requirePower)]
  }

  /// The drift gate of a report: fails on drift, and on an inconclusive
  /// check when power is required; its value is the smallest corrected p-value.
  static func gate(_ report: DriftReport, path: String, limits: String, requirePower: Bool) -> GateResult {
    let detail: String
    switch report.outcome {
    case .drift:
      let flagged = report.features.filter(\.drifted).map { f in
        let t = f.tests.filter { $0.decision == .drifted }.map { t in
          "\(t.aspect == .missing ? "missing rate " : "")\(t.method.rawValue) p = \(String(format: "%.3g", t.correctedPValue)), effect \(String(format: "%.3f", t.effect))"
        }
        return "\(f.source == .prediction ? "the model's output" : f.name) (\(t.joined(separator: "; ")))"
      }
      detail = "\(flagged.count) of \(report.features.count) drifted in \(path): \(flagged.joined(separator: ", "))"
    case .noDrift:
      detail = "\(path): \(report.summary)"
    case .inconclusive:
      detail = "\(requirePower ? "" : "warning: ")\(path): \(report.summary)\(requirePower ? " (\"require_power\": true)" : "; passes without the stated power")"
    }
    let passed = report.outcome == .noDrift || (report.outcome == .inconclusive && !requirePower)
    let notes = report.notes.isEmpty ? "" : "; " + report.notes.joined(separator: "; ")
    var result = GateResult(
      name: "drift", kind: .drift, passed: passed, value: report.features.first?.evidence, threshold: limits,
      detail: detail + notes)
    result.drift = report.pageInput(data: path)
    return result
  }
}
