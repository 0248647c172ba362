// `hpo-collectives-probe bench GANG RANK ADDR,ADDR,... CHUNK_BYTES MAX_BYTES`:
// one member of an all-reduce benchmark (Experiments/benchmarks/distributed/allreduce.sh).
import Foundation
import HPOCollectives
import HPOZeroMQ

/// Binds `addresses[rank]`, meets the others with a barrier, then for Float
/// buffers of 4 KB, 16 KB, … up to `maxBytes` times the mean all-reduce
/// between barriers; rank 0 prints one line per size: bytes, iterations,
/// microseconds per all-reduce, algorithm bandwidth (bytes / time) and bus
/// bandwidth (algbw · 2(N−1)/N, as nccl-tests), both in GB/s (10⁹ B/s).
/// With `sharedMemory` the members offer it; rank 0 says on standard error
/// which path the gang took.
func runBench(gangID: String, rank: Int, addresses: [String], chunkBytes: Int, maxBytes: Int, sharedMemory: Bool) throws {
  let context = try ZeroMQContext()
  defer { context.close() }
  let listener = try GangListener(
    transport: ZeroMQPeerTransport(context: context), gangID: gangID, rank: rank, endpoint: addresses[rank])
  let gang = Gang(
    id: gangID, rank: rank, addresses: addresses, deadline: .seconds(120), chunkBytes: chunkBytes,
    sharedMemory: sharedMemory)
  let communicator = try GangCommunicator(gang: gang, listener: listener)
  defer { communicator.close() }
  try communicator.barrier()
  var warmUp: [Float] = [0]
  try communicator.allReduceSum(&warmUp)
  if rank == 0 { FileHandle.standardError.write(Data("path: \(communicator.path)\n".utf8)) }
  let n = Double(addresses.count)
  var bytes = 4096
  while bytes <= maxBytes {
    var buffer = [Float](repeating: 0, count: bytes / 4)
    let iterations = max(3, min(200, (128 << 20) / bytes))
    try communicator.allReduceSum(&buffer)
    try communicator.barrier()
    let start = ContinuousClock.now
    for _ in 0..<iterations { try communicator.allReduceSum(&buffer) }
    try communicator.barrier()
    let seconds = (ContinuousClock.now - start) / .nanoseconds(1) / 1e9 / Double(iterations)
    if rank == 0 {
      let algbw = Double(bytes) / seconds / 1e9
      let line = String(
        format: "%d\t%d\t%d\t%.1f\t%.3f\t%.3f\n", addresses.count, bytes, iterations, seconds * 1e6, algbw,
        algbw * 2 * (n - 1) / n)
      FileHandle.standardOutput.write(Data(line.utf8))
    }
    bytes *= 4
  }
}
