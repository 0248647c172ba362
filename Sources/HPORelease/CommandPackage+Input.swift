import Foundation
import HPOData
import HPODrift

extension CommandPackage {
  /// Checks that the CSV file at `path` can be read and that its header row
  /// (read by HPOData's ``CSVTokenizer``, as training read its file) names
  /// every feature column of `profile`, in any order. The label column and
  /// other columns may be there: the package's own command reads the file,
  /// so its cells are not checked here.
  /// - Throws: ``DriftError`` `.unreadable` (a missing or unreadable file),
  ///   `.schema` (an empty file, a header that is not CSV, missing feature
  ///   columns — all of them named, with the header's own names).
  public static func checkHeader(of path: String, against profile: DataProfile) throws(DriftError) {
    let header = try readHeader(path)
    let present = Set(header.names)
    let missing = profile.featureNames.filter { !present.contains($0) }
    guard !missing.isEmpty else { return }
    let shown = header.names.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
      + (header.names.count > 10 ? ", … (\(header.names.count) columns)" : "")
    throw DriftError(
      .schema, file: path, line: header.line,
      message: "the header lacks the feature column\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", "))"
        + " that \(DataProfile.fileName) names (the model was trained on \(profile.featureNames.count) feature columns: the label '\(profile.label.name)' may be left out, no feature may); the header has \(shown)")
  }

  /// The longest header read: a file whose first record is not complete
  /// within this many bytes is refused.
  static let headerLimit = 64 << 20

  /// The first record of the file at `path` and its line, reading no more of
  /// the file than it takes: a prefix that doubles until a second record
  /// starts or the file ends (so a quoted line break in the header is read whole).
  static func readHeader(_ path: String) throws(DriftError) -> (names: [String], line: Int) {
    let handle: FileHandle
    do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) } catch {
      throw DriftError(.unreadable, file: path, message: "cannot be read (\(Self.reason(error))); give the path of a CSV file with a header row")
    }
    defer {
      // Closing a file only read from loses nothing.
      try? handle.close()
    }
    var bytes: [UInt8] = []
    var wanted = 64 << 10
    while true {
      do { bytes += try handle.read(upToCount: wanted - bytes.count) ?? Data() } catch {
        throw DriftError(.unreadable, file: path, message: "cannot be read (\(Self.reason(error))); give the path of a CSV file with a header row")
      }
      let atEnd = bytes.count < wanted
      var records: [CSVRecord] = []
      let syntaxError = CSVTokenizer.forEachRecord(in: bytes) { if records.count < 2 { records.append($0) } }
      // A first record followed by another, by the file's end, or by a syntax
      // error further on (the scan got past its line end) is complete.
      if let first = records.first, records.count == 2 || atEnd || syntaxError != nil { return (first.fields, first.line) }
      if atEnd || wanted >= headerLimit {
        if let syntaxError { throw DriftError(.schema, file: path, line: syntaxError.line, message: syntaxError.message) }
        if atEnd { throw DriftError(.schema, file: path, message: "is empty; expected a header row naming the columns") }
        throw DriftError(.schema, file: path, message: "has no complete header row in its first \(headerLimit >> 20) MiB; expected a header row naming the columns")
      }
      wanted *= 2
    }
  }

  /// The system's reason in an error from Foundation's file calls.
  private static func reason(_ error: any Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let underlying, underlying.domain == NSPOSIXErrorDomain, let text = strerror(Int32(underlying.code)) {
      return String(cString: text)
    }
    return error.localizedDescription
  }
}
