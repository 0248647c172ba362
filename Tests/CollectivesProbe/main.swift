// One gang member as its own process, for HPOCollectivesTests:
//
//   hpo-collectives-probe GANG RANK SIZE float|double CHUNK_BYTES DEADLINE_MS INPUT OUTPUT [ROUNDS]
//
// Binds a listener on 127.0.0.1 (ephemeral port) and prints `listening ADDRESS`;
// reads one line of SIZE space-separated addresses from stdin; all-reduces
// the raw buffer in INPUT (native-endian elements) and writes the result to
// OUTPUT. With ROUNDS it does so ROUNDS times from the same input, printing
// `joined` after the first (so a test can kill a member mid-gang). Exit 0 on success, 3 with the error on stderr when the collective
// fails, 2 for bad arguments.
//
//   hpo-collectives-probe bench GANG RANK ADDR,ADDR,... CHUNK_BYTES MAX_BYTES
//
// One member of the all-reduce benchmark (Bench.swift).
//
// With HPO_PROBE_SHARED_MEMORY=1 in the environment the member offers shared memory
// (Gang.sharedMemory); without, the gang all-reduces along the ring.
import Foundation
import HPOCollectives
import HPOCore
import HPOZeroMQ

func fail(_ message: String, code: Int32) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(code)
}

let args = CommandLine.arguments
let offersSharedMemory = ProcessInfo.processInfo.environment["HPO_PROBE_SHARED_MEMORY"] == "1"
if args.count == 7, args[1] == "bench", let rank = Int(args[3]), let chunk = Int(args[5]), let max = Int(args[6]) {
  do {
    try runBench(
      gangID: args[2], rank: rank, addresses: args[4].split(separator: ",").map(String.init), chunkBytes: chunk,
      maxBytes: max, sharedMemory: offersSharedMemory)
    exit(0)
  } catch {
    fail("\(error)", code: 3)
  }
}
let rounds = args.count == 10 ? Int(args[9]) ?? 0 : 1
guard args.count == 9 || args.count == 10, rounds >= 1, let rank = Int(args[2]), let size = Int(args[3]), let chunkBytes = Int(args[5]),
  let deadlineMs = Int(args[6]), ["float", "double"].contains(args[4])
else {
  fail("usage: hpo-collectives-probe GANG RANK SIZE float|double CHUNK_BYTES DEADLINE_MS INPUT OUTPUT [ROUNDS]", code: 2)
}

func allReduce<T: CollectiveElement>(_: T.Type, communicator: GangCommunicator) throws -> [UInt8] {
  let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: args[7])))
  let start = input.withUnsafeBytes { raw in
    (0..<(input.count / MemoryLayout<T>.stride)).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.stride, as: T.self) }
  }
  var buffer = start
  for round in 1...rounds {
    buffer = start
    try communicator.allReduceSum(&buffer)
    if round == 1 && rounds > 1 { FileHandle.standardOutput.write(Data("joined\n".utf8)) }
  }
  return buffer.withUnsafeBytes { [UInt8]($0) }
}

do {
  let context = try ZeroMQContext()
  let listener = try GangListener(transport: ZeroMQPeerTransport(context: context), gangID: args[1], rank: rank)
  FileHandle.standardOutput.write(Data("listening \(listener.address)\n".utf8))
  guard let line = readLine() else { fail("no addresses on stdin", code: 2) }
  let addresses = line.split(separator: " ").map(String.init)
  let gang = Gang(
    id: args[1], rank: rank, addresses: addresses, deadline: .milliseconds(deadlineMs), chunkBytes: chunkBytes,
    sharedMemory: offersSharedMemory)
  let communicator = try GangCommunicator(gang: gang, listener: listener)
  let result = args[4] == "float"
    ? try allReduce(Float.self, communicator: communicator) : try allReduce(Double.self, communicator: communicator)
  try AtomicFile.write(result, to: args[8])
  communicator.close()
  context.close()
} catch {
  fail("\(error)", code: 3)
}
