import ArgumentParser
import Foundation
import HPOCore
import HPODrift
import HPORelease
import HPOReports

extension HPOExitCode {
  /// `hpo drift`: nothing drifted, but the new data has too few rows for the
  /// stated power; neither "drift" nor "no drift" can be said.
  static let inconclusive = ExitCode(4)
}

extension HPOCommand {
  /// `hpo drift --package DIR --data FILE.csv`: compares new data with a
  /// package's training data profile (exit 0 no drift, 1 drift, 2 bad input,
  /// 4 inconclusive); `hpo drift profile EXPERIMENT.json` writes such a profile.
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

  /// `hpo drift [check] --package DIR --data FILE.csv [--alpha A] [--min-effect E] [--format table|json] [--html FILE]`.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare new data with a package's training data, feature by feature.",
      discussion: """
        Verifies the package's checksums and the data's schema, then tests each feature: \
        Kolmogorov-Smirnov for numeric values (exact p-value up to 10,000 values a side), \
        chi-square or Fisher's exact test for categories (levels unseen in training counted and \
        named), a two-proportion test for the missing rate; and, when the package holds the \
        model's test-split outputs, the model's outputs on the new data. Holm's correction keeps \
        the chance of any false alarm at most --alpha; a test flags drift when its corrected \
        p-value is under --alpha and its effect size (KS or total-variation distance) over \
        --min-effect. Exit 0: no drift; 1: drift (a retraining trigger); 2: bad input; \
        4: inconclusive (too few rows to detect a 0.5 sd shift with 80% power). --html FILE also \
        writes a self-contained HTML page (the table, and reference-against-new histograms of the \
        drifted features) atomically, before the table is printed; the exit code is the same. \
        The package of a command experiment (command.json) is checked on its features only (its \
        model is not run); one without data-profile.json (an experiment without data) is exit 2.
        """)

    @Option(help: "The package directory (data-profile.json, SHA256SUMS).")
    var package: String

    @Option(help: ArgumentHelp("The new data (CSV with a header row; the label column is optional).", valueName: "file"))
    var data: String

    @Option(help: "The false-alarm rate: the chance of flagging any feature when nothing changed, in (0, 0.5].")
    var alpha: Double = DriftSettings.defaultAlpha

    @Option(name: .customLong("min-effect"), help: "The smallest effect that counts as drift (KS or total-variation distance), in [0, 1].")
    var minEffect: Double = DriftSettings.defaultMinEffect

    @Option(name: .customLong("psi-max"), help: ArgumentHelp("Replaced by --alpha and --min-effect; accepted with a warning until the next release.", visibility: .hidden))
    var psiMax: Double?

    @Option(name: .customLong("ks-max"), help: ArgumentHelp("Replaced by --alpha and --min-effect; accepted with a warning until the next release.", visibility: .hidden))
    var ksMax: Double?

    @Option(help: "table: one line per test, by evidence; json: one object (csv: not available).")
    var format: Format = .table

    @Option(help: ArgumentHelp(
      "Also write the report as a self-contained HTML page, with histograms of the drifted features (atomically).",
      valueName: "file"))
    var html: String?

    func validate() throws {
      try format.check("hpo drift", accepts: [.table, .json])
      if let html, let problem = Self.htmlPathProblem(html) { throw ValidationError("--html: \(problem)") }
      if let problem = DriftSettings.alphaProblem(alpha) { throw ValidationError("--alpha: \(problem)") }
      if let problem = DriftSettings.minEffectProblem(minEffect) { throw ValidationError("--min-effect: \(problem)") }
      if let psiMax, !(psiMax.isFinite && psiMax >= 0) {
        throw ValidationError("--psi-max: \(psiMax) is not accepted; accepted: a number ≥ 0 (and it is replaced by --alpha and --min-effect)")
      }
      if let ksMax, !(ksMax.isFinite && ksMax >= 0 && ksMax <= 1) {
        throw ValidationError("--ks-max: \(ksMax) is not accepted; accepted: a number from 0 to 1 (and it is replaced by --alpha and --min-effect)")
      }
    }

    func run() throws {
      for (flag, value) in [("--psi-max", psiMax), ("--ks-max", ksMax)] where value != nil {
        FileHandleOutput.standardError(
          "warning: \(flag) no longer decides anything (accepted until the next release): a feature drifts when a two-sample test's Holm-corrected p-value is under --alpha (\(alpha)) and its effect size over --min-effect (\(minEffect)); remove \(flag)")
      }
      // A command experiment's package has no model.hpoc: its features are checked, its model is not run.
      let command = CommandPackage.isCommandPackage(directory: package)
      if command, let problem = Self.commandPackageProblem(package) {
        FileHandleOutput.standardError(problem)
        throw HPOExitCode.badInput
      }
      let report: DriftReport
      do {
        let packaged = try PackagedModel(directory: package, model: !command)
        let input = try ProfiledInput.read(path: data, profile: packaged.profile, unknownLevels: .count)
        var predictions: DriftCheck.Predictions?
        var notes: [String] = []
        if command {
          notes.append("prediction drift not checked: the package's model is a command (\(PackagedCommand.fileName)), which hpo drift does not run")
        } else if let reference = packaged.testOutputs, let checkpoint = packaged.checkpoint {
          do {
            predictions = DriftCheck.Predictions(
              reference: reference, new: try ModelOutputs.predicting(checkpoint, input: input, profile: packaged.profile))
          } catch {
            notes.append("prediction drift not checked: the model cannot predict \(data): \(error.message)")
          }
        } else {
          notes.append("prediction drift not checked: the package has no \(ModelOutputs.fileName) (made before packages stored the model's test-split outputs)")
        }
        report = DriftCheck.compare(
          profile: packaged.profile, input: input, settings: DriftSettings(alpha: alpha, minEffect: minEffect),
          predictions: predictions, notes: notes)
      } catch {
        FileHandleOutput.standardError(error.description)
        throw HPOExitCode.badInput
      }
      if let html {
        // Written before anything is printed: a failed write leaves no half output behind.
        do {
          try AtomicFile.write(DriftPage.render(report.pageInput(data: data)), to: html)
        } catch {
          FileHandleOutput.standardError("\(html): cannot write the HTML report: \(error.reason)")
          throw HPOExitCode.infrastructure
        }
      }
      print(format == .json ? report.json() : report.table(), terminator: "")
      switch report.outcome {
      case .noDrift: return
      case .drift: throw HPOExitCode.gateFailed
      case .inconclusive: throw HPOExitCode.inconclusive
      }
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

extension HPOCommand.DriftCommand.Check {
  /// Why the package of a command experiment in `package` cannot be checked
  /// for drift, or nil: it must hold a data profile (an experiment with `data`).
  static func commandPackageProblem(_ package: String) -> String? {
    let profile = (package as NSString).appendingPathComponent(DataProfile.fileName)
    guard !FileManager.default.fileExists(atPath: profile) else { return nil }
    return "\(package): is the package of a command experiment without data (no \(DataProfile.fileName)): "
      + "drift compares new data with the training split's profile, which only an experiment with \"data\" has; nothing to compare with"
  }

  /// Why `path` cannot take the HTML page (a folder, or in a folder that does
  /// not exist), or nil; checked before the data is read.
  static func htmlPathProblem(_ path: String) -> String? {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      return "'\(path)' is a folder; accepted: a file path in an existing folder"
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
      return "'\(path)': the folder '\(folder)' does not exist; accepted: a file path in an existing folder"
    }
    return nil
  }
}
