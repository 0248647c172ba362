import ArgumentParser
import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// The root of the `hpo` command tree. Each subcommand lives in its own file
/// under Commands/ and hands its work to a library module.
@main
struct HPOCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hpo",
    abstract: "Distributed training and hyperparameter search.",
    discussion: """
      Exit codes: 0 success, 1 a release gate failed, 2 bad input (experiment, data or \
      arguments), 3 infrastructure failure.
      """,
    version: HPOVersion.current,
    subcommands: [
      Validate.self, Run.self, Coordinator.self, Worker.self, Submit.self, Status.self, Trials.self, Logs.self, Cancel.self,
      DataCommand.self, Bench.self, Train.self, Evaluate.self, RegistryCommand.self, Predict.self, DriftCommand.self,
      Keys.self, Dashboard.self, GuardCommand.self,
    ])

  /// Runs the command tree, mapping argument errors to exit code 2 (bad input)
  /// instead of ArgumentParser's 64, so every kind of bad input exits alike.
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        FileHandleOutput.standardError(fullMessage(for: error))
        Glibc.exit(HPOExitCode.badInput.rawValue)
      }
      exit(withError: error)
    }
  }
}
