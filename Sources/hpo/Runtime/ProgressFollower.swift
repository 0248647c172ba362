import ArgumentParser
import Foundation
import HPOClient
import HPOCore
import HPOWire

#if canImport(Glibc)
import Glibc
#endif

/// Prints the progress of one experiment as ``ExperimentFollower`` follows
/// it: on a terminal a live status line (done/running/failed, best so far,
/// trials per second, ETA) and the best configuration; otherwise a plain log
/// line when the counts changed, at most one a second but for the last.
struct ProgressFollower {
  let client: CoordinatorClient
  let experiment: String
  /// Asked before each poll: a reason to stop following (exit 3), or `nil`.
  var abortReason: () -> String? = { nil }

  /// Returns when the experiment has finished and its release stage has
  /// ended, with that stage's outcome; exit 3 when it was cancelled or failed,
  /// when the coordinator stops answering, or when the search finished without
  /// a release outcome (a coordinator started by `hpo` always runs the stage).
  /// ``exitCode(for:)`` turns the outcome into the command's exit code.
  @discardableResult
  func follow() throws -> ReleaseStatus? {
    let live = isatty(STDERR_FILENO) == 1
    var last = "", printed = "", lastPrint = ContinuousClock.now - .seconds(1)
    var follower = ExperimentFollower(client: client, experiment: experiment)
    follower.abortReason = abortReason
    let ending: ExperimentFollower.Ending
    do {
      ending = try follower.follow { s, workers in
        let line = Self.line(s, workers: workers)
        if live {
          FileHandleOutput.standardErrorRaw("\r\u{1B}[2K" + line)
        } else if line != printed, ContinuousClock.now - lastPrint >= .seconds(1) {
          FileHandleOutput.standardError(line)
          printed = line
          lastPrint = .now
        }
        last = line
      }
    } catch {
      if live { FileHandleOutput.standardErrorRaw("\n") }
      FileHandleOutput.standardError("error: \(error)")
      throw HPOExitCode.infrastructure
    }
    if live {
      FileHandleOutput.standardErrorRaw("\n")
    } else if last != printed {
      FileHandleOutput.standardError(last)
    }
    switch ending {
    case .finished(let s), .stopped(let s): print(Self.summary(s))
    }
    switch ExperimentFollower.verdict(ending) {
    case .passed, .gateFailed:
      guard case .finished(let s) = ending else { throw HPOExitCode.infrastructure }
      return s.release
    case .badInput(let why):
      FileHandleOutput.standardError("error: \(why)")
      throw HPOExitCode.badInput
    case .failed(let why):
      FileHandleOutput.standardError("error: \(why)")
      throw HPOExitCode.infrastructure
    }
  }

  /// `digits-mlp  23/40 done · 4 running · 0 failed · best 0.9611 (trial 17) · 2.3 trials/s · ETA 7 s`
  static func line(_ s: ExperimentStatus, workers: Int) -> String {
    let done = TrialState.allCases.filter(\.isFinished).reduce(0) { $0 + (s.counts[$1] ?? 0) }
    var parts = ["\(s.name)  \(done)/\(s.budget) done", "\(s.counts[.running] ?? 0) running", "\(s.counts[.failed] ?? 0) failed"]
    if let pruned = s.counts[.pruned], pruned > 0 { parts.append("\(pruned) pruned") }
    if let infeasible = s.counts[.infeasible], infeasible > 0 { parts.append("\(infeasible) infeasible") }
    if let best = s.bestValue, let trial = s.bestTrial { parts.append("best \(format(best)) (trial \(trial))") }
    if s.elapsedSeconds > 0, done > 0 {
      let rate = Double(done) / s.elapsedSeconds
      parts.append(String(format: "%.1f trials/s", rate))
      if done < s.budget, s.state == .running { parts.append("ETA \(Int((Double(s.budget - done) / rate).rounded())) s") }
    }
    parts.append("\(workers) workers")
    if let waiting = s.waiting { parts.append(waiting) }
    if let failure = s.failure { parts.append("failed: \(failure.message)") }
    switch s.release?.state {
    case nil: break
    case .running?: parts.append("release stage running")
    case .gateFailed?: parts.append("release: gate failed (\(s.release?.failedGates.joined(separator: ", ") ?? ""))")
    case let state?: parts.append("release: \(state.rawValue)")
    }
    return parts.joined(separator: " · ")
  }

  static func summary(_ s: ExperimentStatus) -> String {
    var lines = ["\(s.name): \(s.state.rawValue)"]
    if let best = s.bestValue, let trial = s.bestTrial, let config = s.bestConfiguration {
      lines.append("best: trial \(trial), value \(format(best))")
      lines.append("configuration: \(config)")
    } else {
      lines.append("no trial completed")
    }
    if let r = s.release {
      lines.append("release: \(r.state.rawValue.replacingOccurrences(of: "_", with: " ")): \(r.message)")
      if let report = r.report { lines.append("report: \(report)") }
    }
    return lines.joined(separator: "\n")
  }

  /// The exit code of `hpo run`/`hpo submit` for a release outcome: 0 passed
  /// (or skipped), 1 a gate failed, 3 the stage itself failed, did not end, or
  /// left no outcome.
  static func exitCode(for release: ReleaseStatus?) -> ExitCode {
    switch release?.state {
    case .passed?, .skipped?: return .success
    case .gateFailed?: return HPOExitCode.gateFailed
    case .error?, .running?, nil: return HPOExitCode.infrastructure
    }
  }

  static func format(_ x: Double) -> String { String(format: "%.6g", x) }
}
