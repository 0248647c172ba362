import HPOCore
import HPOStore

/// The dashboard's ``TrialTable`` of each experiment asked for, kept up to date with the store:
/// before answering, it asks the store's `PRAGMA data_version` (a few microseconds), and only
/// when another connection (the coordinator) committed since does it read the trials that may
/// have changed — those after the last held and those that were pending or running — and
/// re-sorts a column only when one of its keys changed. The first page of an experiment reads
/// every trial's keys once (0.7–0.9 s at 100,000 trials on a busy 2-core machine, release build).
///
/// **Threads.** `Sendable`; one lock around the tables: pages are answered one at a time
/// (they take microseconds to milliseconds once the table is held).
final class TrialTables: Sendable {
  private struct Held {
    var table: TrialTable
    var dataVersion: Int
  }

  private let store: ExperimentStore
  private let held = Locked<[String: Held]>([:])

  init(store: ExperimentStore) {
    self.store = store
  }

  /// A page of the experiment `name` (its space's parameters `parameters`): the trials as rows
  /// (no reports or final metrics), in order, and how many pass `filter`.
  /// - Throws: `StoreError` (`.unknownExperiment` when there is none of that name).
  func page(
    of name: String, parameters: [String], column: TrialTable.Column, descending: Bool,
    filter: TrialFilter?, offset: Int, limit: Int
  ) throws(StoreError) -> TrialPage {
    let (experimentID, total, numbers) = try held.withLock { held throws(StoreError) -> (Int64, Int, [Int]) in
      let table = try current(name, parameters: parameters, in: &held)
      let (total, numbers) = table.page(column, descending: descending, filter: filter, offset: offset, limit: limit)
      return (table.experimentID, total, numbers)
    }
    // Read after the order was taken: a trial that finished in between shows its new state
    // in its old place until the next page.
    return TrialPage(total: total, trials: try store.trialRows(ofExperimentID: experimentID, numbers: numbers))
  }

  /// The table of `name`, brought up to date.
  private func current(_ name: String, parameters: [String], in held: inout [String: Held]) throws(StoreError) -> TrialTable {
    let version = try store.dataVersion()
    if let h = held[name], h.table.parameters == parameters {
      if h.dataVersion == version { return h.table }
      if let read = try store.trialSortKeys(of: name, parameters: parameters, changedSince: h.table.changes),
        h.table.apply(read)
      {
        held[name]?.dataVersion = version
        return h.table
      }
    }
    guard let read = try store.trialSortKeys(of: name, parameters: parameters) else {
      held[name] = nil
      throw StoreError(path: store.path, kind: .unknownExperiment(name: name))
    }
    let table = TrialTable(experimentID: read.experimentID, parameters: parameters)
    // A full read is one snapshot, so it fits a new table; were it not to, the table is read
    // again at the next page (no data version matches Int.min).
    held[name] = Held(table: table, dataVersion: table.apply(read) ? version : Int.min)
    return table
  }
}
