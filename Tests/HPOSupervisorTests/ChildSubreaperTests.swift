import Foundation
import HPOTestSupport
import Testing

/// `hpo run` as a child subreaper: a grandchild that its child orphans is
/// re-parented to it (not to PID 1, which in a container may reap nothing) and
/// reaped by it. Run in a process of its own (`hpo-subreaper-probe`, built
/// with the tests): the test process itself must not adopt the orphans of
/// every other test.
@Suite struct ChildSubreaperTests {
  /// The probe built next to this test bundle.
  static let probe = BuiltExecutable.url("hpo-subreaper-probe")

  /// The probe's facts ("grandchild 12", "parent 10", …) and its pid.
  func runProbe(_ arguments: [String]) throws -> (facts: [String: [Int32]], pid: Int32, status: Int32) {
    let probe = try #require(Self.probe, "hpo-subreaper-probe is built with the tests")
    let process = Process()
    process.executableURL = probe
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var facts: [String: [Int32]] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2, let value = Int32(parts[1]) { facts[String(parts[0]), default: []].append(value) }
    }
    return (facts, process.processIdentifier, process.terminationStatus)
  }

  @Test func anOrphanedGrandchild_isAdoptedAndReaped() throws {
    let run = try runProbe([])
    #expect(run.status == 0)
    let grandchild = try #require(run.facts["grandchild"]?.first)
    #expect(run.facts["parent"] == [run.pid], "the orphan is re-parented to the subreaper, not to PID 1")
    #expect(run.facts["reaped"] == [grandchild], "and reaped by it once it exits")
    #expect(run.facts["zombies"] == [0])
    #expect(kill(grandchild, 0) != 0, "no such process any more")
  }

  /// The control: without the subreaper the same orphan goes elsewhere, so
  /// the test above shows what `ChildSubreaper.enable()` does.
  @Test func withoutTheSubreaper_theOrphanGoesElsewhere() throws {
    let run = try runProbe(["--no-subreaper"])
    #expect(run.status == 0)
    let parent = try #require(run.facts["parent"]?.first)
    #expect(parent != run.pid)
  }
}
