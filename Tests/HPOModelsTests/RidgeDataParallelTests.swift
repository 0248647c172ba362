import Foundation
import HPOCore
import HPOLinearAlgebra
import Testing

@testable import HPOModels

/// Ridge over the rows of several members, each holding only its own (a
/// gang): the same model as one fit on all the rows, up to summation order.
/// The members run on threads here, summing through an in-memory all-reduce;
/// the gang end-to-end tests run the same code over real sockets.
@Suite struct RidgeDataParallelTests {
  /// An element-wise sum over `size` threads, in rank order (as the ring is
  /// fixed by rank): each call waits for every member's buffer of the same round.
  final class ThreadAllReduce: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var buffers: [Int: [Double]] = [:]
    private var round = 0
    private var result: [Double] = []

    init(size: Int) { self.size = size }

    func sum(rank: Int, _ buffer: inout [Double]) {
      condition.lock()
      defer { condition.unlock() }
      let mine = round
      buffers[rank] = buffer
      if buffers.count == size {
        result = (0..<size).map { buffers[$0]! }.reduce(into: [Double](repeating: 0, count: buffer.count)) { s, b in
          for i in s.indices { s[i] += b[i] }
        }
        buffers = [:]
        round += 1
        condition.broadcast()
      }
      while round == mine { condition.wait() }
      buffer = result
    }
  }

  /// Random rows of a linear model plus noise, seeded.
  static func data(rows: Int, features: Int, targets: Int, seed: UInt64) throws -> (Matrix<Double>, Matrix<Double>) {
    var rng = SeededGenerator(seed: seed, stream: 0)
    let w = (0..<(features * targets)).map { _ in Double.random(in: -2...2, using: &rng) }
    var x = [Double](), y = [Double]()
    for _ in 0..<rows {
      let row = (0..<features).map { j in Double.random(in: -1...1, using: &rng) * Double(j + 1) + 3 }
      x += row
      for k in 0..<targets {
        y.append((0..<features).reduce(0.5) { $0 + row[$1] * w[$1 * targets + k] } + Double.random(in: -0.1...0.1, using: &rng))
      }
    }
    return (try Matrix(rows: rows, columns: features, elements: x), try Matrix(rows: rows, columns: targets, elements: y))
  }

  /// `parts` row counts of `x`/`y`, in order.
  static func split(_ m: Matrix<Double>, _ parts: [Int]) throws -> [Matrix<Double>] {
    var start = 0
    return try parts.map { count in
      defer { start += count }
      return try Matrix(rows: count, columns: m.columns, elements: Array(m.elements[(start * m.columns)..<((start + count) * m.columns)]))
    }
  }

  @Test(arguments: [[400, 350, 250], [1000], [600, 0, 400], [1, 998, 1]])
  func fitDataParallel_equalsOneFitOnAllRows(_ parts: [Int]) throws {
    let (x, y) = try Self.data(rows: 1000, features: 7, targets: 3, seed: 42)
    let whole = try RidgeSolver.fit(x, y, alpha: 0.5)
    let xs = try Self.split(x, parts), ys = try Self.split(y, parts)
    let reduce = ThreadAllReduce(size: parts.count)
    let solutions = Locked<[Int: RidgeSolver.Solution]>([:])
    // One thread per member (a thread pool of 2 would leave a member waiting for one never started).
    let group = DispatchGroup()
    for rank in parts.indices {
      group.enter()
      Thread {
        defer { group.leave() }
        do {
          let s = try RidgeSolver.fitDataParallel(xs[rank], ys[rank], alpha: 0.5) { reduce.sum(rank: rank, &$0) }
          solutions.withLock { $0[rank] = s }
        } catch {
          Issue.record("member \(rank): \(error)")
        }
      }.start()
    }
    #expect(group.wait(timeout: .now() + 60) == .success)
    let all = solutions.withLock { $0 }
    #expect(all.count == parts.count)
    for (rank, s) in all {
      #expect(s.method == .cholesky)
      for (a, b) in zip(s.coefficients.elements + s.intercepts, whole.coefficients.elements + whole.intercepts) {
        #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "member \(rank) of \(parts): \(a) vs \(b)")
      }
      // Every member ends with the same bits.
      #expect(s.coefficients.elements == all[0]!.coefficients.elements)
    }
  }

  @Test func fitDataParallel_ofAGangHoldingNoRows_isRefused() throws {
    let empty = Matrix<Double>(rows: 0, columns: 2)
    let targets = Matrix<Double>(rows: 0, columns: 1)
    #expect(throws: ModelError.self) {
      try RidgeSolver.fitDataParallel(empty, targets, alpha: 1) { _ in }
    }
  }
}
