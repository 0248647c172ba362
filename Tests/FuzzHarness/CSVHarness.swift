import Foundation
import HPOCore
import HPOData

/// The CSV readers: ``CSVReader`` (training data, through a mapped file) and
/// ``CSVTokenizer/forEachRecord(in:_:)`` (what `hpo predict` and `hpo drift` read).
///
/// Input: byte 0 picks the options (bits 0–1 the task: inferred,
/// classification, regression, inferred; bits 2–3 the missing-value policy:
/// reject, mean, median, drop; bit 4 Double instead of Float; bit 5 the label
/// column named "label" instead of the last one); the rest is the file.
///
/// Properties: both readers throw or return, never trap or read out of bounds
/// (the tokenizer works on raw pointers, hence AddressSanitizer); an accepted
/// dataset is consistent (a row of features and a source line per label,
/// class labels in 0..<K, finite regression targets), and its file tokenizes
/// without a syntax error.
enum CSVHarness {
  static func run(_ bytes: [UInt8], in scratch: URL) -> FuzzTarget.Outcome {
    guard let flags = bytes.first else { return .refused("empty input") }
    let file = Array(bytes.dropFirst())
    let tasks: [LearningTask?] = [nil, .classification, .regression, nil]
    let policies: [MissingPolicy] = [.reject, .mean, .median, .drop]
    let options = CSVReadOptions(
      label: flags & 0x20 != 0 ? "label" : nil, task: tasks[Int(flags & 3)], missing: policies[Int(flags >> 2 & 3)])

    var emptyRecord: Int?
    let syntaxError = CSVTokenizer.forEachRecord(in: file) { record in
      if record.fields.isEmpty, emptyRecord == nil { emptyRecord = record.line }
    }
    if let line = emptyRecord { return .violated("a record with no fields at line \(line)") }

    let url = scratch.appendingPathComponent("data.csv")
    writeScratch(file, to: url)
    return flags & 0x10 != 0
      ? check(url.path, options, as: Double.self, syntaxError: syntaxError)
      : check(url.path, options, as: Float.self, syntaxError: syntaxError)
  }

  static func check<Scalar: DataScalar>(
    _ path: String, _ options: CSVReadOptions, as type: Scalar.Type, syntaxError: CSVSyntaxError?
  ) -> FuzzTarget.Outcome {
    let loaded: LoadedData<Scalar>
    do {
      loaded = try CSVReader.read(path: path, options: options, as: Scalar.self)
    } catch {
      guard !error.issues.isEmpty else { return .violated("a refused CSV file names no issue") }
      return .refused(error.description)
    }
    if let syntaxError { return .violated("CSVReader accepts a file the tokenizer refuses: \(syntaxError.message)") }
    let d = loaded.dataset
    guard d.rowCount > 0 else { return .violated("an accepted dataset has no rows") }
    guard d.features.count == d.rowCount * d.featureCount else {
      return .violated("features hold \(d.features.count) values for \(d.rowCount) × \(d.featureCount)")
    }
    guard loaded.sourceLines.count == d.rowCount else {
      return .violated("\(loaded.sourceLines.count) source lines for \(d.rowCount) rows")
    }
    switch d.task {
    case .classification:
      let k = d.classCount ?? 0
      guard d.labels.allSatisfy({ $0 >= 0 && $0 < Double(k) && $0 == $0.rounded() }) else {
        return .violated("a class label outside 0..<\(k)")
      }
    case .regression:
      guard d.labels.allSatisfy(\.isFinite) else { return .violated("a non-finite regression target") }
    }
    return .accepted
  }
}
