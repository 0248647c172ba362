import HPOCore
import HPOWire

/// A coordinator twin for client tests: each request is answered, in order,
/// by `answer` (no answer when it returns an empty list). Single-threaded.
final class ScriptedCoordinator: ClientTransport {
  var answer: (WireMessage) -> [Result<WireMessage, WireDecodingError>]
  private(set) var sent: [WireMessage] = []
  private var inbox: [Result<WireMessage, WireDecodingError>] = []

  init(_ answer: @escaping (WireMessage) -> [Result<WireMessage, WireDecodingError>]) {
    self.answer = answer
  }

  func send(_ message: WireMessage) throws {
    sent.append(message)
    inbox += answer(message)
  }

  func receive(timeout: Duration) throws -> Result<WireMessage, WireDecodingError>? {
    guard !inbox.isEmpty else { return nil }
    return inbox.removeFirst()
  }

  /// A status of `name` in `state` with `done` complete trials of 4.
  static func status(_ name: String, _ state: ExperimentState, done: Int, release: ReleaseStatus? = nil) -> ExperimentStatus {
    ExperimentStatus(
      name: name, state: state, budget: 4, counts: [.complete: done, .running: state == .running ? 1 : 0],
      bestValue: done > 0 ? 0.5 : nil, bestTrial: done > 0 ? 0 : nil, bestConfiguration: nil, elapsedSeconds: 1,
      release: release)
  }
}
