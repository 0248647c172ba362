import ArgumentParser
import HPOCore

extension HPOCommand {
  /// `hpo validate EXPERIMENT.json`: checks an experiment file in full and
  /// prints its summary, or every problem found (exit 2).
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check an experiment file and print its summary.",
      discussion: "Paths inside the experiment are relative to the experiment file. Writes nothing.")

    @Argument(help: "The experiment file (JSON).")
    var experiment: String

    func run() throws {
      let loaded = try loadExperiment(experiment)
      print(ExperimentSummary(loaded).text, terminator: "")
    }
  }
}
