import Foundation
import HPOCollectives
import HPOTestSupport
import Testing

/// A gang of separate OS processes (`hpo-collectives-probe`), each binding
/// its own port; this process plays the coordinator's rendezvous (collects
/// the addresses, hands them out) and checks the sums.
struct ProcessGangTests {
  func allReduceInProcesses<T: CollectiveElement>(
    _ type: T.Type, size: Int, count: Int, chunkBytes: Int
  ) throws -> (results: [[UInt8]], expected: [UInt8]) {
    let probe = try #require(BuiltExecutable.url("hpo-collectives-probe"), "searched \(BuiltExecutable.searched)")
    let dir = try TempDir()
    defer { dir.cleanup() }
    let inputs = (0..<size).map { GangHarness.buffer(T.self, count: count, seed: 42, rank: $0) }
    var processes: [(process: Process, stdin: Pipe, stdout: Pipe, stderr: Pipe)] = []
    defer { for p in processes where p.process.isRunning { p.process.terminate() } }
    for rank in 0..<size {
      try Data(GangHarness.bits(inputs[rank])).write(to: URL(fileURLWithPath: dir.path("in-\(rank)")))
      let process = Process()
      process.executableURL = probe
      process.arguments = [
        "proc-gang", "\(rank)", "\(size)", T.self == Float.self ? "float" : "double", "\(chunkBytes)", "30000",
        dir.path("in-\(rank)"), dir.path("out-\(rank)"),
      ]
      let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
      process.standardInput = stdin
      process.standardOutput = stdout
      process.standardError = stderr
      try process.run()
      processes.append((process, stdin, stdout, stderr))
    }
    var addresses: [String] = []
    for p in processes {
      var line = Data()
      while line.last != UInt8(ascii: "\n") {
        let byte = p.stdout.fileHandleForReading.readData(ofLength: 1)
        guard !byte.isEmpty else { break }
        line.append(byte)
      }
      let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(text.hasPrefix("listening tcp://127.0.0.1:"), "\(text)")
      addresses.append(String(text.dropFirst("listening ".count)))
    }
    for p in processes { p.stdin.fileHandleForWriting.write(Data((addresses.joined(separator: " ") + "\n").utf8)) }
    var results: [[UInt8]] = []
    for (rank, p) in processes.enumerated() {
      p.process.waitUntilExit()
      let errors = String(decoding: p.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(p.process.terminationStatus == 0, "rank \(rank): \(errors)")
      results.append(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path("out-\(rank)")))))
    }
    return (results, GangHarness.bits(GangHarness.ringOrderSum(inputs)))
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
}
