import ArgumentParser

/// Old flag spellings kept for one release as hidden aliases, because scripts
/// call them: each use prints one warning line naming the flag that replaces it.
enum DeprecatedFlag {
  /// Prints one line, `warning: OLD is deprecated …; use NEW`, to standard error.
  static func warn(_ old: [String], use replacement: String) {
    let subject = old.count == 1 ? "\(old[0]) is" : "\(old.joined(separator: " and ")) are"
    FileHandleOutput.standardError("warning: \(subject) deprecated and will be removed in the next release; use \(replacement)")
  }

  /// For `validate()`: warns when old spellings were given (`oldNames`, empty
  /// when none was), and refuses them next to the new flag (exit 2). The
  /// command then reads the new flag's value, else the old one's.
  static func check(_ oldNames: [String], new: Bool, _ newName: String, replacement: String? = nil) throws {
    guard !oldNames.isEmpty else { return }
    warn(oldNames, use: replacement ?? newName)
    if new {
      throw ValidationError("\(oldNames.joined(separator: " and ")) \(oldNames.count == 1 ? "is the old spelling" : "are the old spellings") of \(newName); give only \(newName)")
    }
  }

  /// The names in `flags` whose value was given (for ``check(_:new:_:replacement:)``).
  static func given(_ flags: [(name: String, given: Bool)]) -> [String] {
    flags.filter(\.given).map(\.name)
  }
}
