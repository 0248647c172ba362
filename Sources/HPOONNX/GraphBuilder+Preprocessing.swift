import HPOData

extension GraphBuilder {
  /// Appends the nodes that compute `preprocessing.apply(to:)` on float32
  /// rows `input` (N × inputCount) exactly as ``HPOModels/ModelCheckpoint/predict(_:)``
  /// does for float32 data, and returns the float32 N × outputCount result:
  ///
  /// 1. imputation: NaN ↦ the fill value rounded to float32 (`Where(IsNaN(x), fill, x)`);
  /// 2. standardisation in float64, rounded once to float32: `Cast(((double)x − mean) / scale)`
  ///    (categorical columns get mean 0 and scale 1 and are not read from it);
  /// 3. with categorical columns: the standardised ordinary columns (`Gather`), then per
  ///    categorical column one 0/1 column per category (`Equal` of the imputed value with the
  ///    categories rounded to float32; NaN and unseen values give all zeros), `Concat`enated.
  ///
  /// - Throws: `.valueOutOfRange` for a non-finite mean, a non-finite or zero scale, an
  ///   imputation value or category outside float32, or two categories equal in float32.
  mutating func preprocess(_ input: String, _ p: Preprocessing) throws(ONNXExportError) -> String {
    let d = p.inputCount
    var imputed = input
    if let imputation = p.imputation {
      let fill = try ExportValues.float32(imputation.values) { "the imputation value of input feature \($0)" }
      let missing = node("IsNaN", [input], "impute_missing")
      imputed = node("Where", [missing, constant("impute_fill", floats: fill, shape: [d]), input], "imputed")
    }
    var means = p.standardization.means
    var scales = p.standardization.scales
    for c in p.categorical {
      means[c.column] = 0
      scales[c.column] = 1
    }
    try ExportValues.checkFinite(means) { "the standardisation mean of input feature \($0)" }
    try ExportValues.checkFinite(scales, nonzero: true) { "the standardisation scale of input feature \($0)" }
    let wide = node("Cast", [imputed], "imputed_double", attributes: [.int("to", Onnx_TensorProto.DataType.double.rawValue)])
    let shifted = node("Sub", [wide, constant("standardize_mean", doubles: means, shape: [d])], "centred")
    let scaled = node("Div", [shifted, constant("standardize_scale", doubles: scales, shape: [d])], "standardized_double")
    let standardized = node(
      "Cast", [scaled], "standardized", attributes: [.int("to", Onnx_TensorProto.DataType.float.rawValue)])
    guard !p.categorical.isEmpty else { return standardized }

    let categoricalColumns = Set(p.categorical.map(\.column))
    let ordinary = (0..<d).filter { !categoricalColumns.contains($0) }
    var blocks: [String] = []
    if !ordinary.isEmpty {
      let indices = constant("ordinary_columns", int64s: ordinary.map { Int64($0) }, shape: [ordinary.count])
      blocks.append(node("Gather", [standardized, indices], "ordinary", attributes: [.int("axis", 1)]))
    }
    for c in p.categorical {
      let categories = try ExportValues.float32(c.values) { "category \($0) of column '\(c.name)'" }
      for (a, b) in zip(categories, categories.dropFirst()) where !(a < b) {
        throw ONNXExportError(
          .valueOutOfRange,
          "categories \(a) and \(b) of column '\(c.name)' are equal in float32, the ONNX input's type; accepted: categories distinct as float32")
      }
      let index = constant("column_\(c.column)_index", int64s: [Int64(c.column)], shape: [1])
      let column = node("Gather", [imputed, index], "column_\(c.column)", attributes: [.int("axis", 1)])
      let table = constant("column_\(c.column)_categories", floats: categories, shape: [categories.count])
      let hits = node("Equal", [column, table], "column_\(c.column)_is")
      blocks.append(
        node("Cast", [hits], "column_\(c.column)_onehot", attributes: [.int("to", Onnx_TensorProto.DataType.float.rawValue)]))
    }
    return node("Concat", blocks, "preprocessed", attributes: [.int("axis", 1)])
  }
}

/// Checks and conversions of the checkpoint's `Double`s on their way into the graph.
enum ExportValues {
  /// `values` rounded to float32.
  /// - Throws: `.valueOutOfRange` naming `what(i)` for the first value that is
  ///   not finite or whose magnitude overflows float32.
  static func float32(_ values: [Double], _ what: (Int) -> String) throws(ONNXExportError) -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(values.count)
    for (i, v) in values.enumerated() {
      let f = Float(v)
      guard v.isFinite, f.isFinite else {
        throw ONNXExportError(
          .valueOutOfRange, "\(what(i)) is \(v); accepted: finite values within float32's range (±3.4e38)")
      }
      out.append(f)
    }
    return out
  }

  /// - Throws: `.valueOutOfRange` naming `what(i)` for the first value that
  ///   is not finite (or is zero, when `nonzero`).
  static func checkFinite(_ values: [Double], nonzero: Bool = false, _ what: (Int) -> String) throws(ONNXExportError) {
    for (i, v) in values.enumerated() where !v.isFinite || (nonzero && v == 0) {
      throw ONNXExportError(.valueOutOfRange, "\(what(i)) is \(v); accepted: finite\(nonzero ? ", nonzero" : "") values")
    }
  }
}
