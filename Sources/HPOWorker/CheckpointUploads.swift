import Foundation
import HPOCore
import HPOData

/// Sends a command trial's checkpoint folder to the coordinator as a
/// ``FileBundle`` whenever its content changed since the last upload: before
/// each report and once more when the command finished. An empty folder is
/// never sent. The listing (paths, sizes, modification times) decides whether
/// it changed, so an unchanged folder costs one walk, not a read.
struct CheckpointUploads {
  let folder: URL
  let upload: @Sendable ([UInt8]) throws -> Void
  private var lastListing: [String]?
  private var lastSHA256: String?

  init(folder: URL, upload: @escaping @Sendable ([UInt8]) throws -> Void) {
    self.folder = folder
    self.upload = upload
  }

  /// Packs and sends the folder if it changed.
  /// - Throws: ``TrialRunError`` when it cannot be packed (a link out of it, over 256 MiB), or what `upload` throws.
  mutating func uploadIfChanged() throws {
    let listing = Self.listing(folder)
    guard !listing.isEmpty, listing != lastListing else { return }
    let bundle: FileBundle
    do { bundle = try FileBundle.pack(directory: folder.path) } catch {
      throw TrialRunError("cannot send the checkpoint in HPO_CHECKPOINT_DIR: \(error)")
    }
    lastListing = listing
    guard bundle.sha256 != lastSHA256 else { return }
    try upload(bundle.encoded)
    lastSHA256 = bundle.sha256
  }

  /// "path size mtime" of every file under `folder`, sorted.
  static func listing(_ folder: URL) -> [String] {
    guard let walker = FileManager.default.enumerator(
      at: folder, includingPropertiesForKeys: [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey])
    else { return [] }
    var lines: [String] = []
    for case let url as URL in walker {
      // A file that vanished between the listing and this look is simply not listed.
      guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]),
        values.isRegularFile == true
      else { continue }
      lines.append("\(url.path) \(values.fileSize ?? 0) \(values.contentModificationDate?.timeIntervalSince1970 ?? 0)")
    }
    return lines.sorted()
  }
}
