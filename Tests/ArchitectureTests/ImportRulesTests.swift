import Foundation
import Testing

/// The import graph matches the module map in the README: every module
/// imports only what its row allows, C libraries are imported `private`ly by
/// exactly one module each, and the coordinator stays free of data parsing
/// and packaging.
struct ImportRulesTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The modules under Sources/ and their imports.
  static func sourceImports() throws -> [String: [SourceImport]] {
    let sources = root.appendingPathComponent("Sources")
    var result: [String: [SourceImport]] = [:]
    for module in try FileManager.default.contentsOfDirectory(atPath: sources.path) where !module.hasPrefix(".") {
      let dir = sources.appendingPathComponent(module)
      var imports: [SourceImport] = []
      let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
      for file in files where file.hasSuffix(".swift") {
        let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        imports += SourceImport.parse(text, file: "Sources/\(module)/\(file)")
      }
      result[module] = imports
    }
    return result
  }

  static func map(known: Set<String>) throws -> ModuleMap {
    try ModuleMap(readme: String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8), known: known)
  }

  @Test func everyModule_importsOnlyWhatItsRowAllows() throws {
    let imports = try Self.sourceImports()
    let map = try Self.map(known: Set(imports.keys))
    #expect(imports.count >= 15, "Sources/ should hold every module")
    for (module, list) in imports.sorted(by: { $0.key < $1.key }) {
      let problems = map.violations(module: module, imports: list)
      #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
  }

  @Test func theCoordinator_importsNoHPOModuleBeyondCoreStoreAndWire() throws {
    let imports = try Self.sourceImports()
    let own = Set(imports.keys)
    let used = Set(try #require(imports["HPOCoordinator"]).map(\.module)).intersection(own)
    #expect(used.isSubset(of: ["HPOCore", "HPOStore", "HPOWire"]), "HPOCoordinator imports \(used.sorted())")
    // And its README row says so.
    let row = try Self.map(known: own).allowed["HPOCoordinator"]
    #expect(row == .some(["HPOCore", "HPOStore", "HPOWire"]))
  }

  @Test func eachCLibrary_isImportedPrivatelyByExactlyOneModule() throws {
    let imports = try Self.sourceImports()
    let cModules = imports.keys.filter { $0.hasPrefix("C") }
    #expect(cModules.count == 3)
    for c in cModules {
      let importers = imports.filter { $0.value.contains { $0.module == c } }
      #expect(importers.count == 1, "\(c) is imported by \(importers.keys.sorted())")
      for (_, list) in importers {
        #expect(list.filter { $0.module == c }.allSatisfy { $0.isPrivate }, "\(c) must be imported with `private import`")
      }
    }
  }

  /// The checker itself: a row that does not allow an import is reported,
  /// with the file; a missing `private` is reported; an allowed one is not.
  @Test func theChecker_reportsWhatBreaksARow() throws {
    let readme = """
      # x

      ## Modules

      | module | job | imports |
      |---|---|---|
      | `A` | a | B, `private import CLib` |
      | `B`, `D` | b | — |
      | `E` | e | all of the above |

      ## Next
      | `B` | not the table | A |
      """
    let map = try ModuleMap(readme: readme, known: ["A", "B", "CLib", "D", "E"])
    #expect(map.violations(module: "A", imports: SourceImport.parse("import B\nprivate import CLib\nimport Foundation", file: "a.swift")).isEmpty)
    #expect(map.violations(module: "B", imports: SourceImport.parse("@preconcurrency import A", file: "b.swift"))
      == ["b.swift: B imports A; its row allows "])
    #expect(map.violations(module: "A", imports: SourceImport.parse("import CLib", file: "a.swift"))
      == ["a.swift: A must import CLib with `private import`"])
    #expect(map.violations(module: "E", imports: SourceImport.parse("import A\nimport D", file: "e.swift")).isEmpty)
    #expect(map.violations(module: "F", imports: []) == ["F has no row in the README's module table"])
  }
}
