import Foundation
import HPOCore
import HPOWire

/// Follows one experiment until its search and its release stage (if the
/// coordinator runs one) have ended, polling its status.
public struct ExperimentFollower {
  /// How a followed experiment ended.
  public enum Ending: Sendable, Equatable {
    /// The search finished; `release` is its release stage's outcome, `nil`
    /// when the coordinator runs none.
    case finished(ExperimentStatus)
    /// Cancelled or failed.
    case stopped(ExperimentStatus)
  }

  /// Why following stopped before the experiment ended.
  public enum Failure: Error, Sendable, CustomStringConvertible {
    /// `abortReason` gave a reason.
    case aborted(String)
    /// The coordinator no longer lists the experiment.
    case forgotten(String)
    /// A status request failed.
    case client(ClientError)

    public var description: String {
      switch self {
      case .aborted(let reason): return reason
      case .forgotten(let name): return "the coordinator no longer knows \(name)"
      case .client(let e): return e.description
      }
    }
  }

  public let client: CoordinatorClient
  public let experiment: String
  /// Time between two status requests.
  public var interval: Duration = .milliseconds(500)
  /// Asked before each poll: a reason to stop following, or `nil`.
  public var abortReason: () -> String? = { nil }

  public init(client: CoordinatorClient, experiment: String) {
    self.client = client
    self.experiment = experiment
  }

  /// Polls until the experiment has ended, calling `update` with each status
  /// (and the number of connected workers).
  /// - Throws: ``Failure``.
  public func follow(_ update: (ExperimentStatus, Int) -> Void) throws(Failure) -> Ending {
    while true {
      if let reason = abortReason() { throw .aborted(reason) }
      let reply: StatusReply
      do {
        reply = try client.status(of: experiment)
      } catch ClientError.unknownExperiment {
        throw .forgotten(experiment)
      } catch let e as ClientError {
        throw .client(e)
      } catch {
        throw .client(.refused("\(error)"))
      }
      guard let s = reply.experiments.first else { throw .forgotten(experiment) }
      update(s, reply.workers)
      if s.state.isFinished, s.release?.isFinal ?? true {
        return s.state == .finished ? .finished(s) : .stopped(s)
      }
      Thread.sleep(forTimeInterval: interval.seconds)
    }
  }
}
