import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /api/events`: Server-Sent Events over a real server, read by `curl -N` while the
/// test writes the store through the coordinator's own API.
@Suite struct EventStreamTests {
  static let fast = StoreWatcher.Timing(poll: .milliseconds(50), heartbeat: .seconds(60), retryMilliseconds: 1500)

  @Test func aClient_getsRetry_theSummaries_thenAnEventAfterEachWrite() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path, timing: Self.fast) { d in
      let client = try EventClient(d.base + "/api/events")
      defer { client.stop() }
      #expect(try await client.wait { $0.contains("\n\n") }, "\(client.text)")
      #expect(client.text.hasPrefix("retry: 1500\n\n"), "\(client.text)")
      #expect(try await client.wait { events in Self.experimentEvents(events).count == 1 }, "\(client.text)")
      let first = try #require(Self.experimentEvents(client.text).first)
      #expect(first["name"] as? String == "iris" && first["state"] as? String == "running")
      #expect((first["counts"] as? [String: Int])?["complete"] == 7 && (first["counts"] as? [String: Int])?["running"] == 1)
      #expect((first["best"] as? [String: Any])?["trial"] as? Int == 7)

      // The running trial 10 completes with a new best: one more event, with the new counts.
      try fixture.write { store in
        let id = TrialID(experiment: "iris", number: 10)
        _ = try store.apply([.completeTrial(
          id, lease: Lease(worker: "w0", attempt: 1), value: 0.95, metrics: ["accuracy": 0.95], seconds: 1, epochs: 2)])
      }
      #expect(try await client.wait { Self.experimentEvents($0).count == 2 }, "\(client.text)")
      let second = try #require(Self.experimentEvents(client.text).last)
      #expect((second["counts"] as? [String: Int])?["complete"] == 8 && (second["counts"] as? [String: Int])?["running"] == 0)
      #expect((second["best"] as? [String: Any])?["trial"] as? Int == 10)
      #expect((second["best"] as? [String: Any])?["value"] as? Double == 0.95)

      // A second experiment: an event for it alone (iris did not change).
      try fixture.write { try writeTwelveTrials($0, "wine") }
      #expect(try await client.wait { Self.experimentEvents($0).count >= 3 && Self.experimentEvents($0).last?["name"] as? String == "wine" },
              "\(client.text)")
      #expect(!Self.experimentEvents(client.text).dropFirst(2).contains { $0["name"] as? String == "iris" }, "\(client.text)")
    }
  }

  @Test func anIdleStream_getsHeartbeats_andEndsWhenTheServerStops() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let timing = StoreWatcher.Timing(poll: .milliseconds(50), heartbeat: .milliseconds(200))
    let dashboard = try await LiveDashboard(fixture.path, timing: timing)
    let client = try EventClient(dashboard.base + "/api/events")
    defer { client.stop() }
    #expect(try await client.wait { $0.components(separatedBy: ": heartbeat\n\n").count >= 3 }, "\(client.text)")
    #expect(client.headers.lowercased().contains("content-type: text/event-stream; charset=utf-8"), "\(client.headers)")
    await dashboard.stop()
    #expect(try await client.waitForExit(), "the stream ends with the server")
  }

  /// A client that goes away is unsubscribed at the next write to it (a heartbeat at the latest).
  @Test func aClientThatLeaves_isUnsubscribed() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let timing = StoreWatcher.Timing(poll: .milliseconds(50), heartbeat: .milliseconds(100))
    try await withDashboard(fixture.path, timing: timing) { d in
      let client = try EventClient(d.base + "/api/events")
      #expect(try await client.wait { $0.contains("event: experiment") }, "\(client.text)")
      #expect(d.events.subscriberCount == 1)
      client.stop()
      let deadline = Date().addingTimeInterval(10)
      while d.events.subscriberCount > 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
      #expect(d.events.subscriberCount == 0)
    }
  }

  @Test func theStream_takesNoQuery_andOnlyGET() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path) { d in
      let bad = try await d.get("/api/events?since=3")
      #expect(bad.status == 400)
      #expect(bad.text == #"{"error":"unknown query parameter \"since\"; /api/events takes none"}"#)
      let post = try await HTTPAnswer.get(d.base + "/api/events", method: "POST")
      #expect(post.status == 405)
    }
  }

  /// The data of every `experiment` event in `text`, in order.
  static func experimentEvents(_ text: String) -> [[String: Any]] {
    text.components(separatedBy: "\n\n").compactMap { block in
      let lines = block.split(separator: "\n")
      guard lines.first == "event: experiment", let data = lines.first(where: { $0.hasPrefix("data: ") }) else { return nil }
      return (try? JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8))) as? [String: Any]
    }
  }
}

/// `curl -sN` reading an event stream: what it received so far, read as it arrives.
final class EventClient: @unchecked Sendable {
  private let process = Process()
  private let received = Locked(Data())
  private let headerFile: URL
  var text: String { String(decoding: received.value, as: UTF8.self) }
  /// The response's header lines, once curl wrote them (at exit).
  var headers: String { (try? String(contentsOf: headerFile, encoding: .utf8)) ?? "" }

  init(_ url: String) throws {
    headerFile = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-sse-\(UUID().uuidString)")
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-sN", "-D", headerFile.path, url]
    collectStandardOutput(of: process, into: received)
    try process.run()
  }

  /// Waits up to `timeout` seconds for `condition` on the text received; whether it held.
  func wait(timeout: Double = 10, _ condition: (String) -> Bool) async throws -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
      if condition(text) { return true }
      try await Task.sleep(for: .milliseconds(20))
    }
    return condition(text)
  }

  /// Waits up to 5 s for curl to exit; whether it did.
  func waitForExit() async throws -> Bool {
    let end = Date().addingTimeInterval(5)
    while process.isRunning && Date() < end { try await Task.sleep(for: .milliseconds(20)) }
    return !process.isRunning
  }

  func stop() {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    // A leftover header file in the temporary folder harms nothing.
    try? FileManager.default.removeItem(at: headerFile)
  }
}
