import ArgumentParser
import Foundation
import HPOCore
import HPOModels
import HPODrift
import HPORelease

extension HPOCommand {
  /// `hpo predict --package DIR --data FILE.csv [--output FILE]`: predictions
  /// of a package's model, after its checksums and the input's schema are checked.
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Predict with a packaged model.",
      // Written out because --data is an optional property (the hidden --input may
      // stand in for it) but a required flag.
      usage: "hpo predict --package <package> --data <file> [--output <output>]",
      discussion: """
        Verifies every file SHA256SUMS lists in the package (a missing or changed file: exit 2, \
        nothing written), checks the input's header and every cell against data-profile.json \
        (columns by name, in any order; the label column may be there and is ignored), then \
        writes a CSV with a 'prediction' column and, for classification, one 'p_<class>' \
        probability column per class, one row per input row. The output file is written \
        atomically; without --output the table goes to standard output.

        The package of a command experiment (command.json, no model.hpoc) is predicted by its \
        own code: after the same checksums, its command.json must have a "predict" command and \
        the input's header must name every feature column of data-profile.json when the package \
        has one (exit 2 otherwise, nothing run). The command runs in a fresh folder holding the \
        package's code, with HPO_DATA (the input's absolute path), HPO_OUTPUT (where it must write \
        its predictions), HPO_CHECKPOINT_DIR (the winner's checkpoint), HPO_PARAMS and HPO_SEED; \
        its output goes to standard error. When it exits 0 having written HPO_OUTPUT, that file \
        is renamed to --output (or copied to standard output); when it fails or writes nothing: \
        exit 3, nothing written.
        """)

    @Option(help: "The package directory (model.hpoc or command.json, data-profile.json, SHA256SUMS).")
    var package: String

    @Option(help: ArgumentHelp("The CSV file to predict (header row); required.", valueName: "file"))
    var data: String?

    // The previous release's spelling of --data; kept one release because scripts call it.
    @Option(help: .hidden)
    var input: String?

    @Option(help: "Where to write the predictions (default: standard output).")
    var output: String?

    func validate() throws {
      try DeprecatedFlag.check(input == nil ? [] : ["--input"], new: data != nil, "--data")
      guard data != nil || input != nil else {
        throw ValidationError("Missing expected argument '--data <file>': the CSV file to predict")
      }
    }

    func run() throws {
      // validate() has made sure one of them is there.
      guard let data = data ?? input else { throw HPOExitCode.badInput }
      if CommandPackage.isCommandPackage(directory: package) {
        try predictWithCommand(data: data)
        return
      }
      let packaged: PackagedModel
      let rows: ProfiledInput
      do {
        packaged = try PackagedModel(directory: package)
        rows = try ProfiledInput.read(path: data, profile: packaged.profile, unknownLevels: .reject)
      } catch {
        FileHandleOutput.standardError(error.description)
        throw HPOExitCode.badInput
      }
      guard let checkpoint = packaged.checkpoint else { throw HPOExitCode.infrastructure }
      let prediction: Prediction
      do {
        // The data in the precision the model was trained on, as workers read it.
        prediction = checkpoint.precision == .float32
          ? try checkpoint.predict(rows.dataset(profile: packaged.profile, as: Float.self))
          : try checkpoint.predict(rows.dataset(profile: packaged.profile, as: Double.self))
      } catch {
        FileHandleOutput.standardError("\(package)/\(PackagedModel.modelFileName): \(error.message)")
        throw HPOExitCode.infrastructure
      }
      let table = PredictionTable.csv(prediction, classes: packaged.profile.label.classes)
      guard let output else {
        FileHandle.standardOutput.write(Data(table.utf8))
        return
      }
      do {
        try AtomicFile.write(table, to: output)
      } catch {
        FileHandleOutput.standardError("\(output): cannot write the predictions: \(error.reason)")
        throw HPOExitCode.infrastructure
      }
      FileHandleOutput.standardError("\(output): \(rows.rowCount) predictions")
    }
  }
}
