import Foundation
import HPOCollectives
import HPOCore
import HPOZeroMQ

/// Runs the members of one gang as threads of this process, each with its
/// own ZeroMQ context and a listener on an ephemeral port of 127.0.0.1.
enum GangHarness {
  /// Runs `body` on every rank of a gang of `size` except `absent` ones,
  /// whose addresses are bound and released again (a member that never
  /// joins: nothing listens there). With `keys` the gang uses CURVE; a rank
  /// in `impostors` uses that pair instead of its own. Ranks in `sharedMemory` offer to
  /// all-reduce through shared memory (none by default: the ring). Returns each present
  /// rank's result and the gang's addresses.
  static func run<R: Sendable>(
    size: Int, absent: Set<Int> = [], id: String = "gang-1", deadline: Duration = .seconds(30),
    chunkBytes: Int = Gang.defaultChunkBytes, keys: [ZeroMQCurveKeyPair]? = nil,
    impostors: [Int: ZeroMQCurveKeyPair] = [:], admitLater: Bool = false, sharedMemory: Set<Int> = [],
    _ body: @escaping @Sendable (GangCommunicator) throws -> R
  ) throws -> (results: [Int: Result<R, any Error>], addresses: [String]) {
    let addresses = Locked([String](repeating: "", count: size))
    let results = Locked([Int: Result<R, any Error>]())
    for rank in absent {
      let context = try ZeroMQContext()
      let listener = try GangListener(transport: ZeroMQPeerTransport(context: context), gangID: id, rank: rank)
      addresses.withLock { $0[rank] = listener.address }
      listener.close()
      context.close()
    }
    let bound = DispatchGroup(), done = DispatchGroup()
    let go = DispatchSemaphore(value: 0)
    let present = (0..<size).filter { !absent.contains($0) }
    for rank in present {
      bound.enter()
      done.enter()
      let thread = Thread {
        defer { done.leave() }
        let outcome: Result<R, any Error>
        do {
          let context = try ZeroMQContext()
          defer { context.close() }
          // An impostor's own list has its key in its place; the others' lists do not.
          let pairs = keys.map { keys in
            var pairs = keys
            if let impostor = impostors[rank] { pairs[rank] = impostor }
            return pairs
          }
          let security = pairs.map { GangSecurity(publicKeys: $0.map(\.publicKey)) }
          let transport = ZeroMQPeerTransport(context: context, keyPair: pairs?[rank])
          let listener: GangListener
          do {
            // Bound before the members are known (as a worker does), or with the gang's keys.
            listener = try GangListener(
              transport: transport, gangID: id, rank: rank,
              security: admitLater && security != nil ? GangSecurity(publicKeys: []) : security)
          } catch {
            bound.leave()
            throw error
          }
          addresses.withLock { $0[rank] = listener.address }
          bound.leave()
          go.wait()
          let gang = Gang(
            id: id, rank: rank, addresses: addresses.value, deadline: deadline, chunkBytes: chunkBytes,
            security: security, sharedMemory: sharedMemory.contains(rank))
          let communicator = try GangCommunicator(gang: gang, listener: listener)
          defer { communicator.close() }
          outcome = .success(try body(communicator))
        } catch {
          outcome = .failure(error)
        }
        results.withLock { $0[rank] = outcome }
      }
      thread.start()
    }
    bound.wait()
    for _ in present { go.signal() }
    done.wait()
    return (results.value, addresses.value)
  }

  /// A seeded buffer whose elements span many magnitudes, so that the order
  /// of a sum shows in its bits.
  static func buffer<T: CollectiveElement>(_: T.Type, count: Int, seed: UInt64, rank: Int) -> [T] {
    var rng = SeededGenerator(seed: seed, stream: UInt64(rank))
    return (0..<count).map { _ in
      let exponent = Int(rng.next() % 24) - 12
      return T(rng.nextUnit() * 2 - 1) * T(Double(sign: .plus, exponent: exponent, significand: 1))
    }
  }

  /// The sum the ring computes, in its fixed order, computed in one place:
  /// an element of segment s is `((x_s + x_{s+1}) + …) + x_{s−1}`.
  static func ringOrderSum<T: CollectiveElement>(_ inputs: [[T]]) -> [T] {
    let n = inputs.count, count = inputs[0].count
    var out = [T](repeating: 0, count: count)
    for s in 0..<n {
      for e in (count * s / n)..<(count * (s + 1) / n) {
        var sum = inputs[s][e]
        for k in 1..<max(n, 1) { sum = sum + inputs[(s + k) % n][e] }
        out[e] = sum
      }
    }
    return out
  }

  static func bits<T: CollectiveElement>(_ values: [T]) -> [UInt8] {
    values.withUnsafeBytes { [UInt8]($0) }
  }
}
