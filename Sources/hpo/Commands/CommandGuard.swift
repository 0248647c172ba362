import ArgumentParser
import HPOSupervisor

extension HPOCommand {
  /// `hpo command-guard --lifeline-fd N --executable PATH -- ARGV…` (hidden):
  /// what a worker runs between itself and a command trial's program, so the
  /// program's process group dies with the worker. Not for people: see
  /// `HPOSupervisor.CommandGuard`.
  struct GuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "command-guard",
      abstract: "Run a command trial's program and end its process group with the worker (used by workers).",
      shouldDisplay: false)

    @Option(name: .customLong("lifeline-fd"), help: "The read end of the worker's lifeline pipe.")
    var lifelineFD: Int32

    @Option(help: "The program to run (an absolute path).")
    var executable: String

    @Argument(parsing: .postTerminator, help: "The program's arguments, its name first.")
    var arguments: [String]

    func validate() throws {
      guard lifelineFD >= 0 else { throw ValidationError("--lifeline-fd must be a descriptor (>= 0), got \(lifelineFD)") }
    }

    func run() throws {
      CommandGuard.run(lifeline: lifelineFD, executable: executable, arguments: arguments)
    }
  }
}
