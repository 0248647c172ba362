import HPODrift
import HPOReports

extension DriftReport {
  /// This report as the plain input of HPOReports' drift page: the page of
  /// `hpo drift --html` and the drift section of `report.html`. `data` names
  /// the new data file checked.
  public func pageInput(data: String) -> DriftPageInput {
    let outcome: DriftPageInput.Outcome =
      switch self.outcome {
      case .drift: .drift
      case .noDrift: .noDrift
      case .inconclusive: .inconclusive
      }
    return DriftPageInput(
      data: data, outcome: outcome, summary: summary, rows: rows, requiredRows: requiredRows, alpha: settings.alpha,
      minEffect: settings.minEffect, notes: notes,
      features: features.map { f in
        DriftPageInput.Feature(
          name: f.name, kind: f.kind.rawValue, isPrediction: f.source == .prediction, tests: f.tests.map(Self.pageTest),
          note: f.note ?? f.unseen,
          histogram: f.histogram.map { DriftPageInput.Histogram(labels: $0.labels, reference: $0.reference, new: $0.new) })
      })
  }

  static func pageTest(_ t: Test) -> DriftPageInput.Test {
    let decision: DriftPageInput.Decision =
      switch t.decision {
      case .drifted: .drifted
      case .negligible: .negligible
      case .stable: .stable
      case .untested: .untested
      }
    let tested = t.method != .none
    return DriftPageInput.Test(
      aspect: t.aspect.rawValue, method: t.method.rawValue, statistic: t.statistic, pValue: tested ? t.pValue : nil,
      correctedPValue: tested ? t.correctedPValue : nil, effect: t.effect, decision: decision)
  }
}
