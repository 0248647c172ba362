import HPOCore
import HPOStore

/// One experiment's trials as sort keys in memory, and each column's ascending order once
/// asked for: a page of a table sorted by any column is a slice of an array, not a sort of
/// 100,000 trials in SQL for each request.
///
/// The order is the store's (``ExperimentStore/trialPage(of:_:)``): trials without a value for
/// the column come last in both directions, ties by number in the same direction; numbers
/// before texts (ascending), texts by their UTF-8 bytes (as SQLite's BINARY collation).
///
/// Not thread-safe: ``TrialTables`` holds it under a lock.
final class TrialTable {
  /// What the table can be sorted by.
  enum Column: Hashable {
    case number, state, value, started, duration
    /// The parameter at this index of ``parameters``.
    case parameter(Int)
  }

  /// A column's ascending order: positions in ``keys``, those with a value for the column
  /// first (`valued` of them), then the others by number.
  struct Order {
    var positions: [Int32]
    var valued: Int

    /// The position at `index` of the table in `direction`: descending reverses the trials
    /// with a value and, apart, those without, so the latter stay last.
    func position(_ index: Int, descending: Bool) -> Int {
      guard descending else { return Int(positions[index]) }
      return Int(index < valued ? positions[valued - 1 - index] : positions[positions.count - 1 - (index - valued)])
    }
  }

  let experimentID: Int64
  /// The parameter names ``TrialSortKeys/parameters`` holds, in the space's order.
  let parameters: [String]
  /// By trial number (new trials have higher numbers than every held one).
  private(set) var keys: [TrialSortKeys] = []
  private var positionOf: [Int: Int] = [:]
  private var orders: [Column: Order] = [:]
  /// The orders of the filters asked for lately, kept as the sorted orders are (a reader paging
  /// through a filtered table pays the pass over every trial once).
  private var filtered: [Filtered: Order] = [:]
  private static let filteredKept = 16

  private struct Filtered: Hashable {
    var column: Column
    var filter: TrialFilter
  }

  init(experimentID: Int64, parameters: [String]) {
    self.experimentID = experimentID
    self.parameters = parameters
  }

  /// What to read to bring the table up to date: trials after the last held, and the
  /// held trials that were pending or running (finished trials never change).
  var changes: TrialKeyChanges {
    TrialKeyChanges(
      end: (keys.last?.number ?? -1) + 1,
      unfinished: keys.lazy.filter { $0.state == .pending || $0.state == .running }.map(\.number))
  }

  /// Takes in `read` (of every trial, or of ``changes``); the orders are sorted again only when
  /// a key changed. Returns false when the read does not fit the table (another experiment of
  /// the same name, or a trial that appeared below the held ones): then read every trial into
  /// a new table.
  func apply(_ read: TrialSortKeyRead) -> Bool {
    guard read.experimentID == experimentID else { return false }
    var changed = false
    for trial in read.trials {
      if let p = positionOf[trial.number] {
        if keys[p] != trial {
          keys[p] = trial
          changed = true
        }
      } else {
        guard trial.number > (keys.last?.number ?? -1) else { return false }
        positionOf[trial.number] = keys.count
        keys.append(trial)
        changed = true
      }
    }
    if changed {
      orders.removeAll()
      filtered.removeAll()
    }
    return keys.count == read.trialCount
  }

  /// The numbers of the page `offset ..< offset + limit` of the trials passing `filter`
  /// (every trial when `nil`) in `column`'s order, and how many pass.
  func page(_ column: Column, descending: Bool, filter: TrialFilter?, offset: Int, limit: Int) -> (total: Int, numbers: [Int]) {
    let order = filter.map { self.order(column, filter: $0) } ?? self.order(column)
    let total = order.positions.count
    let end = min(total, offset + limit)
    let numbers = offset < end ? (offset..<end).map { keys[order.position($0, descending: descending)].number } : []
    return (total, numbers)
  }

  /// The ascending order of `column` cut to the trials passing `filter`: one pass over the
  /// column's order, kept until a key changes.
  private func order(_ column: Column, filter: TrialFilter) -> Order {
    let key = Filtered(column: column, filter: filter)
    if let cached = filtered[key] { return cached }
    let all = order(column)
    var positions: [Int32] = []
    var valued = 0
    keys.withUnsafeBufferPointer { trials in
      for (index, p) in all.positions.enumerated() where filter.admits(trials[Int(p)]) {
        positions.append(p)
        if index < all.valued { valued += 1 }
      }
    }
    if filtered.count >= Self.filteredKept { filtered.removeAll() }
    let made = Order(positions: positions, valued: valued)
    filtered[key] = made
    return made
  }

  /// The ascending order of `column`, sorted now if no key changed since it was last asked for.
  private func order(_ column: Column) -> Order {
    if let cached = orders[column] { return cached }
    let made = sortedOrder(column)
    orders[column] = made
    return made
  }

  /// A trial's place in a column: numbers (class 0) before texts (class 1, ranked by their
  /// UTF-8 bytes); `nil` without a value.
  private struct Rank: Comparable {
    var kind: UInt8
    var key: Double
    var position: Int32

    static func < (a: Rank, b: Rank) -> Bool {
      (a.kind, a.key, a.position) < (b.kind, b.key, b.position)
    }
  }

  private func sortedOrder(_ column: Column) -> Order {
    var ranked: [Rank] = []
    ranked.reserveCapacity(keys.count)
    var missing: [Int32] = []
    switch column {
    case .number:
      return Order(positions: (0..<Int32(keys.count)).map { $0 }, valued: keys.count)
    case .state:
      let index = Dictionary(uniqueKeysWithValues: TrialState.allCases.enumerated().map { ($0.element, Double($0.offset)) })
      for (p, t) in keys.enumerated() { ranked.append(Rank(kind: 0, key: index[t.state] ?? 0, position: Int32(p))) }
    case .value, .started, .duration:
      for (p, t) in keys.enumerated() {
        let key: Double? = column == .value ? t.value : column == .duration ? t.duration : t.startedMillis.map(Double.init)
        if let key, !key.isNaN { ranked.append(Rank(kind: 0, key: key, position: Int32(p))) } else { missing.append(Int32(p)) }
      }
    case .parameter(let i):
      var texts = Set<String>()
      for t in keys { if case .text(let s) = t.parameters[i] { texts.insert(s) } }
      let textRank = Dictionary(uniqueKeysWithValues: texts.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        .enumerated().map { ($0.element, Double($0.offset)) })
      for (p, t) in keys.enumerated() {
        switch t.parameters[i] {
        case .number(let x) where !x.isNaN: ranked.append(Rank(kind: 0, key: x, position: Int32(p)))
        case .text(let s): ranked.append(Rank(kind: 1, key: textRank[s] ?? 0, position: Int32(p)))
        default: missing.append(Int32(p))
        }
      }
    }
    ranked.sort()
    return Order(positions: ranked.map(\.position) + missing, valued: ranked.count)
  }
}
