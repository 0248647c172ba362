import Foundation

/// Writing lines to standard output and standard error.
enum FileHandleOutput {
  /// Writes `text` (plus a newline unless it ends with one) to standard error.
  static func standardError(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    FileHandle.standardError.write(Data(line.utf8))
  }
}

extension FileHandleOutput {
  /// Writes `text` as it is (no newline added) to standard error.
  static func standardErrorRaw(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
