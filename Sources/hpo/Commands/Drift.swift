import ArgumentParser
import Foundation
import HPOCore
import HPODrift
import HPORelease

extension HPOCommand {
  /// `hpo drift --package DIR --data FILE.csv`: compares new data with a
  /// package's training data profile (exit 0 no drift, 1 drift, 2 bad input);
  /// `hpo drift profile EXPERIMENT.json` writes such a profile.
  struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "drift",
      abstract: "Check new data for drift against a package's training data, or write a data profile.",
      subcommands: [Check.self, Profile.self],
      defaultSubcommand: Check.self)
  }
}

extension HPOCommand.DriftCommand {
  /// The output formats of `hpo drift`: table or json (csv is refused by `validate()`).
  typealias Format = OutputFormat

  /// `hpo drift [check] --package DIR --data FILE.csv [--psi-max X] [--ks-max X] [--format table|json]`.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare new data with a package's training data, feature by feature.",
      discussion: """
        Verifies the package's checksums and the data's schema, then computes per feature the \
        population stability index (10 quantile bins of the training data, plus missing values; \
        categorical features: their levels, plus unseen levels and missing values) and the \
        Kolmogorov-Smirnov statistic with its asymptotic p-value (numeric features). Exit 0: no \
        feature over a threshold; 1: drift (a retraining trigger); 2: bad input.
        """)

    @Option(help: "The package directory (data-profile.json, SHA256SUMS).")
    var package: String

    @Option(help: ArgumentHelp("The new data (CSV with a header row; the label column is optional).", valueName: "file"))
    var data: String

    @Option(name: .customLong("psi-max"), help: "A feature drifts when its PSI is above this.")
    var psiMax: Double = 0.2

    @Option(name: .customLong("ks-max"), help: "A numeric feature drifts when its KS statistic is above this.")
    var ksMax: Double = 0.1

    @Option(help: "table: one line per feature; json: one object (csv: not available).")
    var format: Format = .table

    func validate() throws {
      try format.check("hpo drift", accepts: [.table, .json])
      guard psiMax.isFinite, psiMax >= 0 else {
        throw ValidationError("--psi-max: \(psiMax) is not accepted; accepted: a number ≥ 0")
      }
      guard ksMax.isFinite, ksMax >= 0, ksMax <= 1 else {
        throw ValidationError("--ks-max: \(ksMax) is not accepted; accepted: a number from 0 to 1")
      }
    }

    func run() throws {
      let report: DriftReport
      do {
        let packaged = try PackagedModel(directory: package, model: false)
        let input = try ProfiledInput.read(path: data, profile: packaged.profile, unknownLevels: .count)
        report = DriftCheck.compare(
          profile: packaged.profile, input: input, thresholds: DriftCheck.Thresholds(psiMax: psiMax, ksMax: ksMax))
      } catch {
        FileHandleOutput.standardError(error.description)
        throw HPOExitCode.badInput
      }
      print(format == .json ? report.json() : report.table(), terminator: "")
      if report.hasDrift { throw HPOExitCode.gateFailed }
    }
  }

  /// `hpo drift profile EXPERIMENT.json [--output FILE]`.
  struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the data profile of an experiment's training split.",
      discussion: """
        Reads the experiment's data, splits it with the spec's seed (the split every worker \
        uses) and writes the training split's profile (data-profile.json, as packages hold it) \
        atomically to --output, or to standard output.
        """)

    @Argument(help: "The experiment file (JSON).")
    var experiment: String

    @Option(help: "Where to write the profile (default: standard output).")
    var output: String?

    func run() throws {
      let loaded = try loadExperiment(experiment)
      guard let data = loaded.spec.data, let url = loaded.dataURL else {
        FileHandleOutput.standardError("\(experiment): this experiment has no data (model \"\(loaded.spec.model.kind.rawValue)\"); a profile describes a data set")
        throw HPOExitCode.badInput
      }
      let text: String
      do {
        text = try DataProfile.make(spec: data, dataPath: url.path).json()
      } catch {
        FileHandleOutput.standardError(error.description)
        throw HPOExitCode.badInput
      }
      guard let output else {
        print(text, terminator: "")
        return
      }
      do {
        try AtomicFile.write(text, to: output)
      } catch {
        FileHandleOutput.standardError("\(output): cannot write the profile: \(error.reason)")
        throw HPOExitCode.infrastructure
      }
    }
  }
}
