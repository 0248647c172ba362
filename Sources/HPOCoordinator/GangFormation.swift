import HPOCore
import HPOWire

/// A gang trial while its members gather, and once it runs.
///
/// Rank 0 is the slot whose ask leased the trial (it holds the lease, reports
/// the epochs and the result); each later member is a slot of another worker
/// process, given the next rank. The gang starts when every member has
/// joined (``GangJoin``: bound its peer socket) before ``deadline``.
struct GangFormation {
  struct Member {
    /// The member's worker slot.
    var workerID: String
    /// Its worker process (see ``GangFormation/process(of:)``).
    var process: String
    var peer: PeerID
    /// Where it listens for its ring predecessor, once joined.
    var address: String?
    var publicKey: String?
  }

  /// The trial attempt the gang runs.
  var key: TrialKey
  /// The number of members it needs.
  var size: Int
  /// The assignment every member gets, without its ``GangRole``.
  var assignment: TrialAssignment
  /// Members by rank, as they came.
  var members: [Member]
  /// When an incomplete gang is given up, on the monotonic clock (``CoordinatorTime/monotonic``).
  var deadline: Duration

  /// Whether every member has come and joined.
  var isComplete: Bool { members.count == size && members.allSatisfy { $0.address != nil } }

  /// The assignment of the member at `rank`, with its share of the data:
  /// training shards `rank`, `rank + size`, `rank + 2·size`, … (fixed for the
  /// trial); the validation shard, the preprocessing and a resume checkpoint
  /// for every member (each keeps its rows of the validation shard: the
  /// members evaluate together).
  func assignment(rank: Int) -> TrialAssignment {
    Self.share(of: assignment, rank: rank, size: size)
  }

  /// `assignment` as the member at `rank` of a gang of `size` gets it (see ``assignment(rank:)``).
  static func share(of assignment: TrialAssignment, rank: Int, size: Int) -> TrialAssignment {
    var a = assignment
    a.gang = GangRole(rank: rank, size: size)
    var trainIndex = 0
    a.shards = []
    for shard in assignment.shards {
      switch shard.role {
      case .train:
        if trainIndex % size == rank { a.shards.append(shard) }
        trainIndex += 1
      default:
        a.shards.append(shard)
      }
    }
    return a
  }

  /// The worker process of a slot: a slot's id is its worker's id, `-`, and
  /// the slot's index (see `WorkerService.Options.workerID`).
  static func process(of workerID: String) -> String {
    guard let dash = workerID.lastIndex(of: "-"), workerID[workerID.index(after: dash)...].allSatisfy(\.isNumber),
      workerID.index(after: dash) < workerID.endIndex
    else { return workerID }
    return String(workerID[..<dash])
  }
}
