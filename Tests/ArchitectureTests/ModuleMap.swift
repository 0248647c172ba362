import Foundation

/// The module map as the README states it (its "Modules" table: module,
/// job, what it may import), and the imports the sources really make.
struct ModuleMap {
  /// What each module may import among the repository's own modules; `nil`:
  /// anything ("all of the above").
  var allowed: [String: Set<String>?]
  /// The C modules each module must import `private`ly.
  var privateImports: [String: Set<String>]
  /// The repository's own modules: only imports of these are judged
  /// (Foundation, GRDB, swift-log, … are the package manifest's business).
  var known: Set<String>

  /// Parses the table under `## Modules` in `readme`: a row's first cell
  /// names one or more modules (in backticks), its last cell what they may
  /// import. Only names in `known` count; `private import X` marks X as private.
  init(readme: String, known: Set<String>) throws {
    guard let start = readme.range(of: "\n## Modules\n") else { throw Problem("the README has no \"## Modules\" section") }
    let section = readme[start.upperBound...]
    let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
    allowed = [:]
    privateImports = [:]
    self.known = known
    for line in section[..<end].split(separator: "\n") where line.hasPrefix("| `") {
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 4 else { continue }
      let modules = Self.names(in: cells[1]).filter(known.contains)
      let imports = cells[cells.count - 2]
      let everything = imports.contains("all of the above")
      let names = Set(Self.names(in: imports).filter(known.contains))
      let privates = Set(names.filter { imports.contains("private import \($0)") })
      for m in modules {
        allowed[m] = everything ? .some(nil) : .some(names)
        privateImports[m] = privates
      }
    }
  }

  /// Words that look like module names (letters, digits, underscores).
  static func names(in text: some StringProtocol) -> [String] {
    String(text).split(whereSeparator: { (c: Character) in !(c.isLetter || c.isNumber || c == "_") }).map(String.init)
  }

  /// Why `module`'s `imports` break the map; empty when they do not.
  func violations(module: String, imports: [SourceImport]) -> [String] {
    guard let row = allowed[module] else { return ["\(module) has no row in the README's module table"] }
    var problems: [String] = []
    for i in imports where i.module != module && known.contains(i.module) {
      if let row, !row.contains(i.module) {
        problems.append("\(i.file): \(module) imports \(i.module); its row allows \(row.sorted().joined(separator: ", "))")
      }
      if privateImports[module]?.contains(i.module) == true, !i.isPrivate {
        problems.append("\(i.file): \(module) must import \(i.module) with `private import`")
      }
    }
    return problems
  }

  struct Problem: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
  }
}

/// One `import` line of a source file.
struct SourceImport: Equatable {
  var file: String
  var module: String
  var isPrivate: Bool

  /// The imports of Swift source `text` (attributes and access levels allowed).
  static func parse(_ text: String, file: String) -> [SourceImport] {
    text.split(separator: "\n").compactMap { raw in
      var words = raw.split(separator: " ").map(String.init)
      while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
      var isPrivate = false
      if let first = words.first, ["private", "fileprivate", "internal", "package", "public"].contains(first) {
        isPrivate = first == "private" || first == "fileprivate"
        words.removeFirst()
      }
      guard words.count >= 2, words[0] == "import" else { return nil }
      return SourceImport(file: file, module: words[1], isPrivate: isPrivate)
    }
  }
}
