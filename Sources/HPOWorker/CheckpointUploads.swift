import Foundation
import HPOCore
import HPOData

/// A command trial's checkpoint folder packed into a bundle file, ready to be
/// sent (see ``TrialContext/uploadCheckpoint``).
public struct CheckpointFile: Sendable, Equatable {
  /// The bundle file.
  public var path: String
  /// Its size.
  public var bytes: Int
  /// Lower-case hex SHA-256 of the whole file.
  public var sha256: String

  public init(path: String, bytes: Int, sha256: String) {
    self.path = path
    self.bytes = bytes
    self.sha256 = sha256
  }
}

/// Sends a command trial's checkpoint folder to the coordinator as a
/// ``FileBundle`` whenever its content changed since the last upload: before
/// each report and once more when the command finished. An empty folder is
/// never sent. The listing (paths, sizes, modification times) decides whether
/// it changed, so an unchanged folder costs one walk, not a read.
///
/// The folder is packed into a bundle file next to it (``bundleFile``,
/// streaming: memory does not grow with the checkpoint), which `upload`
/// sends in chunks and which is deleted afterwards.
struct CheckpointUploads {
  let folder: URL
  /// Where each bundle is written before it is sent: beside the folder, not in it.
  let bundleFile: URL
  /// Sends a bundle file; true when the coordinator answered (it kept the
  /// checkpoint or refused it), false when it did not (sent again next time).
  let upload: @Sendable (CheckpointFile) throws -> Bool
  private var lastListing: [String]?
  private var lastSHA256: String?

  init(folder: URL, upload: @escaping @Sendable (CheckpointFile) throws -> Bool) {
    self.folder = folder
    self.bundleFile = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".bundle")
    self.upload = upload
  }

  /// Packs and sends the folder if it changed.
  /// - Throws: ``TrialRunError`` when it cannot be packed (a link out of it,
  ///   over 64 GiB, no space left for the bundle file), or what `upload` throws.
  mutating func uploadIfChanged() throws {
    let listing = Self.listing(folder)
    guard !listing.isEmpty, listing != lastListing else { return }
    let packed: FileBundle.PackedFile
    do { packed = try FileBundle.pack(directory: folder.path, toFile: bundleFile.path) } catch {
      throw TrialRunError("cannot send the checkpoint in HPO_CHECKPOINT_DIR: \(error)")
    }
    defer {
      // Disk space only: the next upload replaces the file, and the trial's directory goes when it ends.
      try? FileManager.default.removeItem(at: bundleFile)
    }
    if packed.sha256 != lastSHA256 {
      guard try upload(CheckpointFile(path: bundleFile.path, bytes: packed.bytes, sha256: packed.sha256)) else { return }
      lastSHA256 = packed.sha256
    }
    lastListing = listing
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
