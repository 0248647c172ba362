import ArgumentParser
import Foundation
import HPOClient
import HPOCore
import HPOWire

extension HPOCommand {
  /// `hpo logs EXPERIMENT TRIAL [--follow]`: a command trial's output.
  struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a command trial's output (standard output and error, as the coordinator kept them).",
      discussion: "The coordinator keeps each trial's output under output.dir/logs/ (4 MiB per trial at most).")

    @Argument(help: "The experiment.")
    var experiment: String

    @Argument(help: "The trial number.")
    var trial: Int

    @Flag(help: "Keep printing new output until the trial ends.")
    var follow = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
      guard trial >= 0 else { throw ValidationError("trial \(trial) must be a trial number ≥ 0") }
    }

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
