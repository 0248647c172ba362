import ArgumentParser
import Foundation
import HPOClient
import HPOCore
import HPOWire

extension HPOCommand {
  /// `hpo trials EXPERIMENT --format table|csv|json`.
  struct Trials: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the trials of an experiment.")

    typealias Format = OutputFormat

    @Argument(help: "The experiment.")
    var experiment: String

    @Option(help: "Output format: table, csv or json.")
    var format: Format = .table

    @Option(help: "Show this trial alone, in full (with a failed command's standard error).")
    var trial: Int?

    @OptionGroup var offline: StoreReadOptions

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
      let trials: [TrialSummary]
      if let store = try offline.open() {
        trials = try ask { try store.trials(of: experiment) }
      } else {
        let client = try connect(connection)
        trials = try ask { try client.trials(of: experiment) }
      }
      guard let number = trial else {
        print(try TrialTable(trials: trials).render(format), terminator: "")
        return
      }
      guard let one = trials.first(where: { $0.number == number }) else {
        FileHandleOutput.standardError("error: --trial \(number): \(experiment) has no trial \(number) (it has \(trials.count): 0 to \(trials.count - 1))")
        throw HPOExitCode.badInput
      }
      print(format == .table ? TrialTable.detail(one) : try TrialTable(trials: [one]).render(format), terminator: "")
    }
  }
}

/// Renders trial summaries as a table, CSV (RFC 4180) or JSON lines.
struct TrialTable {
  let trials: [TrialSummary]

  /// One trial in full, one field per line; a failed command's standard error last.
  static func detail(_ t: TrialSummary) -> String {
    var lines = ["trial \(t.number): \(t.state.rawValue)"]
    if let value = t.value { lines.append("value: \(value)") }
    if let pareto = t.pareto { lines.append("pareto: \(pareto ? "yes, on the front" : "no, dominated or not complete")") }
    if let feasible = t.feasible { lines.append("feasible: \(feasible ? "yes" : "no, violates a constraint")") }
    for (name, v) in t.configuration.values.sorted(by: { $0.key < $1.key }) { lines.append("  \(name) = \(v)") }
    for (name, v) in t.metrics.sorted(by: { $0.key < $1.key }) { lines.append("metric \(name): \(v)") }
    lines.append("epochs: \(t.epochs)   attempts: \(t.attempts)   worker: \(t.worker ?? "-")")
    if let members = t.members { lines.append("gang: \(TrialTable.gang(members))") }
    if let reason = t.reason { lines.append("reason: \(reason)") }
    if let output = t.output, !output.isEmpty {
      lines.append("standard error (last 4 KB):")
      lines.append(output.hasSuffix("\n") ? String(output.dropLast()) : output)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A gang's members for people: `rank 0 w1-0 (tcp://10.0.0.1:40001), rank 1 …`.
  static func gang(_ members: [GangMember]) -> String {
    members.enumerated().map { "rank \($0.offset) \($0.element.workerID) (\($0.element.address))" }.joined(separator: ", ")
  }

  /// - Throws: for JSON, an encoding failure (never a trial silently left out).
  func render(_ format: HPOCommand.Trials.Format) throws -> String {
    let parameterNames = Array(Set(trials.flatMap { $0.configuration.values.keys })).sorted()
    let metricNames = Array(Set(trials.flatMap { $0.metrics.keys })).sorted()
    switch format {
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      // As on the wire: a diverged metric (inf, nan) is written, not a reason to fail.
      encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      return try trials.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
    case .csv, .table:
      // Several objectives add "pareto" (* on the front), constraints add "feasible".
      let showPareto = trials.contains { $0.pareto != nil }, showFeasible = trials.contains { $0.feasible != nil }
      let marks = (showPareto ? ["pareto"] : []) + (showFeasible ? ["feasible"] : [])
      let header = ["number", "state", "value"] + marks + parameterNames + metricNames.map { "metric:\($0)" } + ["epochs", "attempts", "worker", "reason"]
      let rows = trials.map { t -> [String] in
        var row: [String] = [String(t.number), t.state.rawValue, t.value.map(number) ?? ""]
        if showPareto { row.append(t.pareto == true ? "*" : "") }
        if showFeasible { row.append(t.feasible.map { $0 ? "yes" : "no" } ?? "") }
        for name in parameterNames { row.append(t.configuration[name]?.plainText ?? "") }
        for name in metricNames { row.append(t.metrics[name].map(number) ?? "") }
        row += [String(t.epochs), String(t.attempts), t.members.map { $0.map(\.workerID).joined(separator: "+") } ?? t.worker ?? "", t.reason ?? ""]
        return row
      }
      if format == .csv {
        return ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
      }
      let all = [header] + rows
      var widths = [Int](repeating: 0, count: header.count)
      for row in all { for c in row.indices { widths[c] = max(widths[c], row[c].count) } }
      var out = ""
      for row in all {
        var cells: [String] = []
        for c in row.indices { cells.append(c == row.count - 1 ? row[c] : row[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)) }
        out += cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
      }
      return out
    }
  }

  private func number(_ x: Double) -> String { String(format: "%.6g", x) }

  private func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
  }
}
