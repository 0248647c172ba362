import Foundation
import HPOCollectives
import HPOTestSupport
import Testing

/// A gang of separate OS processes (`hpo-collectives-probe`), each binding
/// its own port; this process plays the coordinator's rendezvous (collects
/// the addresses, hands them out) and checks the sums.
struct ProcessGangTests {
  /// A started gang of probes: their processes and pipes, and the addresses
  /// they reported.
  struct Members {
    var processes: [(process: Process, stdin: Pipe, stdout: Pipe, stderr: Pipe)] = []
    var addresses: [String] = []

    /// Hands `rank` every member's address: the probe starts its all-reduce.
    func start(_ rank: Int) {
      processes[rank].stdin.fileHandleForWriting.write(Data((addresses.joined(separator: " ") + "\n").utf8))
    }

    /// Waits for `rank` to exit; its exit status and standard error.
    func finish(_ rank: Int) -> (status: Int32, errors: String) {
      processes[rank].process.waitUntilExit()
      let errors = String(decoding: processes[rank].stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      return (processes[rank].process.terminationStatus, errors)
    }

    func stop() {
      for p in processes where p.process.isRunning {
        kill(p.process.processIdentifier, SIGKILL)
        p.process.waitUntilExit()
      }
    }
  }

  /// Starts `size` probes, each all-reducing `dir/in-RANK` into `dir/out-RANK`
  /// once it is given the addresses, and collects the addresses they bound.
  /// With `sharedMemory` the probes offer it (they are all on this host).
  func launch(
    size: Int, type: String, chunkBytes: Int, deadlineMs: Int, rounds: Int = 1, sharedMemory: Bool = false,
    in dir: TempDir
  ) throws -> Members {
    let probe = try #require(BuiltExecutable.url("hpo-collectives-probe"), "searched \(BuiltExecutable.searched)")
    var members = Members()
    for rank in 0..<size {
      let process = Process()
      process.executableURL = probe
      if sharedMemory {
        process.environment = ProcessInfo.processInfo.environment.merging(["HPO_PROBE_SHARED_MEMORY": "1"]) { $1 }
      }
      process.arguments = [
        "proc-gang", "\(rank)", "\(size)", type, "\(chunkBytes)", "\(deadlineMs)", dir.path("in-\(rank)"),
        dir.path("out-\(rank)"), "\(rounds)",
      ]
      let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
      process.standardInput = stdin
      process.standardOutput = stdout
      process.standardError = stderr
      try process.run()
      members.processes.append((process, stdin, stdout, stderr))
    }
    for p in members.processes {
      let text = Self.readLine(p.stdout)
      #expect(text.hasPrefix("listening tcp://127.0.0.1:"), "\(text)")
      members.addresses.append(String(text.dropFirst("listening ".count)))
    }
    return members
  }

  /// One line of `pipe`, without its newline.
  static func readLine(_ pipe: Pipe) -> String {
    var line = Data()
    while line.last != UInt8(ascii: "\n") {
      let byte = pipe.fileHandleForReading.readData(ofLength: 1)
      guard !byte.isEmpty else { break }
      line.append(byte)
    }
    return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func allReduceInProcesses<T: CollectiveElement>(
    _ type: T.Type, size: Int, count: Int, chunkBytes: Int, sharedMemory: Bool = false
  ) throws -> (results: [[UInt8]], expected: [UInt8]) {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let inputs = (0..<size).map { GangHarness.buffer(T.self, count: count, seed: 42, rank: $0) }
    for rank in 0..<size {
      try Data(GangHarness.bits(inputs[rank])).write(to: URL(fileURLWithPath: dir.path("in-\(rank)")))
    }
    let members = try launch(
      size: size, type: T.self == Float.self ? "float" : "double", chunkBytes: chunkBytes, deadlineMs: 30000,
      sharedMemory: sharedMemory, in: dir)
    defer { members.stop() }
    for rank in 0..<size { members.start(rank) }
    var results: [[UInt8]] = []
    for rank in 0..<size {
      let (status, errors) = members.finish(rank)
      #expect(status == 0, "rank \(rank): \(errors)")
      results.append(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path("out-\(rank)")))))
    }
    let expected = sharedMemory ? SharedMemoryTests.rankOrderSum(inputs) : GangHarness.ringOrderSum(inputs)
    return (results, GangHarness.bits(expected))
  }

  /// Three processes all-reduce round after round; once rank 2 has joined
  /// it is killed (SIGKILL) mid-gang. The other two exit within the deadline
  /// (exit 3) naming rank 2's address.
  @Test func aMemberProcessKilledMidGang_makesTheOthersExit_namingIt() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    for rank in 0..<3 {
      try Data(GangHarness.bits(GangHarness.buffer(Float.self, count: 10_000, seed: 1, rank: rank)))
        .write(to: URL(fileURLWithPath: dir.path("in-\(rank)")))
    }
    let members = try launch(size: 3, type: "float", chunkBytes: 4096, deadlineMs: 2000, rounds: 1_000_000, in: dir)
    defer { members.stop() }
    for rank in 0..<3 { members.start(rank) }
    #expect(Self.readLine(members.processes[2].stdout) == "joined")
    kill(members.processes[2].process.processIdentifier, SIGKILL)
    // Rank 0 receives from rank 2, so it is the one that finds it gone and names it.
    // Rank 1 names rank 2 too when its send to rank 2 blocks or rank 0's abort notice
    // reaches it in time; on a loaded machine its own deadline can end first, and it
    // then names rank 0, which stopped sending: best effort by design (GangCommunicator, Faults).
    let (status0, errors0) = members.finish(0)
    #expect(status0 == 3, "rank 0 exits with the collective's failure")
    #expect(errors0.contains("rank 2 (\(members.addresses[2]))"), "rank 0: \(errors0)")
    let (status1, errors1) = members.finish(1)
    #expect(status1 == 3, "rank 1 exits with the collective's failure")
    #expect(errors1.contains("rank 2 (\(members.addresses[2]))") || errors1.contains("rank 0 (\(members.addresses[0]))"), "rank 1: \(errors1)")
  }

  /// Rank 2 is stopped (SIGSTOP) after binding, before it joins: the kernel
  /// still accepts its TCP connections but nothing answers. The other two
  /// processes exit within the deadline (exit 3) naming rank 2's address.
  @Test func aStoppedMemberProcess_makesTheOthersExit_namingIt() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    for rank in 0..<3 { try Data(GangHarness.bits([Double](repeating: 1, count: 1000))).write(to: URL(fileURLWithPath: dir.path("in-\(rank)"))) }
    let members = try launch(size: 3, type: "double", chunkBytes: 1024, deadlineMs: 2000, in: dir)
    defer { members.stop() }
    kill(members.processes[2].process.processIdentifier, SIGSTOP)
    members.start(0)
    members.start(1)
    for rank in 0..<2 {
      let (status, errors) = members.finish(rank)
      #expect(status == 3, "rank \(rank) exits with the collective's failure")
      #expect(errors.contains("rank 2 (\(members.addresses[2]))"), "rank \(rank): \(errors)")
      #expect(errors.contains("deadline"), "rank \(rank): \(errors)")
    }
  }

  @Test func threeProcesses_allReduceAMillionAndThreeDoubles_toTheRingOrderSum() throws {
    let run = try allReduceInProcesses(Double.self, size: 3, count: 1_000_003, chunkBytes: 1 << 20)
    for (rank, bits) in run.results.enumerated() { #expect(bits == run.expected, "rank \(rank)") }
  }

  @Test(arguments: [1, 7])
  func twoAndFourProcesses_allReduceSmallFloatBuffers(count: Int) throws {
    for size in [2, 4] {
      let run = try allReduceInProcesses(Float.self, size: size, count: count, chunkBytes: 8)
      for (rank, bits) in run.results.enumerated() { #expect(bits == run.expected, "N=\(size) rank \(rank)") }
    }
  }

  /// Through shared memory, three processes sum in rank order (8 MB: four pieces).
  @Test func threeProcessesOnThisHost_allReduceThroughSharedMemory_toTheRankOrderSum() throws {
    let run = try allReduceInProcesses(Double.self, size: 3, count: 1_000_003, chunkBytes: 1 << 20, sharedMemory: true)
    for (rank, bits) in run.results.enumerated() { #expect(bits == run.expected, "rank \(rank)") }
  }

  /// Through shared memory every member sees every other's progress, so
  /// both survivors of a kill -9 name the dead member, within the deadline.
  @Test func throughSharedMemory_aMemberProcessKilledMidGang_isNamedByBothOthers() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    for rank in 0..<3 {
      try Data(GangHarness.bits(GangHarness.buffer(Float.self, count: 10_000, seed: 1, rank: rank)))
        .write(to: URL(fileURLWithPath: dir.path("in-\(rank)")))
    }
    let members = try launch(
      size: 3, type: "float", chunkBytes: 4096, deadlineMs: 2000, rounds: 1_000_000, sharedMemory: true, in: dir)
    defer { members.stop() }
    for rank in 0..<3 { members.start(rank) }
    #expect(Self.readLine(members.processes[2].stdout) == "joined")
    let killed = ContinuousClock.now
    kill(members.processes[2].process.processIdentifier, SIGKILL)
    for rank in 0..<2 {
      let (status, errors) = members.finish(rank)
      #expect(status == 3, "rank \(rank) exits with the collective's failure")
      #expect(errors.contains("rank 2 (\(members.addresses[2]))"), "rank \(rank): \(errors)")
    }
    #expect(ContinuousClock.now - killed < .seconds(10))
  }
}
