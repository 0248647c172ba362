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

  /// What the end of a followed experiment means for a pipeline; the `hpo`
  /// commands turn it into their exit code (0, 1, 2, 3 in this order).
  public enum Verdict: Sendable, Equatable {
    /// Finished, and its release stage passed (or was skipped).
    case passed
    /// Finished, and a release gate failed (the names are in the release status).
    case gateFailed
    /// Ended by bad input found after the submission was accepted (its data): the reason.
    case badInput(String)
    /// Anything else that is not a release: the stage failed, its outcome is
    /// missing, the experiment was cancelled or failed. The reason, for people.
    case failed(String)
  }

  /// The verdict on `ending`. With `expectsRelease` (a coordinator started
  /// by `hpo`, which always runs the release stage) a finished search without
  /// a release outcome is a failure, never a pass.
  public static func verdict(_ ending: Ending, expectsRelease: Bool = true) -> Verdict {
    switch ending {
    case .stopped(let s):
      if let failure = s.failure {
        return failure.cause.isBadInput ? .badInput(failure.message) : .failed(failure.message)
      }
      return .failed("\(s.name) was \(s.state.rawValue)")
    case .finished(let s):
      guard let release = s.release else {
        return expectsRelease
          ? .failed("\(s.name) finished but the coordinator reported no release outcome; nothing was evaluated or packaged")
          : .passed
      }
      switch release.state {
      case .passed, .skipped: return .passed
      case .gateFailed: return .gateFailed
      case .error: return .failed("the release stage of \(s.name) failed: \(release.message)")
      case .running: return .failed("the release stage of \(s.name) has not ended")
      }
    }
  }

  /// Why following stopped before the experiment ended.
  public enum Failure: Error, Sendable, CustomStringConvertible {
    /// `abortReason` gave a reason.
    case aborted(String)
    /// The coordinator no longer lists the experiment.
    case forgotten(String)
    /// A status request failed.
    case client(ClientError)
    /// A status request failed after the search had finished and while its
    /// release stage had not ended: the stage was interrupted (its outcome is
    /// unknown here; a coordinator restarted on the same store runs it again).
    case releaseInterrupted(experiment: String, ClientError)

    public var description: String {
      switch self {
      case .aborted(let reason): return reason
      case .forgotten(let name): return "the coordinator no longer knows \(name)"
      case .client(let e): return e.description
      case .releaseInterrupted(let name, let e):
        return "the release stage of \(name) was interrupted (\(e)); a coordinator started again on the same store runs it again (hpo coordinator --store FILE, or hpo run --resume)"
      }
    }
  }

  public let client: CoordinatorClient
  public let experiment: String
  /// Time between two status requests while the end is far: each one makes
  /// the coordinator summarise every trial.
  public var interval: Duration = .milliseconds(500)
  /// Time between two status requests in the first two seconds and near the
  /// end — every trial left is running, or the search has finished and its
  /// release stage runs — so that a run's end is seen within a tenth of a
  /// second.
  public var endInterval: Duration = .milliseconds(100)
  /// Asked before each poll and every 100 ms while a poll awaits its reply: a
  /// reason to stop following, or `nil`. A coordinator that died with a
  /// request in flight is so noticed at once, not after the client's timeout.
  public var abortReason: () -> String? = { nil }

  public init(client: CoordinatorClient, experiment: String) {
    self.client = client
    self.experiment = experiment
  }

  /// Polls until the experiment has ended, calling `update` with each status
  /// (and the number of connected workers).
  /// - Throws: ``Failure``.
  public func follow(_ update: (ExperimentStatus, Int) -> Void) throws(Failure) -> Ending {
    var releasePending = false
    let started = ContinuousClock.now
    while true {
      if let reason = abortReason() { throw .aborted(reason) }
      let reply: StatusReply
      do {
        reply = try client.status(of: experiment, abortReason: abortReason)
      } catch ClientError.unknownExperiment {
        throw .forgotten(experiment)
      } catch ClientError.aborted(let reason) {
        throw .aborted(reason)
      } catch let e as ClientError {
        throw releasePending ? .releaseInterrupted(experiment: experiment, e) : .client(e)
      } catch {
        throw .client(.refused("\(error)"))
      }
      guard let s = reply.experiments.first else { throw .forgotten(experiment) }
      releasePending = s.state == .finished && !(s.release?.isFinal ?? false)
      update(s, reply.workers)
      if s.state.isFinished, s.release?.isFinal ?? true {
        return s.state == .finished ? .finished(s) : .stopped(s)
      }
      let early = ContinuousClock.now - started < .seconds(2)
      Thread.sleep(forTimeInterval: (early || Self.nearTheEnd(s) ? endInterval : interval).seconds)
    }
  }

  /// Whether every trial left to run is running, or the search has finished.
  static func nearTheEnd(_ s: ExperimentStatus) -> Bool {
    let finished = TrialState.allCases.filter(\.isFinished).reduce(0) { $0 + (s.counts[$1] ?? 0) }
    return s.state.isFinished || finished + (s.counts[.running] ?? 0) >= s.budget
  }
}
