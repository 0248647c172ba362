import HPOWire

/// One member's end of a gang: all-reduce, broadcast and barrier with the
/// other members, directly over a ``PeerTransport`` (ZeroMQ; the coordinator
/// is never on the data path).
///
/// **Topology.** Each member receives on its ``GangListener`` (an inbox)
/// and sends to its ring successor `rank + 1 mod size` (an outbox, where
/// nothing queues for a peer that is not connected). Every message carries the gang id, the sender's rank, the
/// collective's sequence number, the step and the chunk index; a message of
/// another gang, from a rank other than the ring predecessor, or of an earlier
/// collective is refused (dropped and counted in ``refusedMessages``).
///
/// **Contract.** Every member calls the same collectives in the same order
/// with buffers of the same length (the `root` of a broadcast the same on
/// all). A member that breaks it gets ``CollectiveError/Kind/mismatch``.
/// Each collective must finish within ``Gang/deadline`` from the moment it
/// is called on this member, on the monotonic clock; otherwise it throws
/// ``CollectiveError/Kind/deadlineExceeded`` naming the peer it blames (its
/// successor when sending blocks; when receiving, its predecessor, or the
/// rank an abort notice names, see Faults).
///
/// **Faults.** A dead or stalled member makes its neighbours throw naming
/// it. A member that gives up (deadline, mismatch) sends its successor an
/// abort notice naming the rank it blames (best effort, never blocking); a
/// member that receives one blames that rank and passes the notice on, so
/// members further along the ring name the culprit, not the neighbour that
/// stopped sending because it was itself waiting. For that a member waiting
/// to receive needs its data ``abortGrace`` before the deadline, and spends
/// the rest listening for notices: every collective returns or throws within
/// its deadline. After any error the communicator is broken and every later
/// call rethrows it.
///
/// **Not thread-safe**: one owner thread, like its sockets.
public final class GangCommunicator {
  public let gang: Gang
  let listener: GangListener
  /// The outbox to ``Gang/nextRank``; `nil` for a gang of one.
  let sender: (any PeerOutbox)?
  /// The sequence number of the collective running or next to run.
  var sequence: UInt64 = 0
  /// The first error; once set, every call rethrows it.
  var failure: CollectiveError?
  let gangIDBytes: [UInt8]
  /// The largest message a member sends: header, gang id and a chunk or notice.
  let maxMessageBytes: Int
  /// Messages dropped as not this gang's, not from the predecessor, or stale.
  public internal(set) var refusedMessages = 0
  /// How this gang's all-reduces travel: chosen by all members together at
  /// the first ``allReduceSum(_:)`` (see ``GangPath``).
  public internal(set) var path: GangPath = .undecided
  /// The shared memory all-reduces go through when ``path`` is `.sharedMemory`.
  var reducer: SharedMemoryReducer?

  /// Takes over `listener` and connects to the ring successor. Returns at
  /// once: the connection completes in the background, and the first
  /// collective waits for it within its deadline.
  /// - Throws: ``CollectiveError`` `.invalidGang` (see ``Gang/validate()``,
  ///   a listener of another gang or rank, or a transport whose public key
  ///   is not this rank's in the gang's security), `.transport` naming the
  ///   successor's address. The listener is closed when this throws.
  public init(gang: Gang, listener: GangListener) throws(CollectiveError) {
    do throws(CollectiveError) {
      try gang.validate()
      guard listener.gangID == gang.id, listener.rank == gang.rank else {
        throw CollectiveError(
          .invalidGang, operation: "gang", gang: gang,
          message: "the listener is gang \(listener.gangID)'s rank \(listener.rank), not gang \(gang.id)'s rank \(gang.rank)")
      }
      if let security = gang.security, security.publicKeys[gang.rank] != listener.transport.publicKey {
        throw CollectiveError(
          .invalidGang, operation: "gang", gang: gang,
          message: "security.publicKeys[\(gang.rank)] is not this member's public key (\(listener.transport.publicKey ?? "it has no key pair"))")
      }
      // A listener bound before the members were known admits them now.
      if let security = gang.security, listener.admitsLater { try listener.admit(security) }
    } catch {
      listener.close()
      throw error
    }
    self.gang = gang
    self.listener = listener
    gangIDBytes = Array(gang.id.utf8)
    maxMessageBytes = CollectiveHeader.byteCount + 255 + max(gang.chunkBytes, Self.maxNoticeBytes)
    guard gang.size > 1 else {
      sender = nil
      return
    }
    let next = gang.addresses[gang.nextRank]
    do throws(PeerTransportError) {
      sender = try listener.transport.connect(
        to: next, serverPublicKey: gang.security?.publicKeys[gang.nextRank], linger: gang.deadline)
    } catch {
      listener.close()
      throw CollectiveError(.transport, operation: "gang", gang: gang, peer: gang.nextRank, message: error.message)
    }
  }

  /// Closes both sockets. Messages already sent keep being delivered for at
  /// most one deadline (the sender's linger) unless a collective failed, in
  /// which case they are dropped. Idempotent; later collectives throw `.closed`.
  public func close() {
    // A broken gang: nothing queued is worth delivering.
    let broken = failure != nil
    if !broken {
      failure = CollectiveError(.closed, operation: "close", gang: gang, message: "the communicator is closed")
    }
    sender?.close(discardingQueued: broken)
    listener.close()
    reducer?.segment.close()
    reducer = nil
  }

  deinit {
    close()
  }
}

@available(*, unavailable, message: "its sockets are not thread-safe; keep one owner")
extension GangCommunicator: Sendable {}
