import Foundation
import HPOCore
import Testing
@testable import HPOData

/// What a worker needs on disk for a command trial: the raw CSV splits (the
/// user's own columns and cells, the built-in split's rows) and a command
/// experiment's prepared shards.
@Suite struct CommandDataTests {
  let directory = TemporaryDirectory()

  /// The data rows of a CSV text as lines (header dropped), for comparisons.
  static func rows(_ bytes: [UInt8]) -> [String] {
    Array(String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()).map(String.init)
  }

  static func header(_ bytes: [UInt8]) -> String {
    String(String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)[0])
  }

  /// The lines of the built-in split of the same file and spec.
  static func builtInLines(_ spec: DataSpec, path: String) throws -> (train: [Int], validation: [Int], test: [Int]) {
    let splits = try DataPipeline(spec: spec, dataPath: path).splits(as: Double.self)
    let lines = splits.sourceLines
    return (splits.indices.train.map { lines[$0] }, splits.indices.validation.map { lines[$0] }, splits.indices.test.map { lines[$0] })
  }

  @Test(arguments: [
    ("iris.csv", LearningTask.classification, UInt64(0)), ("iris.csv", .classification, 7),
    ("wine.csv", .classification, 3), ("diabetes.csv", .regression, 11), ("digits.csv", .classification, 5),
  ])
  func rawSplits_matchTheBuiltInSplit_andKeepTheFilesText(file: String, task: LearningTask, seed: UInt64) throws {
    let path = bundledDataDirectory + "/" + file
    let spec = DataSpec(path: path, task: task, split: SplitSpec(validation: 0.2, test: 0.15, seed: seed))
    let raw = try RawCSVSplits.split(spec: spec, dataPath: path)
    let builtIn = try Self.builtInLines(spec, path: path)
    #expect(raw.train.lines == builtIn.train)
    #expect(raw.validation.lines == builtIn.validation)
    #expect(raw.test.lines == builtIn.test)

    let source = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
    let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for split in [raw.train, raw.validation, raw.test] {
      #expect(Self.header(split.bytes) == sourceLines[0])
      // Each row is the file's own line, byte for byte.
      #expect(Self.rows(split.bytes) == split.lines.map { sourceLines[$0 - 1] })
    }
    let union = (Self.rows(raw.train.bytes) + Self.rows(raw.validation.bytes) + Self.rows(raw.test.bytes)).sorted()
    #expect(union == Array(sourceLines.dropFirst()).filter { !$0.isEmpty }.sorted())
    #expect(raw.rowsRead == raw.rowsKept && raw.rowsKept == union.count)
    // Deterministic bytes.
    #expect(try RawCSVSplits.split(spec: spec, dataPath: path) == raw)
  }

  @Test func rawSplits_passTextQuotesAndSpacesAsWritten() throws {
    var text = "\u{FEFF}id, colour ,\"note, quoted\",label\r\n"
    for i in 0..<12 {
      text += "\(i), \(["red", "green", "blue"][i % 3]) ,\"says \"\"hi\"\", \(i)\",\(i % 2)\r\n"
      if i == 5 { text += "   \r\n" }
    }
    let path = directory.write("text.csv", text)
    let spec = DataSpec(path: path, label: "label", task: .classification, split: SplitSpec(seed: 2))
    let raw = try RawCSVSplits.split(spec: spec, dataPath: path)
    #expect(Self.header(raw.train.bytes) == "id, colour ,\"note, quoted\",label")
    let all = Self.rows(raw.train.bytes) + Self.rows(raw.validation.bytes) + Self.rows(raw.test.bytes)
    #expect(all.count == 12)
    #expect(all.contains("3, red ,\"says \"\"hi\"\", 3\",1"))
    #expect(raw.train.lines.count + raw.validation.lines.count + raw.test.lines.count == 12)
    // The built-in reader refuses text features; the command split passes them on.
    #expect(throws: DataError.self) { try DataPipeline(spec: spec, dataPath: path).splits(as: Double.self) }
  }

  static let withGaps = """
    a,b,y
    1,2,0
    ,3,1
    4,NA,0
    5,6,1
    7,8,0
    9,10,1
    11,inf,0
    13,14,1
    15,16,0
    17,18,1
    19,20,0
    21,,1
    23,24,0
    25,26,1
    """

  @Test func rawSplits_dropPolicy_dropsTheRowsTheBuiltInReaderDrops() throws {
    let path = directory.write("gaps.csv", Self.withGaps + "\n")
    let drop = DataSpec(path: path, task: .classification, split: SplitSpec(seed: 4), missing: .drop)
    let raw = try RawCSVSplits.split(spec: drop, dataPath: path)
    let builtIn = try Self.builtInLines(drop, path: path)
    #expect(raw.train.lines == builtIn.train && raw.validation.lines == builtIn.validation && raw.test.lines == builtIn.test)
    #expect(raw.rowsRead == 14 && raw.rowsKept == 10)
    #expect(Set(raw.train.lines + raw.validation.lines + raw.test.lines).isDisjoint(with: [3, 4, 8, 13]))
  }

  @Test func rawSplits_rejectMeanAndMedian_keepEveryRowAsWritten() throws {
    let path = directory.write("gaps.csv", Self.withGaps)
    for policy in [MissingPolicy.reject, .mean, .median] {
      let spec = DataSpec(path: path, task: .classification, split: SplitSpec(seed: 4), missing: policy)
      let raw = try RawCSVSplits.split(spec: spec, dataPath: path)
      #expect(raw.rowsKept == 14, "\(policy)")
      let all = Self.rows(raw.train.bytes) + Self.rows(raw.validation.bytes) + Self.rows(raw.test.bytes)
      #expect(all.contains(",3,1") && all.contains("11,inf,0") && all.contains("21,,1"), "\(policy)")
      if policy == .mean {
        let builtIn = try Self.builtInLines(spec, path: path)
        #expect(raw.train.lines == builtIn.train && raw.test.lines == builtIn.test)
      }
    }
  }

  @Test func rawSplits_badLabelsAndStructure_areRefusedAsTheBuiltInReaderRefusesThem() throws {
    let cases: [(String, String)] = [
      ("a,y\n1,0\n2,\n3,1\n4,0\n5,1\n6,0\n7,1\n", "missing label"),
      ("a,y\n1,0\n2,x\n3,1\n4,0\n5,1\n6,0\n7,1\n", "class label"),
      ("a,y\n1,0\n2,1,5\n3,1\n4,0\n5,1\n6,0\n7,1\n", "fields"),
      ("a,y\n1,0\n2,1\n3,1\n4,0\n5,1\n6,0\n7,5\n", "never occur"),
      ("a,y\n", "no data rows"),
    ]
    for (i, (text, expected)) in cases.enumerated() {
      let path = directory.write("bad\(i).csv", text)
      let spec = DataSpec(path: path, task: .classification)
      let raw = thrownIssues { () throws(DataError) in _ = try RawCSVSplits.split(spec: spec, dataPath: path) }
      let builtIn = thrownIssues { () throws(DataError) in _ = try DataPipeline(spec: spec, dataPath: path).splits(as: Double.self) }
      #expect(raw.first?.contains(expected) == true, "\(text): \(raw)")
      #expect(raw == builtIn, "\(text)")
    }
    let path = directory.write("label.csv", "a,y\n1,0\n")
    let missingLabel = thrownIssues { () throws(DataError) in
      _ = try RawCSVSplits.split(spec: DataSpec(path: path, label: "target", task: .classification), dataPath: path)
    }
    #expect(missingLabel == ["\(path):1: label column 'target' not found; the header has 'a', 'y'"])
  }

  // MARK: Prepared shards of a command experiment

  func commandSpec(workdir: String, data: DataSpec?, output: String) -> ExperimentSpec {
    ExperimentSpec(
      name: "cmd", data: data,
      model: ModelSpec(kind: .command, command: CommandSpec(train: ["python3", "train.py"], workdir: workdir)),
      space: SearchSpace([Parameter(name: "x", domain: .float(FloatRange(low: 0, high: 1)))]),
      objective: ObjectiveSpec(metric: .accuracy), search: SearchSpec(strategy: .random, trials: 2, parallel: 1, seed: 1),
      output: OutputSpec(dir: output))
  }

  func makeWorkdir() throws -> String {
    let workdir = directory.path + "/work"
    try FileManager.default.createDirectory(atPath: workdir + "/pkg", withIntermediateDirectories: true)
    try Data("import hpo_client\n".utf8).write(to: URL(fileURLWithPath: workdir + "/train.py"))
    try Data("X = 1\n".utf8).write(to: URL(fileURLWithPath: workdir + "/pkg/util.py"))
    return workdir
  }

  @Test func prepare_commandWithData_servesCodeAndTrainingCSVs_keepsTestCSVHome() throws {
    let workdir = try makeWorkdir()
    let output = workdir + "/runs/cmd"  // inside the workdir: left out of the bundle
    let data = DataSpec(path: bundledDataDirectory + "/iris.csv", task: .classification, split: SplitSpec(seed: 9))
    let source = ShardedDataSource()
    let prepared = try source.prepare(commandSpec(workdir: workdir, data: data, output: output))
    #expect(prepared.shards.map(\.role) == [.code, .trainCSV, .validationCSV])

    let raw = try RawCSVSplits.split(spec: data, dataPath: data.path)
    let served = try prepared.shards.map { try #require(try source.shardBytes(sha256: $0.sha256)) }
    for (shard, bytes) in zip(prepared.shards, served) {
      #expect(SHA256Hex.of(bytes) == shard.sha256 && bytes.count == shard.bytes)
    }
    #expect(served[1] == raw.train.bytes && served[2] == raw.validation.bytes)
    let bundle = try FileBundle(decoding: served[0])
    #expect(bundle.entries.map(\.path) == ["pkg/util.py", "train.py"])

    let testPath = ShardedDataSource.commandTestCSV(outputDirectory: output)
    #expect(testPath == output + "/data/test.csv")
    #expect(Array(try #require(FileManager.default.contents(atPath: testPath))) == raw.test.bytes)
    #expect(!prepared.shards.contains { $0.sha256 == SHA256Hex.of(raw.test.bytes) })
    #expect(try source.shardBytes(sha256: SHA256Hex.of(raw.test.bytes)) == nil)
    #expect(prepared.sourceSHA256 == SHA256Hex.of(Array("data \(raw.sourceSHA256)\ncode \(bundle.sha256)\n".utf8)))

    // Preparing again (a resume) gives the same shards; a changed workdir another fingerprint.
    #expect(try source.prepare(commandSpec(workdir: workdir, data: data, output: output)) == prepared)
    try Data("import hpo_client  # v2\n".utf8).write(to: URL(fileURLWithPath: workdir + "/train.py"))
    let changed = try source.prepare(commandSpec(workdir: workdir, data: data, output: output))
    #expect(changed.sourceSHA256 != prepared.sourceSHA256)
    #expect(changed.shards[1] == prepared.shards[1] && changed.shards[0] != prepared.shards[0])
  }

  @Test func prepare_commandWithoutData_servesTheCodeAlone() throws {
    let workdir = try makeWorkdir()
    let source = ShardedDataSource()
    let prepared = try source.prepare(commandSpec(workdir: workdir, data: nil, output: directory.path + "/out"))
    #expect(prepared.shards.map(\.role) == [.code])
    let bytes = try #require(try source.shardBytes(sha256: prepared.shards[0].sha256))
    #expect(prepared.sourceSHA256 == SHA256Hex.of(bytes))
    let unpacked = directory.path + "/cache/" + prepared.shards[0].sha256
    try FileBundle.unpack(bytes, into: unpacked)
    #expect(FileManager.default.contents(atPath: unpacked + "/pkg/util.py") == Data("X = 1\n".utf8))
    #expect(!FileManager.default.fileExists(atPath: ShardedDataSource.commandTestCSV(outputDirectory: directory.path + "/out")))
    #expect(prepared.notes.isEmpty, "nothing was left out")
  }

  /// What the bundle leaves out is said (the coordinator logs it), so a user
  /// whose code lives under `.git` or a venv learns why it is missing.
  @Test func prepare_commandWhoseWorkdirHoldsAGitFolder_saysItWasLeftOut() throws {
    let workdir = try makeWorkdir()
    try FileManager.default.createDirectory(atPath: workdir + "/.git", withIntermediateDirectories: true)
    try Data("ref: main\n".utf8).write(to: URL(fileURLWithPath: workdir + "/.git/HEAD"))
    let prepared = try ShardedDataSource().prepare(commandSpec(workdir: workdir, data: nil, output: directory.path + "/out2"))
    #expect(prepared.notes == ["left out of \(workdir)'s bundle (version control, caches, Python venvs, the output folder): .git/"])
  }

  @Test func prepare_commandWithARelativeWorkdir_isRefused() throws {
    let spec = commandSpec(workdir: "examples/x", data: nil, output: directory.path + "/out")
    #expect(throws: CommandDataError("model.command.workdir 'examples/x' is relative; it must be resolved against the experiment file's folder before its data is prepared")) {
      try ShardedDataSource().prepare(spec)
    }
  }
}
