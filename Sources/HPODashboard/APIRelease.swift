import Foundation
import HPOCore
import HPOStore

/// The answer of `GET /api/experiments/{name}/release`: what the store records of the
/// experiment's release stage (its status, failed gates, message, report and package paths),
/// and what the files it names hold: each gate with its value, threshold and decision, the
/// champion comparison and the winner from `result.json` beside the report, the package's
/// checksums from its `SHA256SUMS`. A file that cannot be read (a store copied without its
/// output folder) is named in `unreadable` with the reason; the rest is still answered.
struct APIRelease: Encodable {
  /// `none` (no release stage owed), `pending` (owed or running), `done` (its outcome recorded).
  enum Stage: String, Encodable, Sendable {
    case none, pending, done

    init(_ record: ReleaseStageRecord?) {
      switch record {
      case nil: self = .none
      case .pending: self = .pending
      case .done: self = .done
      }
    }
  }

  var experiment: String
  var stage: Stage
  /// `passed`, `gate_failed`, `error` or `skipped`; absent before the outcome.
  var status: String?
  var failedGates: [String]?
  var message: String?
  var report: String?
  var package: String?
  var recorded: Date?
  /// `result.json`'s gates, in its order.
  var gates: [ReleaseResultFile.Gate]?
  var champion: ReleaseResultFile.Champion?
  var winner: ReleaseResultFile.Winner?
  /// The package's `SHA256SUMS`, line by line.
  var checksums: [Checksum]?
  /// Files named by the record that could not be read, each with why.
  var unreadable: [Unreadable]

  struct Checksum: Encodable, Equatable {
    var file: String
    var sha256: String
  }

  struct Unreadable: Encodable, Equatable {
    var file: String
    var reason: String
  }

  init(experiment: StoredExperiment, release: StoredRelease?) {
    self.experiment = experiment.name
    unreadable = []
    guard let release else {
      stage = Stage(experiment.releaseStage) == .done ? .pending : Stage(experiment.releaseStage)
      return
    }
    stage = .done
    status = release.status.rawValue
    failedGates = release.failedGates
    message = release.message
    report = release.report
    package = release.package
    recorded = release.recordedAt
    if let report = release.report {
      let file = URL(fileURLWithPath: report).deletingLastPathComponent().appendingPathComponent("result.json").path
      do {
        let result = try ReleaseResultFile.read(file)
        gates = result.gates
        champion = result.champion
        winner = result.winner
      } catch {
        unreadable.append(Unreadable(file: file, reason: "\(error)"))
      }
    }
    if let package = release.package {
      let file = URL(fileURLWithPath: package).appendingPathComponent("SHA256SUMS").path
      do {
        checksums = try Self.checksums(file)
      } catch {
        unreadable.append(Unreadable(file: file, reason: "\(error)"))
      }
    }
  }

  /// The lines `HASH  NAME` of a `sha256sum` file.
  static func checksums(_ path: String) throws -> [Checksum] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let parts = line.split(separator: " ", maxSplits: 1)
      guard parts.count == 2, parts[0].count == 64 else { throw ReleaseFileError("not a sha256sum line: \(line)") }
      return Checksum(file: parts[1].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "*", with: ""), sha256: String(parts[0]))
    }
  }
}

/// A release file that is not what the release stage writes.
struct ReleaseFileError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// The parts of `result.json` (format `hpo-release-result`, version 1, written by HPORelease)
/// the release panel shows, with its own field names.
struct ReleaseResultFile: Codable {
  var format: String
  var version: Int
  var gates: [Gate]
  var champion: Champion?
  var winner: Winner?

  struct Gate: Codable {
    var name: String
    /// `metric`, `gap`, `champion`, `stress`, `seed_stability`, `data`, `drift`, `onnx`, `pick`.
    var kind: String
    var passed: Bool
    var value: Double?
    var threshold: String
    var detail: String
  }

  struct Champion: Codable {
    var entry: String
    var version: String
    var metric: String
    var champion: Double?
    var winner: Double?
    var difference: Double?
    var mcnemar: McNemar?
    var bootstrap: Bootstrap?

    struct McNemar: Codable {
      var winner_only: Int
      var champion_only: Int
      var p_value: Double?
      var exact: Bool
    }

    struct Bootstrap: Codable {
      var estimate: Double?
      var low: Double?
      var high: Double?
      var resamples: Int
    }
  }

  struct Winner: Codable {
    var trial: Int?
    var seed: String?
    var origin: String?
    var validation: [String: Double?]?
    var test: [String: Double?]?
  }

  /// Reads and checks the file at `path`.
  static func read(_ path: String) throws -> ReleaseResultFile {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let result = try JSONDecoder().decode(ReleaseResultFile.self, from: data)
    guard result.format == "hpo-release-result", result.version == 1 else {
      throw ReleaseFileError("format \(result.format) version \(result.version); this dashboard reads hpo-release-result version 1")
    }
    return result
  }
}
