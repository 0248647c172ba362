import Foundation
import HPOCore
import HPOLinearAlgebra
import HPOModels

/// The CSV `hpo predict` writes: a `prediction` column (the class name for
/// classification, the value for regression) and, for classification, one
/// `p_<class>` column of probabilities per class, one row per input row in
/// input order. Numbers are in Swift's shortest round-trip form, so reading
/// them back gives the model's `Double`s exactly.
public enum PredictionTable {
  /// The table for `prediction`; `classes` names the classes (index order),
  /// else they are named by index.
  public static func csv(_ prediction: Prediction, classes: [String]?) -> String {
    var out = ""
    switch prediction.task {
    case .classification:
      let k = prediction.outputs.columns
      let names = classes?.count == k ? classes ?? [] : (0..<k).map(String.init)
      out = (["prediction"] + names.map { "p_" + $0 }).map(field).joined(separator: ",") + "\n"
      for (i, c) in prediction.classes.enumerated() {
        var cells = [field(names[c])]
        for j in 0..<k { cells.append(number(prediction.outputs[i, j])) }
        out += cells.joined(separator: ",") + "\n"
      }
    case .regression:
      out = "prediction\n"
      for v in prediction.values { out += number(v) + "\n" }
    }
    return out
  }

  static func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "nan" }

  /// A CSV field, quoted when it holds a comma, a quote or a line break.
  static func field(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
