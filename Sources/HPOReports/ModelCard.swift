import HPOCore

/// A package's `README.md`: what the model predicts, from which inputs (with
/// their training ranges), how well (validation and held-out test metrics),
/// which gates it passed, its limits, and the package's files. Without a
/// released winner (one with an ``ReportInput/Winner/origin``) and a
/// ``ReportInput/package`` it is only the experiment's name as a heading.
public enum ModelCard {
  /// The model card as Markdown text, ending with a newline.
  public static func render(_ input: ReportInput) -> String {
    guard let w = input.winner, let origin = w.origin, let p = input.package else { return "# \(input.experiment)\n" }
    let fixed = ReportText.fixed
    var md = "# \(input.experiment)\n\n"
    if let description = p.description { md += "\(description)\n\n" }
    switch p.task {
    case .classification:
      md += "**Predicts** `\(p.label)`: one of \(p.classCount ?? 0) classes (0 … \((p.classCount ?? 1) - 1), the class indices of the training data), with a probability per class.\n\n"
    case .regression:
      md += "**Predicts** `\(p.label)`: a number (regression).\n\n"
    }
    md += "**Model**: \(p.kind.rawValue), \(p.precision.rawValue), \(p.parameters) parameters; trial \(w.trialNumber) of \(input.trials.count) (\(origin)); configuration `\(w.configuration)`.\n\n"
    md += "## Inputs\n\n\(p.featureCount) features, in this order (training split: \(p.trainRows) rows):\n\n"
    md += "| feature | min | max | mean | std |\n|---|---|---|---|---|\n"
    for f in p.features {
      md += "| \(f.name) | \(fixed(f.min)) | \(fixed(f.max)) | \(fixed(f.mean)) | \(fixed(f.std)) |\n"
    }
    md += "\n## Metrics\n\n| metric | validation | test (held out) |\n|---|---|---|\n"
    for m in Metric.allCases where w.test[m] != nil {
      md += "| \(m.rawValue) | \(fixed(w.validation[m])) | \(fixed(w.test[m])) |\n"
    }
    md += "\n## Gates\n\n"
    for g in input.gates { md += "- \(g.passed ? "✅" : "❌") **\(g.name)** (\(g.threshold)): \(g.detail)\n" }
    md += "\n## Limits\n\n"
    md += "- Trained and tested only on rows like those of `\(p.sourceFile)` (SHA-256 \(p.sourceSHA256.prefix(12))…); inputs outside the ranges above are extrapolation.\n"
    md += "- Missing values: " + (p.imputation.map { "imputed with the training \($0.rawValue).\n" }
      ?? "not imputed (data.missing \"\(p.missing.rawValue)\"; the training split had none to learn from or the policy refuses them): rows with missing values must be refused.\n")
    md += "- The test split has \(p.testRows) rows; metric differences smaller than their sampling noise are not meaningful.\n"
    md += "\n## Files\n\n`model.hpoc` (hpo checkpoint with its preprocessing), `manifest.json` (provenance), `SHA256SUMS` (`sha256sum -c SHA256SUMS`).\n"
    return md
  }
}
