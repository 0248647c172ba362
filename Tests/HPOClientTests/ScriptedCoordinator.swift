import Foundation
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

  /// Like a ZeroMQ socket, refuses a negative timeout; waits out the timeout when there is nothing.
  func receive(timeout: Duration) throws -> Result<WireMessage, WireDecodingError>? {
    guard timeout >= .zero else { throw NegativeTimeout(timeout: timeout) }
    guard !inbox.isEmpty else {
      Thread.sleep(forTimeInterval: timeout.seconds)
      return nil
    }
    return inbox.removeFirst()
  }

  struct NegativeTimeout: Error { var timeout: Duration }

  /// A status of `name` in `state` with `done` complete trials of 4.
  static func status(_ name: String, _ state: ExperimentState, done: Int, release: ReleaseStatus? = nil) -> ExperimentStatus {
    ExperimentStatus(
      name: name, state: state, budget: 4, counts: [.complete: done, .running: state == .running ? 1 : 0],
      bestValue: done > 0 ? 0.5 : nil, bestTrial: done > 0 ? 0 : nil, bestConfiguration: nil, elapsedSeconds: 1,
      release: release)
  }
}
