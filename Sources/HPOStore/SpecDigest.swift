import Foundation
import HPOCore

/// The canonical text of an experiment spec and its hash, as the store records them.
///
/// Canonical means `JSONEncoder` with `.sortedKeys` (and nothing else), so equal specs give
/// equal bytes and equal hashes; the coordinator compares ``sha256(of:)`` with
/// ``StoredExperiment/specSHA256`` to tell whether a resumed experiment's file changed.
public enum SpecDigest {
  /// The spec as canonical JSON text.
  public static func canonicalJSON(of spec: ExperimentSpec) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(spec), as: UTF8.self)
  }

  /// SHA-256 of ``canonicalJSON(of:)``, 64 lowercase hex digits.
  public static func sha256(of spec: ExperimentSpec) throws -> String {
    SHA256Hex.of(Array(try canonicalJSON(of: spec).utf8))
  }
}
