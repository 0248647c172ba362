import ArgumentParser
import Foundation
import HPOClient
import HPOCore
import HPOWire

extension HPOCommand {
  /// `hpo logs EXPERIMENT TRIAL [--follow]`: a command trial's output, or
  /// that of the release stage's `evaluate` command (`winner`, `champion`).
  struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a command trial's output (standard output and error, as the coordinator kept them).",
      discussion: """
        The coordinator keeps each trial's output under output.dir/logs/ (4 MiB per trial at most). \
        'winner' or 'champion' instead of a trial number prints the output of the release stage's \
        evaluate command of that model (output.dir/logs/evaluate-winner.log, evaluate-champion.log).
        """)

    @Argument(help: "The experiment.")
    var experiment: String

    @Argument(help: ArgumentHelp("A trial number, or winner / champion (the release stage's evaluate command).", valueName: "trial"))
    var target: LogTarget

    var trial: Int { target.number }

    @Flag(help: "Keep printing new output until the trial ends.")
    var follow = false

    @OptionGroup var connection: ConnectionOptions


    func run() throws {
      let client = try connect(connection)
      var offset = 0
      while true {
        let reply = try ask { try client.log(of: experiment, trial: trial, offset: offset) }
        if let error = reply.error {
          FileHandleOutput.standardError("error: \(error)")
          throw HPOExitCode.badInput
        }
        if !reply.text.isEmpty {
          FileHandle.standardOutput.write(Data(reply.text.utf8))
        }
        let more = reply.next > offset
        offset = reply.next
        if more { continue }
        if !follow || reply.finished { return }
        Thread.sleep(forTimeInterval: 0.5)
      }
    }
  }
}

/// What `hpo logs` prints: a trial's output, or an `evaluate` command's.
struct LogTarget: ExpressibleByArgument {
  /// The trial number, or the evaluate command's key number (``EvaluationRole/keyNumber``).
  var number: Int

  init?(argument: String) {
    if let role = EvaluationRole(rawValue: argument) {
      number = role.keyNumber
    } else if let n = Int(argument), n >= 0 {
      number = n
    } else {
      return nil
    }
  }
}
