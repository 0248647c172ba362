import Foundation
import Testing

/// One word for one thing in every command: `--coordinator`, `--format`,
/// `--http`, `--data`, `--store`; the previous release's spellings still work
/// for one release, hidden from `--help`, each with a one-line warning.
@Suite struct CLIFlagTests {
  static func warning(_ old: String, _ replacement: String) -> String {
    "warning: \(old) is deprecated and will be removed in the next release; use \(replacement)\n"
  }

  // MARK: --help shows the new flags, not the hidden aliases

  struct HelpCase: CustomTestStringConvertible, Sendable {
    let command: [String]
    let shows: [String]
    let hides: [String]
    var testDescription: String { command.joined(separator: " ") }
  }

  static let helpCases: [HelpCase] = [
    HelpCase(command: ["worker"], shows: ["--coordinator <endpoint>"], hides: ["--connect"]),
    HelpCase(command: ["coordinator"], shows: ["--http <host:port>", "--store <store>"], hides: ["--metrics-port", "--metrics-host"]),
    HelpCase(command: ["run"], shows: ["--http <host:port>"], hides: ["--metrics"]),
    HelpCase(command: ["predict"], shows: ["--data <file>"], hides: ["--input"]),
    HelpCase(command: ["drift", "check"], shows: ["--data <file>", "--format <format>"], hides: []),
    HelpCase(command: ["train"], shows: ["--format <format>"], hides: ["--json"]),
    HelpCase(command: ["bench", "suggest"], shows: ["--format <format>"], hides: ["--json"]),
    HelpCase(command: ["bench", "search"], shows: ["--format <format>"], hides: ["--json"]),
    HelpCase(command: ["bench", "schedule"], shows: ["--format <format>"], hides: ["--json"]),
    HelpCase(command: ["trials"], shows: ["--format <format>", "--coordinator <endpoint>"], hides: []),
    HelpCase(command: ["evaluate"], shows: ["--store <store>"], hides: []),
  ]

  @Test(arguments: helpCases) func help_showsTheNewFlagsOnly(_ c: HelpCase) throws {
    let r = try HPOProcess.run(c.command + ["--help"])
    #expect(r.exitCode == 0)
    // The help text as one line (it wraps at 80 columns).
    let help = r.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for flag in c.shows { #expect(help.contains(flag), "\(r.standardOutput)") }
    for flag in c.hides { #expect(!help.contains(flag), "\(r.standardOutput)") }
    if c.shows.contains("--format <format>") {
      #expect(help.contains("(values: table, csv, json"), "one OutputFormat for every command: \(r.standardOutput)")
    }
  }

  // MARK: --format, and the hidden --json

  @Test func benchSuggest_formatJSON_andTheOldJSONFlagWithItsWarning() throws {
    let args = ["bench", "suggest", "--sampler", "random", "--history", "5", "--repetitions", "2"]
    let new = try HPOProcess.run(args + ["--format", "json"])
    #expect(new.exitCode == 0, "\(new.standardError)")
    #expect(new.standardError == "")
    #expect(new.standardOutput.hasPrefix(#"{"sampler": "random", "history": 5, "repetitions": 2, "median_ms": "#), "\(new.standardOutput)")
    let old = try HPOProcess.run(args + ["--json"])
    #expect(old.exitCode == 0, "\(old.standardError)")
    #expect(old.standardError == Self.warning("--json", "--format json"))
    #expect(old.standardOutput.hasPrefix(#"{"sampler": "random", "history": 5, "repetitions": 2, "median_ms": "#), "\(old.standardOutput)")
    let table = try HPOProcess.run(args + ["--format", "table"])
    #expect(table.exitCode == 0)
    #expect(table.standardOutput.hasPrefix("random: one suggestion after 5 finished trials"), "\(table.standardOutput)")
  }

  @Test func benchSearchAndSchedule_takeTheOldJSONFlagWithItsWarning() throws {
    for args in [["bench", "search", "--function", "branin", "--sampler", "random", "--trials", "4", "--seeds", "2"],
                 ["bench", "schedule", "--history", "20", "--repetitions", "3"]] {
      let new = try HPOProcess.run(args + ["--format", "json"])
      #expect(new.exitCode == 0, "\(new.standardError)")
      #expect(new.standardError == "")
      let old = try HPOProcess.run(args + ["--json"])
      #expect(old.exitCode == 0, "\(old.standardError)")
      #expect(old.standardError == Self.warning("--json", "--format json"))
      for r in [new, old] {
        let object = try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any]
        #expect(object?[args[1] == "search" ? "function" : "scheduler"] != nil, "\(r.standardOutput)")
      }
    }
  }

  @Test func train_formatJSON_andTheOldJSONFlagWithItsWarning() throws {
    for (flags, warning) in [(["--format", "json"], ""), (["--json"], Self.warning("--json", "--format json"))] {
      let r = try HPOProcess.run(["train", "Experiments/diabetes-ridge.json"] + flags)
      #expect(r.exitCode == 0, "\(r.standardError)")
      #expect(r.standardError.hasPrefix(warning) && (warning.isEmpty || !r.standardError.dropFirst(warning.count).contains("deprecated")))
      let object = try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any]
      #expect(object?["validation"] is [String: Any] && object?["test"] is [String: Any], "\(r.standardOutput)")
    }
  }

  struct BadFormat: CustomTestStringConvertible, Sendable {
    let arguments: [String]
    let message: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let badFormats: [BadFormat] = [
    BadFormat(arguments: ["train", "Experiments/diabetes-ridge.json", "--format", "csv"],
              message: "--format csv: hpo train cannot print csv; accepted: table or json"),
    BadFormat(arguments: ["bench", "suggest", "--format", "csv"],
              message: "--format csv: hpo bench suggest cannot print csv; accepted: table or json"),
    BadFormat(arguments: ["bench", "search", "--function", "branin", "--format", "csv"],
              message: "--format csv: hpo bench search cannot print csv; accepted: table or json"),
    BadFormat(arguments: ["bench", "schedule", "--format", "csv"],
              message: "--format csv: hpo bench schedule cannot print csv; accepted: table or json"),
    BadFormat(arguments: ["drift", "--package", "pkg", "--data", "new.csv", "--format", "csv"],
              message: "--format csv: hpo drift cannot print csv; accepted: table or json"),
    BadFormat(arguments: ["bench", "suggest", "--format", "xml"],
              message: "The value 'xml' is invalid for '--format <format>'. Please provide one of 'table', 'csv' or 'json'."),
    BadFormat(arguments: ["trials", "x", "--format", "yaml"],
              message: "The value 'yaml' is invalid for '--format <format>'. Please provide one of 'table', 'csv' or 'json'."),
    BadFormat(arguments: ["train", "Experiments/diabetes-ridge.json", "--json", "--format", "table"],
              message: "--json contradicts --format table; give only --format"),
  ]

  @Test(arguments: badFormats) func badFormat_isExitTwoNamingTheFlagTheValueAndWhatIsAccepted(_ c: BadFormat) throws {
    let r = try HPOProcess.run(c.arguments)
    #expect(r.exitCode == 2)
    #expect(r.standardError.contains(c.message), "\(r.standardError)")
    #expect(r.standardOutput == "")
  }

  // MARK: --http, and the hidden --metrics-port / --metrics-host

  struct BadAddress: CustomTestStringConvertible, Sendable {
    let arguments: [String]
    let message: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let accepted = "accepted: HOST:PORT with an IPv4 address and a port from 0 to 65535, e.g. 127.0.0.1:9464, or 0.0.0.0:9464 for every interface (port 0: any free port)"

  static let badAddresses: [BadAddress] = [
    BadAddress(arguments: ["coordinator", "--http", "9464"], message: "--http 9464: not an address to serve HTTP on; \(accepted)"),
    BadAddress(arguments: ["coordinator", "--http", "metrics.local:9464"], message: "--http metrics.local:9464: not an address to serve HTTP on; \(accepted)"),
    BadAddress(arguments: ["coordinator", "--http", "127.0.0.1:65536"], message: "--http 127.0.0.1:65536: not an address to serve HTTP on; \(accepted)"),
    BadAddress(arguments: ["coordinator", "--http", "127.0.0.1:0", "--metrics-port", "9464"], message: "--metrics-port is the old spelling of --http; give only --http"),
    BadAddress(arguments: ["run", "Experiments/branin-tpe.json", "--http", "127.0.0.1:x"], message: "--http 127.0.0.1:x: not an address to serve HTTP on; \(accepted)"),
    BadAddress(arguments: ["run", "Experiments/branin-tpe.json", "--http-token-file", "token"],
               message: "--http-token-file token is only used with --http; give --http HOST:PORT too"),
  ]

  @Test(arguments: badAddresses) func badHTTPAddress_isExitTwoNamingTheFlagTheValueAndTheAcceptedForm(_ c: BadAddress) throws {
    let dir = try HPOProcess.temporaryDirectory()
    let store = c.arguments[0] == "coordinator" ? ["--store", dir.appendingPathComponent("s.sqlite").path] : []
    let r = try HPOProcess.run(c.arguments + store, in: c.arguments[0] == "run" ? HPOProcess.repository : dir)
    #expect(r.exitCode == 2)
    #expect(r.standardError.contains(c.message), "\(r.standardError)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.sqlite").path), "nothing was opened")
  }

  @Test func coordinator_oldMetricsFlags_stillServeMetricsWithOneWarning() throws {
    let c = try TestCoordinator(extra: ["--metrics-port", "0", "--metrics-host", "127.0.0.1"])
    #expect(c.process.waitFor(timeout: 10) { out, _ in out.contains("metrics on http://127.0.0.1:") }, "\(c.process.standardError)")
    let line = try #require(c.process.standardOutput.split(separator: "\n").first { $0.hasPrefix("metrics on ") })
    let (status, body) = try PrometheusEndpointTests.get(String(line.dropFirst("metrics on ".count)))
    #expect(status == 200)
    #expect(body.contains("hpo_queue_depth"))
    #expect(c.process.standardError.hasPrefix(
      "warning: --metrics-port and --metrics-host are deprecated and will be removed in the next release; use --http 127.0.0.1:0\n"),
            "\(c.process.standardError)")
  }

  @Test func coordinator_oldMetricsHostThatIsNotAnAddress_isBadInput() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let r = try HPOProcess.run(
      ["coordinator", "--store", dir.appendingPathComponent("s.sqlite").path, "--metrics-port", "0", "--metrics-host", "metrics.local"], in: dir)
    #expect(r.exitCode == 2)
    #expect(r.standardError.contains("--metrics-host metrics.local: not an IPv4 address"), "\(r.standardError)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.sqlite").path))
  }

  @Test func run_http_servesTheCoordinatorsMetricsWhileItRuns() throws {
    // A free port: bound by Python, then released.
    let port = try HPOProcess.tool(["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
      .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    let dir = try HPOProcess.temporaryDirectory()
    let path = dir.appendingPathComponent("m.json").path
    try sleepExperiment("m", trials: 6, parallel: 1, seconds: 0.5).write(toFile: path, atomically: true, encoding: .utf8)
    let run = try LiveProcess(["run", path, "--workers", "1", "--http", "127.0.0.1:\(port)"], in: dir)
    defer { run.stop() }
    var scraped = ""
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, run.process.isRunning, !scraped.contains("hpo_trials_budget") {
      Thread.sleep(forTimeInterval: 0.3)
      scraped = try PrometheusEndpointTests.get("http://127.0.0.1:\(port)/metrics").1
    }
    #expect(scraped.contains(#"hpo_trials_budget{experiment="m"} 6"#), "\(scraped)\n\(run.standardError)")
    #expect(run.waitForExit(timeout: 60) == 0, "\(run.standardError)")
    #expect(!run.standardError.contains("deprecated"), "hpo run starts its children with the new flags")
  }

  // MARK: --coordinator, and the hidden --connect

  @Test func worker_oldConnectFlag_stillRunsTrialsWithOneWarning() throws {
    let c = try TestCoordinator()
    let exp = try c.experiment("alias", sleepExperiment("alias", trials: 2, parallel: 1, seconds: 0.05))
    let w = try LiveProcess(["worker", "--connect", c.endpoint, "--id", "old", "--cache", c.directory.appendingPathComponent("cache").path])
    defer { w.stop() }
    let submitted = try c.run(["submit", exp])
    #expect(submitted.exitCode == 0, "\(submitted.standardError)")
    #expect(try c.trials("alias").compactMap { $0["worker"] as? String } == ["old-0", "old-0"])
    #expect(w.standardError.hasPrefix(Self.warning("--connect", "--coordinator")), "\(w.standardError)")
    #expect(w.standardError.components(separatedBy: "deprecated").count == 2, "one warning")
    // The new spelling (what TestCoordinator.worker passes) has none.
    let w2 = try c.worker("new", extra: ["--idle-exit", "0.5"])
    defer { w2.stop() }
    #expect(w2.waitFor(timeout: 10) { _, err in err.contains("connected") }, "\(w2.standardError)")
    #expect(!w2.standardError.contains("deprecated"), "\(w2.standardError)")
  }

  @Test func worker_bothSpellingsTogether_areRefused() throws {
    let both = try HPOProcess.run(["worker", "--connect", "tcp://127.0.0.1:9", "--coordinator", "tcp://127.0.0.1:9"])
    #expect(both.exitCode == 2)
    #expect(both.standardError.contains("--connect is the old spelling of --coordinator; give only --coordinator"), "\(both.standardError)")
  }

  // MARK: --data, and the hidden --input

  @Test func predict_oldInputFlag_stillPredictsWithOneWarning() throws {
    let package = try PackageFixture.shared()
    let new = try HPOProcess.run(["predict", "--package", package.path, "--data", PredictDriftTests.iris.path])
    #expect(new.exitCode == 0, "\(new.standardError)")
    #expect(new.standardError == "")
    let old = try HPOProcess.run(["predict", "--package", package.path, "--input", PredictDriftTests.iris.path])
    #expect(old.exitCode == 0, "\(old.standardError)")
    #expect(old.standardError == Self.warning("--input", "--data"))
    #expect(old.standardOutput == new.standardOutput)
    let neither = try HPOProcess.run(["predict", "--package", package.path])
    #expect(neither.exitCode == 2)
    #expect(neither.standardError.contains("Missing expected argument '--data <file>'"), "\(neither.standardError)")
  }
}

/// README.md's CLI reference is the binary's own: every command, each with the
/// usage line its `--help` prints.
@Suite struct CLIReferenceTests {
  /// Every command below `path` that has no subcommands, with its usage line.
  static func leaves(_ path: [String] = []) throws -> [(command: [String], usage: String)] {
    let help = try HPOProcess.run(path + ["--help"]).standardOutput
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let usage = lines.first(where: { $0.hasPrefix("USAGE: ") }) else { return [] }
    guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [(path, String(usage.dropFirst("USAGE: ".count)))] }
    var found: [(command: [String], usage: String)] = []
    for line in lines[(start + 1)...] {
      guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
      let name = String(line.dropFirst(2).prefix { !$0.isWhitespace })
      guard name != "See", name != "help" else { continue }
      found += try leaves(path + [name])
    }
    return found
  }

  @Test func readme_listsEveryCommandWithItsUsageLine() throws {
    let readme = try String(contentsOf: HPOProcess.repository.appendingPathComponent("README.md"), encoding: .utf8)
    let commands = try Self.leaves()
    #expect(commands.count >= 22, "\(commands.map(\.command))")
    for (command, usage) in commands {
      #expect(readme.contains("| `\(usage)` |"), "README.md's CLI reference lacks `hpo \(command.joined(separator: " "))`; its --help says:\n\(usage)")
    }
  }
}
