import Foundation
import HPOCore
import HPOStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `hpo dashboard --store FILE`: the built binary serves a store's JSON API and page over
/// real HTTP (curl), read-only, also while a coordinator writes the store; bad input at
/// start is a clear error and exit 2, an address that cannot be bound exit 3.
@Suite(.serialized) struct DashboardCommandTests {
  /// A store with one experiment `e` of `count` complete trials, trial i of value `(i * 3) % count`.
  static func store(in dir: URL, count: Int = 5) throws -> String {
    let path = dir.appendingPathComponent("store.sqlite").path
    let store = try ExperimentStore.open(path: path)
    var changes: [StoreChange] = [.createExperiment(TrialsJSONTests.spec("e", trials: count, output: dir), seed: 1)]
    for i in 0..<count {
      let id = TrialID(experiment: "e", number: i)
      let lease = Lease(worker: "w", attempt: 1)
      let value = Double((i * 3) % count)
      changes += [
        .insertTrial(id, configuration: Configuration(["x": .float(Double(i) / 10)]), seed: UInt64(i)),
        .leaseTrial(id, lease: lease, deadline: Date().addingTimeInterval(60)),
        .completeTrial(id, lease: lease, value: value, metrics: ["value": value], seconds: 0.1, epochs: 1),
      ]
    }
    _ = try store.apply(changes)
    try store.close()
    return path
  }

  /// `hpo dashboard` started on a free port, and its URL once it printed it.
  static func start(_ arguments: [String], in dir: URL) throws -> (LiveProcess, String) {
    let p = try LiveProcess(["dashboard"] + arguments + ["--http", "127.0.0.1:0"], in: dir)
    let printed = p.waitFor(timeout: 20) { out, _ in out.contains("/\n") }
    let line = p.standardOutput.split(separator: "\n").first { $0.hasPrefix("dashboard of ") }
    guard printed, let line, let range = line.range(of: " on http://") else {
      p.stop()
      throw NSError(domain: "hpo", code: 1, userInfo: [NSLocalizedDescriptionKey: "no address printed: \(p.standardOutput) \(p.standardError)"])
    }
    return (p, "http://" + line[range.upperBound...].dropLast())
  }

  /// `curl` GET: the status code and the body.
  static func curl(_ url: String, headers: [String] = []) throws -> (Int, String) {
    let r = try HPOProcess.tool(["curl", "-s", "-w", "\n%{http_code}"] + headers.flatMap { ["-H", $0] } + [url])
    let lines = r.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
  }

  @Test func dashboard_servesTheStore_overHTTP_andStopsOnSIGTERM() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.store(in: dir)
    let (p, url) = try Self.start(["--store", path], in: dir)
    defer { p.stop() }
    #expect(p.standardOutput == "dashboard of \(path) on \(url)/\n")

    let (status, body) = try Self.curl(url + "/api/experiments/e/trials?sort=value&order=desc&limit=2")
    #expect(status == 200, "\(body)")
    let page = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    #expect(page["total"] as? Int == 5)
    #expect((page["trials"] as? [[String: Any]])?.map { $0["number"] as? Int } == [3, 1])
    let (pageStatus, html) = try Self.curl(url + "/")
    #expect(pageStatus == 200 && html.contains("<title>hpo dashboard</title>"))
    let (bad, error) = try Self.curl(url + "/api/experiments/e/trials?offset=-5")
    #expect(bad == 400 && error == #"{"error":"offset=-5: not accepted; give an integer of 0 or more"}"#)

    p.signal(SIGTERM)
    #expect(p.waitForExit(timeout: 10) == 0)
    #expect(p.standardError.isEmpty, "\(p.standardError)")
  }

  /// The coordinator is the single writer; the dashboard reads beside it (WAL) and sees its trials.
  @Test func dashboard_besideARunningCoordinator_seesItsTrials() throws {
    let c = try TestCoordinator()
    let (p, url) = try Self.start(["--store", c.store], in: c.directory)
    defer { p.stop() }
    let exp = try c.experiment("live", sleepExperiment("live", trials: 6, parallel: 2, seconds: 0))
    let worker = try c.worker("w", extra: ["--slots", "2"])
    defer { worker.stop() }
    #expect(try c.run(["submit", exp]).exitCode == 0)
    let (status, body) = try Self.curl(url + "/api/experiments")
    #expect(status == 200, "\(body)")
    let list = try #require((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["experiments"] as? [[String: Any]])
    #expect(list.first?["name"] as? String == "live")
    #expect((list.first?["counts"] as? [String: Int])?["complete"] == 6, "\(body)")
    #expect(try Self.curl(url + "/api/experiments/live/trials?state=complete&limit=1").0 == 200)
  }

  @Test func withATokenFile_onEveryInterface_theAPINeedsTheBearer() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.store(in: dir)
    let tokenFile = dir.appendingPathComponent("token").path
    try "e2e-token-0123456789abcdef\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
    let p = try LiveProcess(["dashboard", "--store", path, "--http", "0.0.0.0:0", "--http-token-file", tokenFile], in: dir)
    defer { p.stop() }
    #expect(p.waitFor(timeout: 20) { out, _ in out.contains("/\n") }, "\(p.standardError)")
    let port = try #require(p.standardOutput.split(separator: ":").last.map { $0.dropLast(2) })
    let url = "http://127.0.0.1:\(port)/api/experiments"
    #expect(try Self.curl(url).0 == 401)
    #expect(try Self.curl(url, headers: ["Authorization: Bearer wrong-token-0123456789abcd"]).0 == 401)
    #expect(try Self.curl(url, headers: ["Authorization: Bearer e2e-token-0123456789abcdef"]).0 == 200)
  }

  struct StartCase: CustomTestStringConvertible, Sendable {
    var id: String
    var arguments: [String]
    var exitCode: Int32
    var error: String
    var testDescription: String { id }
  }

  /// Each bad start, with `STORE`, `DIR` and `PORT` replaced by the test's store, folder and a busy port.
  static let startCases: [StartCase] = [
    StartCase(id: "missing store", arguments: ["--store", "DIR/none.sqlite"], exitCode: 2,
              error: "error: --store: store DIR/none.sqlite cannot be opened: "),
    StartCase(id: "newer schema", arguments: ["--store", "DIR/newer.sqlite"], exitCode: 2,
              error: "error: --store: store DIR/newer.sqlite was written by hpo "),
    StartCase(id: "non-loopback without a token", arguments: ["--store", "STORE", "--http", "0.0.0.0:0"], exitCode: 2,
              error: "error: --http 0.0.0.0: serving the dashboard beyond this machine needs a bearer token; give --http-token-file FILE (a file holding a token of at least 16 characters), or bind to 127.0.0.1\n"),
    StartCase(id: "token file missing", arguments: ["--store", "STORE", "--http-token-file", "DIR/no-token"], exitCode: 2,
              error: "error: --http-token-file DIR/no-token: cannot be read ("),
    StartCase(id: "not an address", arguments: ["--store", "STORE", "--http", "localhost:80"], exitCode: 2,
              error: "Error: --http localhost:80: not an address to serve HTTP on; "),
    StartCase(id: "port in use", arguments: ["--store", "STORE", "--http", "127.0.0.1:PORT"], exitCode: 3,
              error: "error: cannot serve the dashboard on 127.0.0.1:PORT: "),
  ]

  @Test(arguments: startCases) func aBadStart_isAClearError_andItsExitCode(_ c: StartCase) throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.store(in: dir)
    // A store of a newer schema: a copy with its schema version raised.
    let newer = dir.appendingPathComponent("newer.sqlite").path
    try FileManager.default.copyItem(atPath: path, toPath: newer)
    let raise = try HPOProcess.tool(["python3", "-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA user_version = 99')", newer])
    #expect(raise.exitCode == 0, "\(raise.standardError)")
    // A port in use: another dashboard holds it.
    let (holder, url) = try Self.start(["--store", path], in: dir)
    defer { holder.stop() }
    let port = String(url.split(separator: ":").last ?? "")
    let fill = { (s: String) in
      s.replacingOccurrences(of: "STORE", with: path).replacingOccurrences(of: "DIR", with: dir.path)
        .replacingOccurrences(of: "PORT", with: port)
    }
    let r = try HPOProcess.run(["dashboard"] + c.arguments.map(fill), in: dir, timeout: 30)
    #expect(r.exitCode == c.exitCode, "\(r.standardError)")
    #expect(r.standardError.hasPrefix(fill(c.error)), "\(r.standardError)")
    #expect(r.standardOutput.isEmpty)
  }
}
