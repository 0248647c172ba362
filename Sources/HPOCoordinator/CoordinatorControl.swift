import HPOCore
import HPOWire

/// Control requests made inside the coordinator's process — the cancel button of the
/// dashboard it serves — handed to its run loop, which handles them between two batches of
/// messages exactly as the same request from a client (`hpo cancel`) and answers the same way.
/// The run loop is the coordinator's only thread touching its state, so nothing else is locked.
///
/// Give one to ``CoordinatorService/control`` and to whatever asks (the composition root
/// passes it to the dashboard behind a protocol the dashboard declares).
///
/// **Threads.** `Sendable`: ask from any task; the answer comes within one turn of the loop
/// (at most its tick, 100 ms, while idle).
public final class CoordinatorControl: Sendable {
  /// A request waiting for the loop, and how to answer it.
  struct Pending: Sendable {
    var id: Int
    var request: CancelRequest
    var answer: CheckedContinuation<SubmitReply?, Never>
  }

  private let state = Locked<(next: Int, waiting: [Pending])>((0, []))

  public init() {}

  /// Cancels `experiment` as `hpo cancel` does: its reply (accepted, or refused saying why:
  /// no such experiment, already ended), or `nil` when the run loop did not take the request
  /// within `timeout` (the coordinator stopped or is stopping).
  public func cancel(_ experiment: String, timeout: Duration = .seconds(5)) async -> SubmitReply? {
    await withCheckedContinuation { (answer: CheckedContinuation<SubmitReply?, Never>) in
      let id = state.withLock { s in
        s.next += 1
        s.waiting.append(Pending(id: s.next, request: CancelRequest(experiment: experiment), answer: answer))
        return s.next
      }
      Task {
        // Cancellation only ends the wait early; the request is then answered nil as on a timeout.
        try? await Task.sleep(for: timeout)
        let expired = state.withLock { s -> Pending? in
          guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
          return s.waiting.remove(at: i)
        }
        expired?.answer.resume(returning: nil)
      }
    }
  }

  /// The run loop's side: every request waiting, taken out (each must be answered once).
  func take() -> [Pending] {
    state.withLock { s in
      defer { s.waiting = [] }
      return s.waiting
    }
  }
}
