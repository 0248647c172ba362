import HPOCore
import Synchronization

/// The elites NSGA-II has already computed, so a suggestion after n finished
/// trials costs one pass over the history instead of a non-dominated sort per
/// generation (1,000 trials: 20 sorts of 100 points, on every call).
///
/// The memo never changes an answer. It keeps, for each generation it has
/// cut, that generation's competitors (``NSGA2Population/Member``: history
/// index, trial number, objectives, violation) and the elite after it. A later
/// call reuses a generation's elite only when every competitor of that
/// generation and of all earlier ones is equal, field for field, to what the
/// history gives now; from the first generation that differs (a late trial
/// that finished out of order, another experiment's history, a constraint
/// that appeared) it sorts again and replaces the rest. NaN objectives compare
/// by their bits, so an unknown value matches itself.
final class NSGA2EliteMemo: Sendable {
  private struct Generation {
    var competitors: [NSGA2Population.Member?]
    var elite: [NSGA2Population.Member]
  }

  private let generations = Mutex<[Generation]>([])

  init() {}

  /// The elite after each of `slices` (the competitors of generations 0, 1, …),
  /// computed by `elite(pool)` where the memo does not already hold it.
  func elites(
    of slices: [[NSGA2Population.Member?]], elite: ([NSGA2Population.Member]) -> [NSGA2Population.Member]
  ) -> [NSGA2Population.Member] {
    let known = generations.withLock { $0 }
    var reused = 0
    while reused < Swift.min(known.count, slices.count), Self.same(known[reused].competitors, slices[reused]) {
      reused += 1
    }
    var computed = Array(known.prefix(reused))
    var current = computed.last?.elite ?? []
    for g in reused..<slices.count {
      current = elite(current + slices[g].compactMap { $0 })
      computed.append(Generation(competitors: slices[g], elite: current))
    }
    if computed.count > reused || known.count != reused {
      // Keep the longest consistent chain: another call may have extended it meanwhile.
      generations.withLock { stored in
        if computed.count >= stored.count || !Self.prefixMatches(stored, computed) { stored = computed }
      }
    }
    return current
  }

  private static func prefixMatches(_ longer: [Generation], _ shorter: [Generation]) -> Bool {
    guard shorter.count <= longer.count else { return false }
    return zip(longer, shorter).allSatisfy { same($0.competitors, $1.competitors) }
  }

  private static func same(_ a: [NSGA2Population.Member?], _ b: [NSGA2Population.Member?]) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
      switch (x, y) {
      case (nil, nil): continue
      case (let x?, let y?): if !x.identical(to: y) { return false }
      default: return false
      }
    }
    return true
  }
}

extension NSGA2Population.Member {
  /// Equal in every field, NaN equal to NaN of the same bits.
  func identical(to other: Self) -> Bool {
    index == other.index && number == other.number && violation.bitPattern == other.violation.bitPattern
      && objectives.count == other.objectives.count
      && zip(objectives, other.objectives).allSatisfy { $0.bitPattern == $1.bitPattern }
  }
}
