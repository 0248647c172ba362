import ArgumentParser
import Foundation
import HPOWire

extension HPOCommand {
  /// `hpo status`: every experiment the coordinator serves.
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the experiments of a coordinator and their progress.")

    @Argument(help: "One experiment (default: all).")
    var experiment: String?

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
      let client = try connect(connection)
      let reply = try ask(client, .statusRequest(StatusRequest(experiment: experiment))) { m -> StatusReply? in
        if case .status(let s) = m { return s }
        return nil
      }
      if let experiment, reply.experiments.isEmpty {
        FileHandleOutput.standardError("error: the coordinator has no experiment named \(experiment)")
        throw HPOExitCode.badInput
      }
      print("\(reply.workers) workers connected")
      for s in reply.experiments {
        print("\(s.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(ProgressFollower.line(s, workers: reply.workers))")
      }
    }
  }

  /// `hpo cancel EXPERIMENT`.
  struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel an experiment: no new trials; running ones stop at their next report.")

    @Argument(help: "The experiment to cancel.")
    var experiment: String

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
      let client = try connect(connection)
      let reply = try ask(client, .cancel(CancelRequest(experiment: experiment))) { m -> SubmitReply? in
        if case .submitted(let r) = m { return r }
        return nil
      }
      guard reply.accepted else {
        FileHandleOutput.standardError("error: \(reply.message)")
        throw HPOExitCode.badInput
      }
      print(reply.message)
    }
  }
}
