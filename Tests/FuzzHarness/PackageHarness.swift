import Foundation
import HPODrift
import HPOModels
import HPORelease

/// The package and registry readers, as `hpo predict`, `hpo drift` and
/// `hpo registry show` meet a package directory and a registry entry.
///
/// Input: byte 0 holds flags, the rest four parts cut at `\n~~~\n`:
/// `data-profile.json`, `model.hpoc`, the entry's `history.jsonl`, and
/// `SHA256SUMS`. Flags: bit 0 has the harness write a correct `SHA256SUMS`
/// for the first two instead of the fourth part (so the fuzzer gets past the
/// checksums); bit 1 has it seal the second part as a checkpoint payload of
/// format version 1 + bit 2 (magic, length, SHA-256); bit 3 reads the package
/// without its model (as `hpo drift` does). The package is `versions/1` of the
/// registry entry `m`, which `current` points at.
///
/// Properties: every reader throws or returns, never traps; the entry's
/// current version reads as 1; an accepted package's model fits its profile
/// and predicts two rows without trapping.
enum PackageHarness {
  static func run(_ bytes: [UInt8], in scratch: URL) -> FuzzTarget.Outcome {
    guard let flags = bytes.first else { return .refused("empty input") }
    let part = parts(bytes.dropFirst(), limit: 4)
    let model = flags & 2 != 0 ? CheckpointHarness.sealed(version: 1 + (flags >> 2 & 1), payload: part[1]) : part[1]
    var files = [DataProfile.fileName: part[0], PackagedModel.modelFileName: model]
    files[PackageChecksums.fileName] = flags & 1 != 0 ? Array(PackageChecksums.text(for: files).utf8) : part[3]

    let root = scratch.appendingPathComponent("registry", isDirectory: true)
    let entry = root.appendingPathComponent("m", isDirectory: true)
    let package = entry.appendingPathComponent("versions/1", isDirectory: true)
    let link = entry.appendingPathComponent("current").path
    // Laid out once per scratch folder; the link's absence is the sign.
    if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil {
      makeDirectory(package)
      do {
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "versions/1")
      } catch {
        fatalError("fuzz harness: cannot create \(link): \(error)")
      }
    }
    for (name, bytes) in files { writeScratch(bytes, to: package.appendingPathComponent(name)) }
    writeScratch(part[2], to: entry.appendingPathComponent("history.jsonl"))

    let registry = Registry(root: root.path)
    let names: [String]
    do { names = try registry.names() } catch {
      // A registry may refuse a directory it cannot read; refusing, with the reason, is an answer.
      return .refused("\(error)")
    }
    guard names == ["m"] else { return .violated("the registry lists \(names), not [m]") }
    do {
      let current = try registry.entry("m")?.current
      guard current == 1 else { return .violated("the entry's current version reads as \(current.map(String.init) ?? "none"), not 1") }
    } catch {
      // A registry may refuse an entry whose history it cannot read; refusing is an answer.
      _ = "\(error)"
    }

    let packaged: PackagedModel
    do {
      packaged = try PackagedModel(directory: package.path, model: flags & 8 == 0)
    } catch {
      return .refused(error.description)
    }
    guard let checkpoint = packaged.checkpoint else { return .accepted }
    guard checkpoint.inputFeatureCount == packaged.profile.features.count else {
      return .violated("an accepted model reads \(checkpoint.inputFeatureCount) features, its profile has \(packaged.profile.features.count)")
    }
    return CheckpointHarness.predictTwoRows(checkpoint)
  }
}
