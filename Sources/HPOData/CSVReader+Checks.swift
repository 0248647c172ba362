import HPOCore

extension CSVReader {
  /// The issues, one per kind and column, for the problems met while parsing.
  static func parseIssues(
    _ log: CSVProblemLog, names: [String], labelIndex: Int, task: LearningTask?, file: String
  ) -> [DataIssue] {
    let accepted = "missing values are rejected unless the data spec sets \"missing\" to \"mean\", \"median\" or \"drop\""
    return log.sorted.map { key, entry in
      let column = key.column >= 0 ? names[key.column] : nil
      let suffix = entry.count > 1 ? " (first of \(entry.count))" : ""
      let message: String
      switch key.code {
      case .raggedRow:
        message = "row has \(entry.detail) fields but the header has \(names.count) columns; every row needs one field per column" + suffix
      case .unterminatedQuote:
        message = CSVSyntaxError.Kind.unterminatedQuote.message
      case .loneCarriageReturn:
        message = CSVSyntaxError.Kind.loneCarriageReturn.message
      case .nonNumericCell where key.column == labelIndex:
        message = task == .regression
          ? "'\(entry.firstText)' is not a number; regression targets must be finite decimal numbers" + suffix
          : "'\(entry.firstText)' is not a number; labels must be numbers (classes integers 0..K-1, regression targets finite decimals)" + suffix
      case .nonNumericCell:
        message = "'\(entry.firstText)' is not a number; cells must be decimal numbers such as 3, -0.5 or 1e-3" + suffix
      case .missingValue:
        message = "missing value; " + accepted + suffix
      case .nonFiniteNumber:
        message = "non-finite number '\(entry.firstText)'; non-finite values are treated as missing, and " + accepted + suffix
      case .missingLabel:
        message = "missing label; every row needs a label" + suffix
      case .invalidClassLabel:
        message = "class label '\(entry.firstText)' is not an integer; classification labels must be integers 0..K-1" + suffix
      case .nonFiniteTarget:
        message = "regression target '\(entry.firstText)' is not finite; targets must be finite numbers" + suffix
      default:
        message = entry.firstText + suffix
      }
      return DataIssue(.error, key.code, file: file, line: entry.firstLine, column: column, message: message)
    }
  }

  /// Checks the labels against the task (inferring it when nil) and returns
  /// the task, whether it was inferred, and K for classification.
  static func checkLabels(
    _ labels: [Double], lines: [Int], task: LearningTask?, labelName: String, file: String
  ) throws(DataError) -> (LearningTask, Bool, Int?) {
    let resolved = task ?? inferTask(labels)
    switch resolved {
    case .regression:
      // Non-finite targets were refused while parsing; only the count is left.
      if labels.count < 3 {
        throw DataError(
          .tooFewRows, file: file,
          message: "has \(labels.count) data rows; at least 3 are needed so that the training, validation and test splits each get one")
      }
      return (.regression, task == nil, nil)
    case .classification:
      var log = CSVProblemLog()
      var largest = -1
      for (i, v) in labels.enumerated() {
        if v.isNaN { continue }
        if v != v.rounded(.towardZero) || v > 1e9 || v.isInfinite {
          log.add(.invalidClassLabel, column: 0, line: lines[i], text: formatNumber(v))
        } else if v < 0 {
          log.add(.invalidClassLabel, column: 1, line: lines[i], text: formatNumber(v))
        } else {
          largest = max(largest, Int(v))
        }
      }
      if !log.isEmpty {
        throw DataError(log.sorted.map { key, entry in
          let suffix = entry.count > 1 ? " (first of \(entry.count))" : ""
          let what = key.column == 0 ? "is not an integer" : "is negative"
          return DataIssue(
            .error, .invalidClassLabel, file: file, line: entry.firstLine, column: labelName,
            message: "class label '\(entry.firstText)' \(what); classification labels must be integers 0..K-1" + suffix)
        })
      }
      var counts = Array(repeating: 0, count: largest + 1)
      for v in labels { counts[Int(v)] += 1 }
      var issues: [DataIssue] = []
      let absent = counts.indices.filter { counts[$0] == 0 }
      if !absent.isEmpty {
        let found = counts.indices.filter { counts[$0] > 0 }
        let shown = found.prefix(20).map(String.init).joined(separator: ", ") + (found.count > 20 ? ", …" : "")
        let which = absent.count == 1
          ? "class \(absent[0]) never occurs"
          : "classes \(absent.prefix(20).map(String.init).joined(separator: ", ")) never occur"
        issues.append(DataIssue(
          .error, .missingClass, file: file, column: labelName,
          message: "\(which); classes must be numbered 0..K-1 with none skipped (found \(shown))"))
      } else if counts.count < 2 {
        issues.append(DataIssue(
          .error, .missingClass, file: file, column: labelName,
          message: "only class 0 occurs; classification needs at least two classes"))
      }
      for (k, n) in counts.enumerated() where n > 0 && n < 3 {
        issues.append(DataIssue(
          .error, .classTooSmall, file: file, column: labelName,
          message: "class \(k) has \(n) row\(n == 1 ? "" : "s"); each class needs at least 3 so that the training, validation and test splits each get one"))
      }
      if !issues.isEmpty { throw DataError(issues) }
      return (.classification, task == nil, counts.count)
    }
  }

  /// Classification when the labels are exactly 0..K-1, all present, with
  /// 2 ≤ K ≤ min(1000, rows/2); regression otherwise.
  static func inferTask(_ labels: [Double]) -> LearningTask {
    let limit = min(1000, labels.count / 2)
    guard limit >= 2 else { return .regression }
    var seen = [Bool](repeating: false, count: limit)
    for v in labels {
      guard v >= 0, v < Double(limit), v == v.rounded(.towardZero) else { return .regression }
      seen[Int(v)] = true
    }
    guard let k = seen.lastIndex(of: true), k >= 1, !seen[0...k].contains(false) else { return .regression }
    return .classification
  }
}

/// A number as people write it: integers without ".0", others in Swift's
/// shortest round-trip form.
func formatNumber(_ v: Double) -> String {
  if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  return "\(v)"
}
