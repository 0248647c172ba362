import ArgumentParser

extension HPOCommand {
  /// `hpo data …`: look at and prepare datasets.
  struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "data",
      abstract: "Check datasets before anything trains on them.",
      subcommands: [DataInspect.self])
  }
}
