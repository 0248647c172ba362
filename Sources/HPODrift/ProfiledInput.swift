import Foundation
import HPOCore
import HPOData

/// A CSV file read and checked against a ``DataProfile``'s schema: what
/// `hpo predict` and `hpo drift` read.
///
/// The file is read as training read its own (HPOData's ``CSVTokenizer`` and
/// ``CSVCell``). The check: a header row naming every feature of the profile
/// (any order; the label column may be there or not, and is ignored), no
/// other column, no repeated name; one field per column in every row; every
/// feature cell a finite decimal number; missing cells (empty, `NA`, `N/A`,
/// `null`, `NULL`) and non-finite ones (which training counts as missing)
/// only when the profile's missing policy is `mean` or `median`; categorical
/// cells one of the training split's levels (unless ``UnknownLevels/count``).
/// Every problem is found in one pass; at most ``problemLimit`` are reported.
public struct ProfiledInput: Sendable, Equatable {
  /// The most problems a failed check lists (then a line counting the rest).
  public static let problemLimit = 20

  /// What to do with a categorical value the training split did not hold.
  public enum UnknownLevels: Sendable, Equatable {
    /// Refuse it (for predictions: the model never saw it).
    case reject
    /// Accept it (drift checks count such values in their own bucket).
    case count
  }

  /// The file as the caller named it.
  public var file: String
  /// One column per profile feature, in the profile's order; NaN is missing.
  public var columns: [[Double]]
  /// The 1-based line of each data row.
  public var lines: [Int]

  public var rowCount: Int { lines.count }

  /// The rows as a dataset in the profile's (the model's) feature order,
  /// with placeholder labels (0), for ``ModelCheckpoint/predict(_:)``. Give
  /// the precision the model was trained in (`Float` for float32 models), so
  /// categorical codes match the one-hot categories learnt from that data.
  public func dataset<S: DataScalar>(profile: DataProfile, as type: S.Type = Double.self) -> Dataset<S> {
    dataset(profile: profile, as: type, rows: 0..<rowCount)
  }

  /// ``dataset(profile:as:)`` of the rows in `rows` only (a chunk, to predict
  /// a large file a piece at a time).
  public func dataset<S: DataScalar>(profile: DataProfile, as type: S.Type = Double.self, rows: Range<Int>) -> Dataset<S> {
    var features = [S](repeating: 0, count: rows.count * columns.count)
    features.withUnsafeMutableBufferPointer { out in
      for (k, column) in columns.enumerated() {
        column.withUnsafeBufferPointer { values in
          var at = k
          for i in rows {
            out[at] = S(values[i])
            at += columns.count
          }
        }
      }
    }
    return Dataset(
      features: features, labels: [Double](repeating: 0, count: rows.count), featureNames: profile.featureNames,
      labelName: profile.label.name, task: profile.label.task, classCount: profile.label.classes?.count)
  }

  /// Reads `path` (mapped into memory, not copied) and checks it against `profile`.
  /// - Throws: ``DriftError`` `.unreadable`, or `.schema` with every problem found.
  public static func read(
    path: String, profile: DataProfile, unknownLevels: UnknownLevels = .reject
  ) throws(DriftError) -> ProfiledInput {
    var reader = Reader(file: path, profile: profile, unknownLevels: unknownLevels)
    let syntaxError: CSVSyntaxError?
    do {
      syntaxError = try CSVTokenizer.forEachCellRecord(file: path, lineEnds: { reader.reserve(rows: $0 + 1) }) {
        reader.add($0)
      }
    } catch {
      throw DriftError(.unreadable, file: path, message: "cannot be read (\(error.first?.message ?? "unreadable")); give the path of a CSV file with a header row")
    }
    return try reader.finish(syntaxError)
  }

  /// Checks CSV `bytes` (named `file` in messages) against `profile`, read
  /// by HPOData's ``CSVTokenizer`` and ``CSVCell`` rules: as training read its file.
  public static func check(
    _ bytes: [UInt8], file: String, profile: DataProfile, unknownLevels: UnknownLevels = .reject
  ) throws(DriftError) -> ProfiledInput {
    var reader = Reader(file: file, profile: profile, unknownLevels: unknownLevels)
    let syntaxError = bytes.withUnsafeBytes { CSVTokenizer.forEachCellRecord(in: $0) { reader.add($0) } }
    return try reader.finish(syntaxError)
  }

  /// The check, one record at a time: the header, then the rows. The values
  /// go through a column-major block of ``blockRows`` rows into the columns,
  /// so that a row costs no copy-on-write check per cell.
  private struct Reader {
    static let blockRows = 4096

    let file: String
    let profile: DataProfile
    let unknownLevels: UnknownLevels
    /// Per feature: the training levels a value must be one of (categorical
    /// features read with ``UnknownLevels/reject``), else nil.
    let requiredLevels: [Set<Double>?]
    var headerCount: Int?
    var positions: [Int] = []
    var headerError: DriftError?
    var log: ProblemLog
    var columns: [[Double]]
    var lines: [Int] = []
    var block: [Double]
    var blockCount = 0

    init(file: String, profile: DataProfile, unknownLevels: UnknownLevels) {
      self.file = file
      self.profile = profile
      self.unknownLevels = unknownLevels
      requiredLevels = profile.features.map { f in
        f.kind == .categorical && unknownLevels == .reject ? Set(f.levels ?? []) : nil
      }
      log = ProblemLog(file: file)
      columns = [[Double]](repeating: [], count: profile.features.count)
      block = [Double](repeating: 0, count: Self.blockRows * profile.features.count)
    }

    /// Reserves room for `rows` rows (an upper bound: the file's line count).
    mutating func reserve(rows: Int) {
      for k in columns.indices { columns[k].reserveCapacity(rows) }
      lines.reserveCapacity(rows)
    }

    mutating func add(_ record: CSVCellRecord) {
      guard headerError == nil else { return }
      guard let headerCount else {
        headerCount = record.count
        let names = (0..<record.count).map(record.text)
        do throws(DriftError) {
          positions = try columnPositions(names, line: record.line, file: file, profile: profile)
        } catch { headerError = error }
        return
      }
      guard record.count == headerCount else {
        log.add(line: record.line, column: nil, "row has \(record.count) fields but the header has \(headerCount) columns; every row needs one field per column")
        return
      }
      lines.append(record.line)
      var problems: [(feature: Int, message: CellProblem)] = []
      let row = blockCount
      let acceptsMissing = profile.acceptsMissing
      block.withUnsafeMutableBufferPointer { block in
        for k in positions.indices {
          let position = positions[k]
          block[k * Self.blockRows + row] = ProfiledInput.value(
            record.cells[position], text: record.text(position), levels: requiredLevels[k], acceptsMissing: acceptsMissing
          ) { message in problems.append((k, message)) }
        }
      }
      for (k, message) in problems {
        let feature = profile.features[k]
        log.add(line: record.line, column: feature.name, message(feature, profile))
      }
      blockCount += 1
      if blockCount == Self.blockRows { flushBlock() }
    }

    /// Moves the block's rows to the columns.
    mutating func flushBlock() {
      guard blockCount > 0 else { return }
      for k in columns.indices {
        let start = k * Self.blockRows
        columns[k].append(contentsOf: block[start..<(start + blockCount)])
      }
      blockCount = 0
    }

    mutating func finish(_ syntaxError: CSVSyntaxError?) throws(DriftError) -> ProfiledInput {
      flushBlock()
      if let headerError { throw headerError }
      var log = log
      if let syntaxError {
        // After the problems of the rows before it, which were read in full.
        log.add(line: syntaxError.line, column: nil, syntaxError.message)
        if let error = log.error { throw error }
      }
      guard headerCount != nil else {
        throw DriftError(.schema, file: file, message: "file is empty; expected a header row naming the columns \(ProfiledInput.expected(profile))")
      }
      guard !lines.isEmpty || !log.problems.isEmpty else {
        throw DriftError(.schema, file: file, message: "has a header but no data rows; expected at least one data row after the header")
      }
      if let error = log.error { throw error }
      return ProfiledInput(file: file, columns: columns, lines: lines)
    }
  }

  /// Where each profile feature is among the header's fields.
  private static func columnPositions(
    _ header: [String], line: Int, file: String, profile: DataProfile
  ) throws(DriftError) -> [Int] {
    var problems: [DriftError.Problem] = []
    var seen: [String: Int] = [:]
    let known = Set(profile.featureNames)
    for (i, name) in header.enumerated() {
      if seen[name] != nil {
        problems.append(.init(file: file, line: line, column: name, message: "appears twice in the header; every column needs a distinct name"))
        continue
      }
      seen[name] = i
      if !known.contains(name) && name != profile.label.name {
        let hint = Wording.suggestion(for: name, among: profile.featureNames).map { "did you mean '\($0)'? " } ?? ""
        problems.append(.init(
          file: file, line: line, column: name,
          message: "is not a feature of the model; \(hint)accepted: \(expected(profile))"))
      }
    }
    for name in profile.featureNames where seen[name] == nil {
      problems.append(.init(
        file: file, line: line, column: name,
        message: "is missing from the header; the model reads the columns \(expected(profile))"))
    }
    if !problems.isEmpty { throw DriftError(.schema, problems: problems) }
    return profile.featureNames.map { seen[$0] ?? 0 }
  }

  /// The accepted header, in words.
  static func expected(_ profile: DataProfile) -> String {
    profile.featureNames.map { "'\($0)'" }.joined(separator: ", ")
      + " in any order (the label '\(profile.label.name)' may be there too and is ignored)"
  }

  /// A problem with one cell, worded once the feature is known (the hot loop
  /// only notes which cell it was).
  typealias CellProblem = (DataProfile.FeatureProfile, DataProfile) -> String

  /// One cell's value (NaN for missing), reporting what is wrong with it.
  /// Non-finite values count as missing, as in training. `levels`: the
  /// categories the value must be one of, or nil when any value goes.
  @inline(__always)
  private static func value(
    _ cell: CSVCell, text: @autoclosure () -> String, levels: Set<Double>?, acceptsMissing: Bool,
    problem: (@escaping CellProblem) -> Void
  ) -> Double {
    switch cell {
    case .number(let value):
      let value = value == 0 ? 0 : value
      if let levels, !levels.contains(value) {
        let shownText = shown(text())
        problem { feature, _ in
          let levels = feature.levels ?? []
          let list = levels.prefix(30).map(formatLevel).joined(separator: ", ") + (levels.count > 30 ? ", …" : "")
          return "value '\(shownText)' is not a category the model was trained on; accepted: \(list)"
        }
      }
      return value
    case .missing:
      if !acceptsMissing {
        problem { _, profile in
          "missing value; the model was trained with \"missing\": \"\(profile.missing.rawValue)\", so every cell needs a value (only \"mean\" or \"median\" models impute missing values)"
        }
      }
      return .nan
    case .nonFinite:
      if !acceptsMissing {
        let shownText = shown(text())
        problem { _, _ in "value '\(shownText)' is not finite; accepted: a finite decimal number" }
      }
      return .nan
    case .nonNumeric:
      let shownText = shown(text())
      problem { _, _ in "value '\(shownText)' is not a number; accepted: a decimal number such as 3, -0.5 or 1e-3" }
      return .nan
    }
  }

  static func shown(_ text: String) -> String { text.count > 40 ? String(text.prefix(40)) + "…" : text }

  /// A level as people write it: integers without ".0".
  static func formatLevel(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
  }
}

/// Problems of one file, capped at ``ProfiledInput/problemLimit``.
struct ProblemLog {
  let file: String
  var problems: [DriftError.Problem] = []
  var dropped = 0

  init(file: String) { self.file = file }

  mutating func add(line: Int?, column: String?, _ message: String) {
    if problems.count < ProfiledInput.problemLimit {
      problems.append(DriftError.Problem(file: file, line: line, column: column, message: message))
    } else {
      dropped += 1
    }
  }

  var error: DriftError? {
    guard !problems.isEmpty else { return nil }
    var all = problems
    if dropped > 0 {
      all.append(DriftError.Problem(file: file, message: "\(dropped) more problem\(dropped == 1 ? "" : "s") not shown"))
    }
    return DriftError(.schema, problems: all)
  }
}
