import Foundation
import HPOCore

/// A worker's slots as permits: a trial holds as many as it takes
/// (`resources.slots_per_trial`), taken all at once when enough are free, in
/// the order the slots asked (first come, first served: a trial that needs
/// many is not overtaken for ever by trials that need one). Idle slots hold
/// none. Thread-safe.
final class SlotPermits: @unchecked Sendable {
  // @unchecked: every field is used under `condition`'s lock.
  private let condition = NSCondition()
  private var free: Int
  private var nextTicket = 0
  private var serving = 0

  init(_ count: Int) { free = count }

  /// Waits until `count` permits are free and it is this caller's turn, then takes them.
  /// - Throws: ``TrialRunError`` of kind ``TrialRunError/Kind/interrupted`` when `stop` is raised while waiting.
  func acquire(_ count: Int, stop: StopSignal) throws {
    condition.lock()
    defer { condition.unlock() }
    let ticket = nextTicket
    nextTicket += 1
    while ticket != serving || free < count {
      if stop.isRaised {
        // Give the turn on: the caller hands its trial back instead.
        if ticket == serving { serving += 1 } else { abandoned.insert(ticket) }
        condition.broadcast()
        throw TrialRunError("stopped while waiting for \(count) free slots", kind: .interrupted)
      }
      _ = condition.wait(until: Date().addingTimeInterval(0.1))
      while abandoned.remove(serving) != nil { serving += 1 }
    }
    free -= count
    serving += 1
    while abandoned.remove(serving) != nil { serving += 1 }
    condition.broadcast()
  }

  /// Gives back `count` permits.
  func release(_ count: Int) {
    condition.lock()
    free += count
    condition.broadcast()
    condition.unlock()
  }

  /// Tickets whose callers stopped waiting before their turn.
  private var abandoned: Set<Int> = []
}
