import ArgumentParser
import Foundation
import HPOClient
import HPOWire

extension HPOCommand {
  /// `hpo status`: every experiment the coordinator serves.
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the experiments of a coordinator (or of a store file) and their progress.")

    @Argument(help: "One experiment (default: all).")
    var experiment: String?

    @OptionGroup var offline: StoreReadOptions

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
      let reply: StatusReply
      if let store = try offline.open() {
        reply = try ask { try store.status(of: experiment) }
        print("store \(store.store.path) (read-only)")
      } else {
        let client = try connect(connection)
        reply = try ask { try client.status(of: experiment) }
        print("\(reply.workers) workers connected")
      }
      for s in reply.experiments {
        print("\(s.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(ProgressFollower.line(s, workers: reply.workers))")
        for (number, members) in (s.gangs ?? [:]).sorted(by: { $0.key < $1.key }) {
          print("          trial \(number) on a gang: \(TrialTable.gang(members))")
        }
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
      let reply = try ask { try client.cancel(experiment) }
      guard reply.accepted else {
        FileHandleOutput.standardError("error: \(reply.message)")
        throw HPOExitCode.badInput
      }
      print(reply.message)
    }
  }
}
