import Foundation
import HPOCore
import HPOData
import HPOWire
import Logging

/// Runs `command` trials: the user's own training program, in any language.
///
/// For each trial it makes a fresh directory under ``trialsRoot`` holding
/// symbolic links to the experiment's workdir files (unpacked once per worker
/// from the `.code` shard, by its hash, read-only), `train.csv` and
/// `validation.csv` (links to the cached `.trainCSV`/`.validationCSV`
/// shards), `params.json` and an empty `checkpoint/` folder; runs `train` there
/// through ``CommandProcess`` with the environment of the protocol
/// (README, "Your own training code"); forwards each report to the
/// coordinator and its decision back; and maps the command's end to the
/// trial's: complete, pruned, infeasible, retried or failed (with the last
/// 4 KB of standard error). The trial's directory is removed afterwards.
///
/// An assignment with ``TrialAssignment/evaluation`` set is a release
/// stage's task instead: it runs `evaluate` (not `train`) with
/// `HPO_CHECKPOINT_DIR` holding the `.candidate` checkpoint, `HPO_TEST` the
/// `.testCSV` split and `HPO_EVALUATING` the role; its reports are answered
/// "continue" here and never sent, and nothing is uploaded.
public struct CommandRunner: TrialRunner {
  /// Where per-trial directories, unpacked code and the Python client live.
  public let root: URL
  /// The `hpo` executable run as each command's guard (see `hpo command-guard`).
  public let guardExecutable: String?
  /// How long a command has to exit after "stop" before SIGTERM.
  public var stopGrace: Duration
  let logger: Logger

  public init(root: URL, guardExecutable: String?, stopGrace: Duration = .seconds(10), logger: Logger = Logger(label: "hpo.worker")) {
    self.root = root
    self.guardExecutable = guardExecutable
    self.stopGrace = stopGrace
    self.logger = logger
  }

  public func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool
  ) throws -> TrialRun {
    try run(assignment, shardFiles: shardFiles, report: report, context: TrialContext())
  }

  public func run(
    _ a: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool, context: TrialContext
  ) throws -> TrialRun {
    let output = context.output
    guard let command = a.model.command else { throw TrialRunError("the assignment of a command trial has no model.command") }
    let arguments: [String]
    if let role = a.evaluation {
      guard let evaluate = command.evaluate else {
        throw TrialRunError("the \(role.rawValue)'s evaluation has no evaluate command (model.evaluate)")
      }
      arguments = evaluate
    } else {
      arguments = command.train
    }
    let trial = try prepareTrial(a, command: command, shardFiles: shardFiles)
    defer { removeTrialDirectory(trial.directory) }
    let launch = CommandLaunch(
      arguments: arguments, environment: trial.environment, workingDirectory: trial.directory.path,
      timeout: command.timeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) },
      stopGrace: stopGrace, guardExecutable: guardExecutable)
    var epochs = 0
    var uploads = CheckpointUploads(folder: trial.checkpoint, upload: context.uploadCheckpoint)
    let result: CommandResult
    do {
      // The process calls `decide` only while `run` runs, on this thread.
      result = try withoutActuallyEscaping(report) { report in
        try CommandProcess(launch).run(
          stop: context.stop,
          decide: { epoch, metrics in
            epochs = max(epochs, epoch)
            // An evaluate command's reports are its test metrics: nothing to decide, nothing to upload.
            guard a.evaluation == nil else { return false }
            // The checkpoint written before this report reaches the coordinator before the report.
            try uploads.uploadIfChanged()
            return try report(epoch, metrics)
          },
          output: { stream, bytes in output(stream == .standardOutput ? .stdout : .stderr, Array(bytes)) },
          malformed: { line in
            logger.warning("malformed @@hpo line", metadata: ["trial": "\(a.key)", "line": "\(line.line)", "reason": "\(line.reason)"])
            output(.stderr, Array("[hpo: ignored a malformed protocol line (\(line.reason)): \(line.line)]\n".utf8))
          })
      }
    } catch let error as CommandError {
      throw TrialRunError("\(error)")
    }
    let tail = result.standardErrorTail.isEmpty ? nil : result.standardErrorTail
    switch result.outcome {
    case .finished:
      if a.evaluation == nil { try uploads.uploadIfChanged() }
      let metrics = result.finalMetrics ?? result.lastReport?.metrics ?? [:]
      return TrialRun(metrics: metrics, epochs: result.lastReport?.epoch ?? epochs, stopped: false)
    case .pruned:
      return TrialRun(metrics: result.lastReport?.metrics ?? [:], epochs: result.lastReport?.epoch ?? epochs, stopped: true)
    case .retry:
      throw TrialRunError("the command asked to be retried (exit 75)", kind: .retry, output: tail)
    case .infeasible(let reason):
      throw TrialRunError(reason, kind: .infeasible, output: tail)
    case .timedOut(let after):
      throw TrialRunError("timed out after \(after.seconds) s (model.timeout)", output: tail)
    case .cancelled(let reason):
      throw TrialRunError("stopped: \(reason)", kind: .interrupted, output: tail)
    case .failed(let reason):
      let last = Self.lastLine(result.standardErrorTail).map { ": \($0)" } ?? ""
      throw TrialRunError("\(reason)\(last)", output: tail)
    }
  }

  /// The last non-empty line of `text`, at most 300 characters.
  static func lastLine(_ text: String) -> String? {
    text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map { String($0.prefix(300)) }
  }
}
