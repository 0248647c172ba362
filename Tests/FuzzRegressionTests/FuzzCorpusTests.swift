import Foundation
import HPOFuzzHarness
import Testing

/// The fuzz corpora replayed through the same harness the libFuzzer targets
/// run (`Cluster/test-fuzz`): every input that once crashed a reader
/// (`Tests/Fuzz/Crashes/<target>/`) now breaks no property (refused with an
/// error, or accepted intact when the input was valid and a property failed), and the
/// seeds (`Tests/Fuzz/Corpus/<target>/`) break no property — with some seeds of
/// each target accepted, so the harness reaches past the first checks.
struct FuzzCorpusTests {
  static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fuzz")

  static func inputs(_ folder: String, _ target: FuzzTarget) -> [(name: String, bytes: [UInt8])] {
    let dir = fuzz.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])  // no folder: no inputs
      .filter { !$0.hasPrefix(".") }.sorted()
    return names.compactMap { name in
      (try? Data(contentsOf: dir.appendingPathComponent(name))).map { (name, Array($0)) }  // listed a moment ago
    }
  }

  static func scratch(_ target: FuzzTarget) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-fuzz-replay-\(target.rawValue)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test(arguments: FuzzTarget.allCases)
  func crashInputs_breakNoPropertyAnyMore(_ target: FuzzTarget) throws {
    let scratch = try Self.scratch(target)
    defer { try? FileManager.default.removeItem(at: scratch) }  // a leftover temporary folder harms nothing
    for input in Self.inputs("Crashes", target) {
      switch target.run(input.bytes, in: scratch) {
      case .accepted: break  // a valid input whose trip through a message once changed it
      case .refused(let message):
        #expect(!message.isEmpty, "Crashes/\(target.rawValue)/\(input.name): an error without a message")
      case .violated(let why):
        Issue.record("Crashes/\(target.rawValue)/\(input.name): \(why)")
      }
    }
  }

  @Test(arguments: FuzzTarget.allCases)
  func seeds_breakNoPropertyAndSomeAreAccepted(_ target: FuzzTarget) throws {
    let scratch = try Self.scratch(target)
    defer { try? FileManager.default.removeItem(at: scratch) }  // a leftover temporary folder harms nothing
    let seeds = Self.inputs("Corpus", target)
    #expect(seeds.count >= 4, "Corpus/\(target.rawValue) holds \(seeds.count) seeds")
    var accepted: [String] = []
    for seed in seeds {
      switch target.run(seed.bytes, in: scratch) {
      case .accepted: accepted.append(seed.name)
      case .refused: break
      case .violated(let why): Issue.record("Corpus/\(target.rawValue)/\(seed.name): \(why)")
      }
    }
    #expect(accepted.count >= 2, "Corpus/\(target.rawValue): only \(accepted) accepted; the seeds should reach past the first checks")
  }
}
