import ArgumentParser

/// The exit codes of every `hpo` command, stable for CI pipelines.
enum HPOExitCode {
  /// A release gate failed: the model is not released.
  static let gateFailed = ExitCode(1)
  /// The experiment file, the data or the arguments are wrong; nothing was written.
  static let badInput = ExitCode(2)
  /// Something outside the input failed (network, disk, a crashed process).
  static let infrastructure = ExitCode(3)
}
