import HPOCore

/// The parents of NSGA-II's next child, derived from the history alone on
/// every call (so they survive a coordinator restart by construction).
///
/// **Generations.** The finished trials (complete, pruned, failed,
/// infeasible), in trial-number order, are cut into consecutive slices of
/// `populationSize`: generation 0 is the first slice, generation g the
/// (g+1)-th. Only full slices count; the trials of the slice being filled, and
/// every pending or running trial, wait for it to fill. A trial's generation
/// is therefore its place among the finished trials (its *sampling index*),
/// not the moment it was suggested: with parallel workers, a trial that
/// finishes late may push later-numbered trials into the next slice. That
/// changes which generation a finished trial competes in, never whether it
/// competes, and keeps the answer a function of the history, which Optuna's
/// per-trial generation tag (written when a trial starts) is not.
///
/// **Elite.** With P₀ empty, Pₖ₊₁ is the elite of Pₖ ∪ generation k, as in
/// Optuna's `select_parent` (μ + λ): non-dominated fronts under Deb's
/// constraint-dominance (``Pareto/fronts(_:directions:violations:)``), whole
/// fronts while they fit in `populationSize`, the first front that does not
/// fit cut by crowding distance (``Pareto/crowdingDistances(_:directions:)``,
/// larger first, ties to the lower trial number). The parents are the elite
/// after the last full generation, in trial-number order.
///
/// **Outcomes.** Complete and pruned trials compete with their objective
/// vector: `values` when the experiment has several objectives, `[value]`
/// (for a pruned trial without one, its last report) with a single one; a
/// missing, mis-sized or non-finite value counts as NaN, worse than every
/// number. Their constraint violation is `totalViolation`; when some trial
/// has constraint values, a finished trial with fewer of them counts as
/// unknown (NaN: worse than every infeasible trial, as a trial without
/// constraint values is in Optuna). Failed and infeasible-state trials are the
/// worst outcome: they take their place in a generation (so generations keep
/// advancing when trials fail) but never enter the elite, so they are never
/// parents. Optuna counts only complete trials; counting pruned ones lets
/// NSGA-II work with early stopping.
struct NSGA2Population {
  /// One trial able to be a parent.
  struct Member: Sendable, Equatable {
    /// Index into the history.
    var index: Int
    var number: Int
    /// Objective values, one per direction (NaN when unknown).
    var objectives: [Double]
    /// Total constraint violation: 0 feasible, > 0 infeasible, NaN unknown.
    var violation: Double
  }

  /// The elite after the last full generation, in trial-number order; empty
  /// while generation 0 is not full (or when none of its trials succeeded).
  let parents: [Member]
  /// Number of full generations (0: the next child is drawn at random).
  let generations: Int

  /// - Parameter memo: elites already computed for an earlier history
  ///   (``NSGA2EliteMemo``); the parents are the same with or without it.
  init(history: [TrialRecord], directions: [Direction], populationSize: Int, memo: NSGA2EliteMemo? = nil) {
    // Records are read in place throughout: `history[i]` as an argument, or a `for`
    // over the records, would copy each one (every field retained and released).
    (generations, parents) = history.withUnsafeBufferPointer { records in
      let finished = records.indices
        .filter { records[$0].state.isFinished }
        .sorted { (records[$0].number, $0) < (records[$1].number, $1) }
      let constraintCount = finished.reduce(0) { Swift.max($0, records[$1].violations.count) }
      let full = finished.count / populationSize
      func slice(_ g: Int) -> ArraySlice<Int> { finished[(g * populationSize)..<((g + 1) * populationSize)] }
      // The generations the memo holds, as long as every competitor is unchanged.
      let known = memo?.generations ?? []
      var reused = 0
      while reused < Swift.min(known.count, full), known[reused].indices.elementsEqual(slice(reused)),
        zip(slice(reused), known[reused].competitors).allSatisfy({ i, m in
          Self.matches(records.baseAddress! + i, m, index: i, directions: directions, constraintCount: constraintCount)
        })
      {
        reused += 1
      }
      var computed = Array(known.prefix(reused))
      var current = computed.last?.elite ?? []
      for g in reused..<full {
        let competitors = slice(g).map { i in
          Self.member(records[i], index: i, directions: directions, constraintCount: constraintCount)
        }
        current = Self.elite(of: current + competitors.compactMap { $0 }, size: populationSize, directions: directions)
        computed.append(NSGA2EliteMemo.Generation(indices: Array(slice(g)), competitors: competitors, elite: current))
      }
      if computed.count != reused || known.count != reused { memo?.keep(computed) }
      return (full, current)
    }
  }

  /// Whether `m` is exactly what ``member(_:index:directions:constraintCount:)``
  /// makes of the record now, found without building it (no allocation).
  /// `record` points into the history (passing the record itself would copy it).
  static func matches(
    _ record: UnsafePointer<TrialRecord>, _ m: Member?, index: Int, directions: [Direction], constraintCount: Int
  ) -> Bool {
    switch record.pointee.state {
    case .failed, .infeasible, .pending, .running: return m == nil
    case .complete, .pruned: break
    }
    guard let m, m.index == index, m.number == record.pointee.number, m.objectives.count == directions.count else { return false }
    func same(_ a: Double, _ b: Double) -> Bool { (a.isFinite ? a : .nan).bitPattern == b.bitPattern }
    if directions.count == 1 && record.pointee.values.isEmpty {
      let value = record.pointee.value ?? (record.pointee.state == .pruned ? record.pointee.intermediate.last?.value : nil)
      guard same(value ?? .nan, m.objectives[0]) else { return false }
    } else if record.pointee.values.count == directions.count {
      for k in 0..<directions.count where !same(record.pointee.values[k], m.objectives[k]) { return false }
    } else {
      for k in 0..<directions.count where m.objectives[k].bitPattern != Double.nan.bitPattern { return false }
    }
    let violation: Double
    if constraintCount == 0 {
      violation = 0
    } else if record.pointee.violations.count < constraintCount || record.pointee.violations.contains(where: \.isNaN) {
      violation = .nan
    } else {
      violation = record.pointee.totalViolation
    }
    return violation.bitPattern == m.violation.bitPattern
  }

  /// The trial as a competitor; `nil` for failed and infeasible-state trials.
  static func member(_ t: TrialRecord, index: Int, directions: [Direction], constraintCount: Int) -> Member? {
    let raw: [Double]
    switch t.state {
    case .complete, .pruned:
      if directions.count == 1 && t.values.isEmpty {
        let value = t.value ?? (t.state == .pruned ? t.intermediate.last?.value : nil)
        raw = [value ?? .nan]
      } else {
        raw = t.values.count == directions.count ? t.values : []
      }
    case .failed, .infeasible, .pending, .running:
      return nil
    }
    let objectives = raw.isEmpty ? [Double](repeating: .nan, count: directions.count) : raw.map { $0.isFinite ? $0 : .nan }
    let violation: Double
    if constraintCount == 0 {
      violation = 0
    } else if t.violations.count < constraintCount || t.violations.contains(where: \.isNaN) {
      violation = .nan
    } else {
      violation = t.totalViolation
    }
    return Member(index: index, number: t.number, objectives: objectives, violation: violation)
  }

  /// The best `size` members of `pool` (all of them when it is not larger),
  /// by constraint-dominance fronts then crowding distance, in trial-number order.
  static func elite(of pool: [Member], size: Int, directions: [Direction]) -> [Member] {
    guard pool.count > size else { return pool.sorted { $0.number < $1.number } }
    let fronts = Pareto.fronts(pool.map(\.objectives), directions: directions, violations: pool.map(\.violation))
    var kept: [Member] = []
    kept.reserveCapacity(size)
    for front in fronts {
      if kept.count + front.count <= size {
        kept += front.map { pool[$0] }
        if kept.count == size { break }
        continue
      }
      let distance = Pareto.crowdingDistances(front.map { pool[$0].objectives }, directions: directions)
      let order = front.indices.sorted {
        distance[$0] > distance[$1] || (distance[$0] == distance[$1] && pool[front[$0]].number < pool[front[$1]].number)
      }
      kept += order.prefix(size - kept.count).map { pool[front[$0]] }
      break
    }
    return kept.sorted { $0.number < $1.number }
  }
}
