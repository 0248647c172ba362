import ArgumentParser

/// `--format`: how a command that prints data prints it. One type for every
/// command, so `--help` lists the same values everywhere.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case table, csv, json

  /// The accepted values in words: "table or json".
  static func list(_ formats: [OutputFormat]) -> String {
    let names = formats.map(\.rawValue)
    guard let last = names.last, names.count > 1 else { return names.joined() }
    return names.dropLast().joined(separator: ", ") + " or " + last
  }

  /// Refuses (exit 2) a format `command` cannot print, naming the flag, the
  /// value and what it accepts.
  func check(_ command: String, accepts formats: [OutputFormat]) throws {
    guard formats.contains(self) else {
      throw ValidationError("--format \(rawValue): \(command) cannot print \(rawValue); accepted: \(Self.list(formats))")
    }
  }

  /// The format of a command that also takes the hidden `--json` of the
  /// previous release: `--format`, else json with `--json`, else table.
  static func resolve(_ format: OutputFormat?, json: Bool) -> OutputFormat {
    format ?? (json ? .json : .table)
  }

  /// For `validate()` of such a command: warns about `--json`, refuses it next
  /// to another `--format`, and refuses a format `command` cannot print.
  static func check(_ format: OutputFormat?, json: Bool, _ command: String, accepts formats: [OutputFormat]) throws {
    if json {
      DeprecatedFlag.warn(["--json"], use: "--format json")
      if let format, format != .json {
        throw ValidationError("--json contradicts --format \(format.rawValue); give only --format")
      }
    }
    try resolve(format, json: json).check(command, accepts: formats)
  }
}
