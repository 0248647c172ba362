import ArgumentParser
import HPOZeroMQ

extension HPOCommand {
  /// `hpo keys`: CURVE key pairs for coordinators, workers and clients.
  struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make CURVE key pairs that secure the coordinator's connections.",
      subcommands: [Generate.self])
  }
}

extension HPOCommand.Keys {
  /// `hpo keys generate DIR [--name NAME] [--force]`.
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a new CURVE key pair: DIR/NAME.key (secret, mode 0600) and DIR/NAME.pub (public).",
      discussion: """
        Both files use ZeroMQ's certificate format: NAME.key holds the public-key and secret-key \
        lines, NAME.pub only the public-key line (each a 40-character Z85 key in quotes). Give \
        NAME.pub to peers: a coordinator's .pub goes to --curve-server-key of its workers and \
        clients; a worker's or client's .pub goes into the coordinator's --authorized-keys folder. \
        Never copy NAME.key anywhere but to the machine that uses it. Existing files are not \
        replaced unless --force. Exit codes: 0 written, 2 a file exists or bad arguments, 3 the \
        files could not be written.
        """)

    @Argument(help: "Folder to write the key files into (created with mode 0700 if missing).")
    var directory: String

    @Option(help: "Base name of the two files: NAME.key and NAME.pub.")
    var name = "hpo"

    @Flag(help: "Replace existing key files (peers holding the old public key will be refused).")
    var force = false

    func validate() throws {
      let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
      guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
        throw ValidationError("--name '\(name)' is not a file name; accepted: letters, digits, '.', '_' and '-', not starting with '.'")
      }
    }

    func run() throws {
      do {
        let pair = try ZeroMQCurveKeyPair.generate()
        let paths = try ZeroMQCurveKeyFile.write(pair, directory: directory, name: name, force: force)
        print("wrote \(paths.secret) (secret key, mode 0600)")
        print("wrote \(paths.public) (public key \(pair.publicKey))")
      } catch let error as ZeroMQKeyFileError {
        FileHandleOutput.standardError("error: \(error)")
        throw error.code == .writeFailed ? HPOExitCode.infrastructure : HPOExitCode.badInput
      } catch {
        FileHandleOutput.standardError("error: cannot make a key pair: \(error)")
        throw HPOExitCode.infrastructure
      }
    }
  }
}
