@testable import HPOCore
import Testing

private func minimizing(_ m: Int) -> [Direction] { [Direction](repeating: .minimize, count: m) }

/// Whether `a` and `b` agree to a relative 1e-12 (exact for infinities).
private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
  a == b || Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(a), Swift.abs(b))
}

/// `count` seeded points in [0, 1)^m, rounded to `levels` steps when given (ties).
private func randomPoints(count: Int, objectives m: Int, seed: UInt64, levels: Int? = nil) -> [[Double]] {
  var rng = SeededGenerator(seed: seed)
  return (0..<count).map { _ in
    (0..<m).map { _ in
      let u = Double.random(in: 0..<1, using: &rng)
      guard let levels else { return u }
      return (u * Double(levels)).rounded(.down) / Double(levels)
    }
  }
}

/// Three objectives by slices, independently of the staircase: between two
/// consecutive third-objective levels, the two-dimensional sweep of every
/// point at or below the lower level, recomputed from scratch.
private func slicedVolume3D(_ points: [[Double]], _ r: [Double]) -> Double {
  let levels = Set(points.map { $0[2] }).sorted() + [r[2]]
  var volume = 0.0
  for (l, level) in levels.dropLast().enumerated() {
    let below = points.filter { $0[2] <= level }.map { [$0[0], $0[1]] }
    volume += Hypervolume.sweep2D(below, [r[0], r[1]]) * (levels[l + 1] - level)
  }
  return volume
}

@Suite("Hypervolume")
struct HypervolumeTests {
  @Test("known values: a 2-D staircase, unit cubes, a 3-D staircase, one objective")
  func known() {
    #expect(Hypervolume.volume([[1, 3], [2, 2], [3, 1]], reference: [4, 4], directions: minimizing(2)) == 6)
    #expect(Hypervolume.volume([[0, 0, 0]], reference: [1, 1, 1], directions: minimizing(3)) == 1)
    // Two boxes of 4 overlapping in 2.
    #expect(Hypervolume.volume([[0, 0, 1], [1, 0, 0]], reference: [2, 2, 2], directions: minimizing(3)) == 6)
    // Three boxes of 6, pairwise overlaps of 2, a common unit cube: 18 − 6 + 1.
    let stairs: [[Double]] = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    #expect(Hypervolume.volume(stairs, reference: [3, 3, 3], directions: minimizing(3)) == 13)
    // The eight corners of the unit cube below the reference (2, 2, 2): the origin covers all.
    let corners = (0..<8).map { c in (0..<3).map { Double((c >> $0) & 1) } }
    #expect(Hypervolume.volume(corners, reference: [2, 2, 2], directions: minimizing(3)) == 8)
    #expect(Hypervolume.volume([[3], [1], [2]], reference: [5], directions: [.minimize]) == 4)
    // Four objectives: a unit hypercube and two overlapping boxes (8 + 8 − 4).
    #expect(Hypervolume.volume([[0, 0, 0, 0]], reference: [1, 1, 1, 1], directions: minimizing(4)) == 1)
    #expect(
      Hypervolume.volume([[0, 0, 0, 1], [1, 0, 0, 0]], reference: [2, 2, 2, 2], directions: minimizing(4)) == 12)
  }

  @Test("only points strictly better than the reference everywhere count; NaN never does")
  func reference() {
    let r: [Double] = [4, 4]
    #expect(Hypervolume.volume([], reference: r, directions: minimizing(2)) == 0)
    #expect(Hypervolume.volume([[5, 0], [4, 0], [0, 4], [.nan, 1]], reference: r, directions: minimizing(2)) == 0)
    #expect(Hypervolume.volume([[5, 0], [3, 3], [.nan, 0]], reference: r, directions: minimizing(2)) == 1)
    #expect(Hypervolume.contributions([[5, 0], [3, 3], [4, 0]], reference: r, directions: minimizing(2)) == [0, 1, 0])
    // Maximising: the reference is a floor.
    #expect(Hypervolume.volume([[-1], [2]], reference: [0], directions: [.maximize]) == 2)
  }

  @Test("mixed directions: accuracy maximised, latency minimised, reference (0, 100)")
  func mixedDirections() {
    // Losses (−0.95, 20) and (−0.9, 10): 0.95·80 + 0.9·10.
    let v = Hypervolume.volume([[0.9, 10], [0.95, 20]], reference: [0, 100], directions: [.maximize, .minimize])
    #expect(close(v, 85))
  }

  @Test("pinned: Optuna 5.1.0's compute_hypervolume and pymoo 0.6.2's HV on seeded sets")
  func optunaValues() {
    // Points: numpy RandomState(7) uniform draws rounded to 2 decimals (after
    // the draws of ParetoTests' pinned ranks). optuna._hypervolume.compute_hypervolume
    // gave 0.4974420000000002, 0.8634207499999997, 0.4016; pymoo's HV 0.49744200000000016,
    // 0.86342075 for the 3-D and 4-D sets.
    let x3: [[Double]] = [
      [0.95, 0.23, 0.55], [0.91, 0.13, 0.52], [0.75, 0.67, 0.47], [0.2, 0.49, 0.37], [0.48, 0.37, 0.84],
      [0.77, 0.31, 0.57], [0.28, 0.45, 0.35], [0.66, 0.37, 0.46], [0.72, 0.41, 0.91], [0.18, 0.74, 0.42],
    ]
    #expect(close(Hypervolume.volume(x3, reference: [1.1, 1.1, 1.1], directions: minimizing(3)), 0.4974420000000002))
    let x4: [[Double]] = [
      [0.43, 0.63, 0.52, 0.41], [0.0, 0.09, 0.71, 0.52], [0.7, 0.96, 0.68, 0.05], [0.31, 0.59, 0.24, 0.96],
      [0.95, 0.85, 0.47, 0.84], [0.13, 0.31, 0.46, 0.74], [0.49, 0.14, 0.34, 0.32], [0.3, 0.17, 0.41, 0.45],
    ]
    #expect(close(Hypervolume.volume(x4, reference: [1.2, 1.2, 1.2, 1.2], directions: minimizing(4)), 0.86342075))
    let x2: [[Double]] = [
      [0.77, 0.8], [0.52, 0.46], [0.78, 0.89], [0.67, 0.8], [0.94, 0.04], [0.88, 0.28], [0.48, 0.8],
      [0.72, 0.15], [0.66, 0.07],
    ]
    #expect(close(Hypervolume.volume(x2, reference: [1, 1], directions: minimizing(2)), 0.4016))
    // Leave-one-out with Optuna's compute_hypervolume (hv − hv without point i), as MOTPE weighs.
    let optuna = [
      0.0, 0.013626000000000027, 0.0, 0.01604, 0.0037440000000000806, 0.004452000000000067, 0.021468000000000098,
      0.005487999999999993, 0.0, 0.004896000000000067,
    ]
    let ours = Hypervolume.contributions(x3, reference: [1.1, 1.1, 1.1], directions: minimizing(3))
    #expect(zip(ours, optuna).allSatisfy { close($0, $1, 1e-9) }, "\(ours)")
  }

  @Test("2-D and 3-D sweeps and WFG equal inclusion–exclusion on seeded sets", arguments: [2, 3, 4, 5])
  func bruteForce(objectives m: Int) {
    let r = [Double](repeating: 1.1, count: m)
    for seed in 0..<30 as Range<UInt64> {
      let count = 1 + Int(seed % 12)
      // Every third set has coarse values: ties, duplicates, shared coordinates.
      let points = randomPoints(count: count, objectives: m, seed: seed, levels: seed % 3 == 0 ? 3 : nil)
      let fast = Hypervolume.volume(points, reference: r, directions: minimizing(m))
      let brute = Hypervolume.inclusionExclusion(points, r)
      #expect(close(fast, brute, 1e-10), "seed \(seed), \(count) points: \(fast) vs \(brute)")
      if m >= 4 {
        // WFG on the raw set too, not only after the non-dominated filter.
        #expect(close(Hypervolume.wfg(Hypervolume.nonDominated(points), r), brute, 1e-10), "seed \(seed)")
      }
    }
  }

  @Test("the 3-D staircase sweep equals slices recomputed from scratch on 200 points")
  func sweep3DLarge() {
    for seed in 0..<6 as Range<UInt64> {
      let points = randomPoints(count: 200, objectives: 3, seed: seed, levels: seed % 2 == 0 ? 20 : nil)
      let r: [Double] = [1, 1, 1]
      let v = Hypervolume.volume(points, reference: r, directions: minimizing(3))
      #expect(close(v, slicedVolume3D(points, r), 1e-10), "seed \(seed)")
      // Points on the simplex x + y + z = 1: all non-dominated.
      let simplex = points.map { p in p.map { $0 / Swift.max(p.reduce(0, +), 1e-9) } }
      #expect(close(Hypervolume.volume(simplex, reference: r, directions: minimizing(3)), slicedVolume3D(simplex, r), 1e-10))
    }
  }

  @Test("maximising is minimising the negation")
  func directions() {
    let points = randomPoints(count: 30, objectives: 3, seed: 9)
    let flipped = points.map { [-$0[0], $0[1], -$0[2]] }
    let a = Hypervolume.volume(points, reference: [1, 1, 1], directions: minimizing(3))
    let b = Hypervolume.volume(flipped, reference: [-1, 1, -1], directions: [.maximize, .minimize, .maximize])
    #expect(close(a, b))
  }
}

@Suite("Hypervolume contributions")
struct HypervolumeContributionTests {
  @Test("a 2-D staircase: each point owns the rectangle to its neighbours; the sum is the volume minus the overlaps")
  func staircase() {
    let points: [[Double]] = [[1, 3], [2, 2], [3, 1]]
    let c = Hypervolume.contributions(points, reference: [4, 4], directions: minimizing(2))
    #expect(c == [1, 1, 1])
    for seed in 0..<10 as Range<UInt64> {
      // A random staircase: x increasing, y decreasing.
      let raw = randomPoints(count: 2 + Int(seed), objectives: 2, seed: seed)
      let xs = raw.map { $0[0] }.sorted()
      let ys = raw.map { $0[1] }.sorted(by: >)
      let stairs = zip(xs, ys).map { [$0, $1] }
      let r: [Double] = [1, 1]
      let sum = Hypervolume.contributions(stairs, reference: r, directions: minimizing(2)).reduce(0, +)
      // What two or more points cover is what consecutive pairs' meets cover.
      let meets = zip(stairs, stairs.dropFirst()).map { [$1[0], $0[1]] }
      let overlap = Hypervolume.volume(meets, reference: r, directions: minimizing(2))
      #expect(close(sum, Hypervolume.volume(stairs, reference: r, directions: minimizing(2)) - overlap), "seed \(seed)")
    }
  }

  @Test("dominated and duplicated points contribute 0, and a dominated point still covers part of its dominator's box")
  func dominatedAndDuplicates() {
    let r: [Double] = [2, 2]
    #expect(Hypervolume.contributions([[0, 0], [1, 1]], reference: r, directions: minimizing(2)) == [3, 0])
    #expect(Hypervolume.contributions([[1, 1], [1, 1]], reference: r, directions: minimizing(2)) == [0, 0])
    #expect(Hypervolume.contributions([[1, 1], [1, 1], [0, 1.5]], reference: r, directions: minimizing(2)) == [0, 0, 0.5])
    #expect(Hypervolume.contributions([[3], [1], [2]], reference: [5], directions: [.minimize]) == [0, 1, 0])
    #expect(Hypervolume.contributions([], reference: r, directions: minimizing(2)) == [])
  }

  @Test("each contribution is the volume lost without the point, on seeded sets", arguments: [2, 3, 4])
  func leaveOneOut(objectives m: Int) {
    let r = [Double](repeating: 1, count: m)
    for seed in 0..<12 as Range<UInt64> {
      let points = randomPoints(count: 15, objectives: m, seed: seed, levels: seed % 3 == 0 ? 4 : nil)
      let all = Hypervolume.volume(points, reference: r, directions: minimizing(m))
      let c = Hypervolume.contributions(points, reference: r, directions: minimizing(m))
      for i in points.indices {
        var others = points
        others.remove(at: i)
        let lost = all - Hypervolume.volume(others, reference: r, directions: minimizing(m))
        #expect(close(c[i], lost, 1e-9), "seed \(seed), point \(i): \(c[i]) vs \(lost)")
      }
    }
  }

  @Test("an infinitely good value: the volume is +∞, its point contributes +∞, the others stay exact")
  func infinite() {
    let r: [Double] = [10, 10]
    #expect(Hypervolume.volume([[-.infinity, 5], [0, 0]], reference: r, directions: minimizing(2)) == .infinity)
    #expect(Hypervolume.volume([[.infinity, 5]], reference: [10, 10], directions: [.maximize, .minimize]) == .infinity)
    // (0, 0) owns [0, 10] × [0, 5]: its box of 100 minus the half (−∞, 5) covers.
    #expect(Hypervolume.contributions([[-.infinity, 5], [0, 0]], reference: r, directions: minimizing(2)) == [.infinity, 50])
    // Dominated by another infinite point: 0.
    #expect(
      Hypervolume.contributions([[-.infinity, 5], [-.infinity, 3]], reference: r, directions: minimizing(2)) == [0, .infinity])
    // (1, 1, 1) owns x ∈ [1, 10], y, z ∈ [1, 5): 9 · 4 · 4.
    let three: [[Double]] = [[-.infinity, 0, 5], [-.infinity, 5, 0], [1, 1, 1]]
    #expect(Hypervolume.contributions(three, reference: r + [10], directions: minimizing(3)) == [.infinity, .infinity, 144])
  }
}
