import HPOCore

/// Why the store refused an operation. Every message names the store file, what went wrong and
/// what to do about it, so it can be shown to a user as is.
///
/// Errors thrown by ``ExperimentStore/apply(_:at:)`` roll the whole batch back: nothing of it
/// was written. A late message from a worker whose lease was lost is *not* an error; it comes
/// back as ``ChangeOutcome/stale(_:)``.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The store file (`:memory:` for an in-memory store).
  public var path: String
  public var kind: Kind

  public init(path: String, kind: Kind) {
    self.path = path
    self.kind = kind
  }

  public enum Kind: Sendable, Equatable {
    /// Another process (or another open store in this process) holds the store's lock file.
    /// `holder` is what the lock file says about it ("pid 4242, hpo 0.1.0"), when readable.
    case locked(lockFile: String, holder: String?)
    /// The file or its lock file could not be created or opened (`reason` from the system).
    case cannotOpen(reason: String)
    /// The file exists but is not an hpo store (not SQLite, or another application's database).
    case notAStore(reason: String)
    /// The store was written by a newer hpo whose schema this one cannot read.
    case newerSchema(schema: Int, writtenBy: String, supportedSchema: Int, thisVersion: String)
    /// Opened read-only, a store of an older schema that would first need migrating.
    case olderSchema(schema: Int, supportedSchema: Int)
    /// `createExperiment` with a name that is already in the store.
    case duplicateExperiment(name: String)
    /// A change or read names an experiment that is not in the store.
    case unknownExperiment(name: String)
    /// A change names a trial that is not in the store.
    case unknownTrial(TrialID)
    /// `insertTrial` with a number that is not the next one (numbers are 0, 1, 2, … per experiment).
    case trialNumberNotDense(TrialID, expected: Int)
    /// A coordinator decision the trial's current state does not allow (leasing a trial that
    /// is not pending, failing a finished trial, a lease attempt that skips a number).
    case invalidTransition(TrialID, change: String, state: TrialState, detail: String)
    /// A change whose arguments break a documented precondition (empty worker id, negative
    /// step, malformed SHA-256, …).
    case invalidChange(change: String, reason: String)
    /// A row could not be decoded (a configuration or metrics JSON that does not parse).
    case corruptRecord(what: String, reason: String)
    /// The store was closed by ``ExperimentStore/close()``.
    case closed
    /// SQLite failed (an I/O error, …); `message` is SQLite's.
    case database(operation: String, message: String)
    /// The disk holding the store is full: `mountPoint` is its file system's mount point
    /// and `freeBytes` what is left there (each `nil` when it cannot be found out).
    case diskFull(operation: String, mountPoint: String?, freeBytes: Int64?)
    /// The store file was deleted while this process wrote it.
    case fileDeleted
    /// The store's path names another file than the one this process opened.
    case fileReplaced
    /// The store file shrank while this process wrote it (from `from` to `to` bytes).
    case fileTruncated(from: Int64, to: Int64)
  }

  public var description: String {
    switch kind {
    case .locked(let lockFile, let holder):
      let who = holder.map { " (\($0))" } ?? ""
      return "store \(path) is in use by another coordinator\(who), which holds \(lockFile); "
        + "stop that coordinator, or give this one another --store (a store has a single writer)"
    case .cannotOpen(let reason):
      return "store \(path) cannot be opened: \(reason); check that its directory exists and is writable"
    case .notAStore(let reason):
      return "\(path) is not an hpo experiment store (\(reason)); give the path of a store, or a new file name"
    case .newerSchema(let schema, let writtenBy, let supported, let this):
      return "store \(path) was written by hpo \(writtenBy) (schema \(schema)); "
        + "this hpo (\(this)) reads schema ≤ \(supported); upgrade hpo"
    case .olderSchema(let schema, let supported):
      return "store \(path) has schema \(schema), from an older hpo; this hpo reads schema \(supported) and migrates "
        + "a store only when it writes it: open it once with `hpo coordinator --store \(path)`, or read it with the hpo that wrote it"
    case .duplicateExperiment(let name):
      return "store \(path) already has an experiment named \"\(name)\"; "
        + "resume it, or give the new experiment another name"
    case .unknownExperiment(let name):
      return "store \(path) has no experiment named \"\(name)\"; `hpo status` lists the experiments"
    case .unknownTrial(let trial):
      return "store \(path) has no \(trial); insert the trial before changing it"
    case .trialNumberNotDense(let trial, let expected):
      return "store \(path): cannot insert \(trial): trial numbers are dense, the next one is \(expected)"
    case .invalidTransition(let trial, let change, let state, let detail):
      return "store \(path): \(change) of \(trial) refused: the trial is \(state.rawValue)\(detail.isEmpty ? "" : "; \(detail)")"
    case .invalidChange(let change, let reason):
      return "store \(path): \(change) refused: \(reason)"
    case .corruptRecord(let what, let reason):
      return "store \(path): \(what) cannot be read (\(reason)); the file was changed outside hpo or is damaged"
    case .closed:
      return "store \(path) is closed; open it again to use it"
    case .database(let operation, let message):
      return "store \(path): \(operation) failed: \(message); check free disk space and the file's permissions"
    case .diskFull(let operation, let mountPoint, let freeBytes):
      let disk = mountPoint.map { "the file system mounted at \($0) " } ?? "its file system "
      let free = freeBytes.map { "has \($0) bytes free" } ?? "has no room"
      return "store \(path): \(operation) failed: the disk is full (\(disk)\(free)); nothing of that batch was written "
        + "and every result acknowledged before is in the store: free space there, then start the coordinator "
        + "on this store again (hpo run: --resume)"
    case .fileDeleted:
      return "store \(path) was deleted while this coordinator was writing it; stopping, so that no result goes "
        + "into a file nobody can read; restore the file from a copy, or start over with a new store"
    case .fileReplaced:
      return "store \(path) was replaced by another file while this coordinator was writing it; stopping, "
        + "so that neither file is damaged; put the original back, or start the coordinator on the new one"
    case .fileTruncated(let from, let to):
      return "store \(path) was truncated (from \(from) to \(to) bytes) while this coordinator was writing it; "
        + "stopping before a checkpoint writes into the damaged file; restore it from a copy"
    }
  }
}
