import Foundation
import Synchronization

/// Work that must not run on the coordinator's dispatch loop (reading and
/// sharding a CSV, the release stage), run on a thread of its own.
///
/// The loop starts it and polls ``result`` on each tick; the work itself
/// touches neither the coordinator's state nor the store (it gets its inputs
/// as values and returns its outcome), so the coordinator stays the store's
/// single writer. A job cannot be cancelled: a coordinator that stops with a
/// job running leaves it to the process exit, and a restart starts it again
/// (which is why preparation and release are idempotent).
final class BackgroundJob<Value: Sendable>: Sendable {
  private let outcome = Mutex<Result<Value, any Error>?>(nil)

  /// Starts `work` on a new thread named `name` (8 MiB stack, as the
  /// training and evaluation code needs).
  init(name: String, _ work: @escaping @Sendable () throws -> Value) {
    let thread = Thread { [self] in
      let result = Result { try work() }
      outcome.locked { $0 = result }
    }
    thread.name = name
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// What the work returned or threw, once it has ended; `nil` while it runs.
  var result: Result<Value, any Error>? { outcome.locked { $0 } }

  /// Whether the work is still running.
  var isRunning: Bool { result == nil }
}
