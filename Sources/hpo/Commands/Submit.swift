import ArgumentParser
import Foundation
import HPOClient
import HPOCore
import HPOWire

extension HPOCommand {
  /// `hpo submit`: hands an experiment to a running coordinator and follows it.
  struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Submit an experiment to a coordinator and follow its progress.",
      discussion: "Exit codes: 0 the experiment finished and its winner passed every release gate (packaged), 1 a release gate failed (see the report), 2 bad input (the experiment file, or a name that exists without --resume), 3 the coordinator did not answer, the experiment was cancelled or the release stage failed.")

    @Argument(help: "The experiment file (JSON).")
    var experiment: String

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Return once the coordinator has accepted the experiment.")
    var detach = false

    @Flag(help: "Continue an experiment of the same name and spec instead of refusing it.")
    var resume = false

    func run() throws {
      let loaded = try loadExperiment(experiment)
      let client = try connect(connection)
      let reply = try ask { try client.submit(loaded.spec, baseDirectory: loaded.baseDirectory.path, resume: resume) }
      guard reply.accepted else {
        FileHandleOutput.standardError("error: \(reply.message)")
        throw HPOExitCode.badInput
      }
      FileHandleOutput.standardError(reply.message)
      if detach { return }
      let release = try ProgressFollower(client: client, experiment: loaded.spec.name).follow()
      let code = ProgressFollower.exitCode(for: release)
      if code != .success { throw code }
    }
  }
}

/// A client of the coordinator (with CURVE when keys are given), or exit 2
/// for a bad key file and 3 for anything else, with the reason.
func connect(_ options: ConnectionOptions) throws -> CoordinatorClient {
  let security = try options.keys.load()
  do { return try ClientConnection.client(options, security: security) } catch {
    FileHandleOutput.standardError("error: cannot connect to \(options.endpoint): \(error)")
    throw HPOExitCode.infrastructure
  }
}

/// One request of a client command: its reply, or the error printed and the
/// exit code: 2 for an experiment the coordinator does not know, 3 otherwise
/// (no answer, a refusal, a failed handshake).
func ask<T>(_ request: () throws -> T) throws -> T {
  do { return try request() } catch {
    FileHandleOutput.standardError("error: \(error)")
    if let e = error as? ClientError, e.isUnknownExperiment { throw HPOExitCode.badInput }
    throw HPOExitCode.infrastructure
  }
}
