import HPOCore

/// Objective vectors turned into losses (smaller is better in every
/// objective): a minimised value as it is, a maximised one negated. NaN stays
/// NaN and is ordered after every number, +∞ included: an objective that
/// could not be measured is worse than any measured value, in either
/// direction, and two NaNs are equal. Every multi-objective function of this
/// folder compares values through this order only.
enum ObjectiveLoss {
  /// `value` as a loss under `direction`.
  @inline(__always)
  static func loss(_ value: Double, _ direction: Direction) -> Double {
    direction == .minimize ? value : -value
  }

  /// Whether loss `a` is strictly better than loss `b` (NaN is worst).
  @inline(__always)
  static func better(_ a: Double, _ b: Double) -> Bool {
    a < b || (b.isNaN && !a.isNaN)
  }

  /// Whether losses `a` and `b` tie (equal numbers, or both NaN; −0 ties with +0).
  @inline(__always)
  static func ties(_ a: Double, _ b: Double) -> Bool {
    a == b || (a.isNaN && b.isNaN)
  }

  /// Checks the shape every function of the folder needs: at least one
  /// objective, and as many values in each point as there are directions.
  /// A mismatch is a caller's bug, not bad user input.
  static func checkShape(_ points: [[Double]], _ directions: [Direction]) {
    precondition(!directions.isEmpty, "at least one objective")
    for p in points {
      precondition(p.count == directions.count, "a point has \(p.count) values for \(directions.count) objectives")
    }
  }
}

/// Each objective's values replaced by their dense rank in the loss order
/// (0 = best; ties share a rank, NaNs share the last), stored row-major.
/// Pareto dominance depends only on these ranks, so the sort compares small
/// integers and never meets a NaN.
struct LossRanks {
  let count: Int
  let objectives: Int
  /// `ranks[i * objectives + k]`: point i's rank in objective k.
  private(set) var ranks: [Int32]

  init(_ points: [[Double]], directions: [Direction]) {
    ObjectiveLoss.checkShape(points, directions)
    count = points.count
    objectives = directions.count
    ranks = [Int32](repeating: 0, count: count * objectives)
    var order = Array(0..<count)
    var column = [Double](repeating: 0, count: count)
    for k in 0..<objectives {
      for i in 0..<count { column[i] = ObjectiveLoss.loss(points[i][k], directions[k]) }
      order.sort { ObjectiveLoss.better(column[$0], column[$1]) }
      var rank: Int32 = 0
      for (position, i) in order.enumerated() {
        if position > 0 && !ObjectiveLoss.ties(column[order[position - 1]], column[i]) { rank += 1 }
        ranks[i * objectives + k] = rank
      }
    }
  }

  /// The point indices in lexicographic order of their ranks (ties by index):
  /// no point is dominated by a point after it, and equal points are adjacent.
  func lexicographicOrder() -> [Int] {
    let m = objectives
    return (0..<count).sorted { i, j in
      for k in 0..<m where ranks[i * m + k] != ranks[j * m + k] {
        return ranks[i * m + k] < ranks[j * m + k]
      }
      return i < j
    }
  }

  /// Whether points `i` and `j` tie in every objective.
  func equal(_ i: Int, _ j: Int) -> Bool {
    for k in 0..<objectives where ranks[i * objectives + k] != ranks[j * objectives + k] { return false }
    return true
  }

  /// Whether point `i` Pareto-dominates point `j`: no worse in any
  /// objective, better in at least one.
  @inline(__always)
  func dominates(_ i: Int, _ j: Int) -> Bool {
    let a = i * objectives
    let b = j * objectives
    var better = false
    for k in 0..<objectives {
      let ri = ranks[a + k]
      let rj = ranks[b + k]
      if ri > rj { return false }
      if ri < rj { better = true }
    }
    return better
  }
}
