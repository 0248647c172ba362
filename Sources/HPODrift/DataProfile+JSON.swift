import Foundation
import HPOCore

extension DataProfile {
  /// The file name inside a package.
  public static let fileName = "data-profile.json"

  /// The profile as pretty-printed JSON with sorted keys and a final newline:
  /// the same profile always gives the same bytes.
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    // Every number of a profile is finite (the CSV reader refuses columns
    // without values), so encoding cannot fail.
    guard let data = try? encoder.encode(self) else { preconditionFailure("a data profile holds only finite numbers") }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Reads what ``json()`` wrote, checking the format version and that the
  /// bins, levels and fractions agree.
  /// - Throws: ``DriftError`` `.badProfile` naming `file` and the problem.
  public init(json bytes: [UInt8], file: String) throws(DriftError) {
    let profile: DataProfile
    do {
      profile = try JSONDecoder().decode(DataProfile.self, from: Data(bytes))
    } catch let error as DecodingError {
      throw DriftError(.badProfile, file: file, message: "is not a data profile this build reads: \(Self.describe(error))")
    } catch {
      throw DriftError(.badProfile, file: file, message: "is not a data profile: \(error)")
    }
    guard profile.format == Self.formatVersion else {
      throw DriftError(
        .badProfile, file: file,
        message: "has profile format \(profile.format); this build reads format \(Self.formatVersion)")
    }
    if let problem = profile.inconsistency { throw DriftError(.badProfile, file: file, message: problem) }
    self = profile
  }

  /// Reads the profile file at `path`.
  public init(contentsOf path: String) throws(DriftError) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DriftError(.unreadable, file: path, message: "cannot be read; expected a data profile (\(Self.fileName))")
    }
    try self.init(json: Array(data), file: path)
  }

  /// What makes a decoded profile unusable, or nil.
  var inconsistency: String? {
    guard !features.isEmpty else { return "has no features" }
    guard Set(featureNames).count == features.count else { return "repeats a feature name" }
    for f in features {
      switch f.kind {
      case .numeric:
        guard let edges = f.binEdges, let sample = f.ksSample, f.levels == nil else {
          return "feature \"\(f.name)\": a numeric feature needs \"bin_edges\" and \"ks_sample\" and no \"levels\""
        }
        guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }), f.fractions.count == edges.count + 2 else {
          return "feature \"\(f.name)\": \"bin_edges\" must ascend and \"fractions\" have one entry per bin plus one for missing values"
        }
        guard zip(sample, sample.dropFirst()).allSatisfy({ $0 <= $1 }) else {
          return "feature \"\(f.name)\": \"ks_sample\" must be sorted"
        }
      case .categorical:
        guard let levels = f.levels, f.binEdges == nil, f.ksSample == nil else {
          return "feature \"\(f.name)\": a categorical feature needs \"levels\" and no \"bin_edges\" or \"ks_sample\""
        }
        guard zip(levels, levels.dropFirst()).allSatisfy({ $0 < $1 }), f.fractions.count == levels.count + 2 else {
          return "feature \"\(f.name)\": \"levels\" must ascend and \"fractions\" have one entry per level plus unseen and missing"
        }
      }
      guard f.fractions.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        return "feature \"\(f.name)\": every fraction must be a positive number"
      }
    }
    if label.task == .classification, (label.classes?.count ?? 0) < 2 {
      return "a classification profile needs at least two class names in \"label.classes\""
    }
    return nil
  }

  static func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return p.isEmpty ? "the document" : String(p.drop(while: { $0 == "." }))
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "\(path(context)): field \"\(key.stringValue)\" is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      return "\(path(context)): \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }
}
