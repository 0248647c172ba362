import ArgumentParser
import Foundation
import HPOCore
import HPOData

extension HPOCommand.DataCommand {
  /// `hpo data inspect FILE [--label COL]`: validates a CSV file and prints the
  /// report and per-column statistics, or every problem found (exit 2).
  struct DataInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "inspect",
      abstract: "Validate a CSV file and print its report and per-column statistics.",
      discussion: """
        The task is inferred from the labels unless --task is given: classification when they are \
        exactly the integers 0..K-1. Exit 2 with the errors when the data cannot be used. Writes nothing.
        """)

    @Argument(help: "The CSV file (header row, numeric columns).")
    var file: String

    @Option(help: "The label column's name (default: the last column).")
    var label: String?

    @Option(help: "classification or regression (default: inferred).")
    var task: String?

    @Option(help: "Missing values: reject, mean, median or drop.")
    var missing: String = "reject"

    @Option(help: "Parse features as float32 or float64.")
    var dtype: String = "float64"

    @Flag(help: "Only read the file, then print the time taken and the peak memory (for benchmarks).")
    var timing = false

    func validate() throws {
      if let task, LearningTask(rawValue: task) == nil {
        throw ValidationError("--task must be classification or regression, not '\(task)'")
      }
      if MissingPolicy(rawValue: missing) == nil {
        throw ValidationError("--missing must be reject, mean, median or drop, not '\(missing)'")
      }
      if DataType(rawValue: dtype) == nil {
        throw ValidationError("--dtype must be float32 or float64, not '\(dtype)'")
      }
    }

    func run() throws {
      let options = CSVReadOptions(
        label: label, task: task.flatMap(LearningTask.init(rawValue:)),
        missing: MissingPolicy(rawValue: missing) ?? .reject)
      if DataType(rawValue: dtype) == .float32 {
        try inspect(options, as: Float.self)
      } else {
        try inspect(options, as: Double.self)
      }
    }

    private func inspect<S: DataScalar>(_ options: CSVReadOptions, as type: S.Type) throws {
      let start = ContinuousClock.now
      let loaded: LoadedData<S>
      do {
        loaded = try CSVReader.read(path: file, options: options, as: S.self)
      } catch {
        FileHandleOutput.standardError(error.description)
        throw HPOExitCode.badInput
      }
      let elapsed = ContinuousClock.now - start
      if timing {
        let seconds = elapsed.seconds
        let d = loaded.dataset
        print(DataInspectTable.timingLine(
          file: file, rows: d.rowCount, columns: d.featureCount + 1, dtype: dtype, seconds: seconds))
        return
      }
      print(loaded.report.text)
      print(DataInspectTable.render(loaded.dataset), terminator: "")
    }
  }
}
