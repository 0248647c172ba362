import Foundation
import HPOCore

#if canImport(Glibc)
import Glibc
#endif

extension FileBundle {
  /// Reads `bytes` (see ``init(decoding:)``) and unpacks them into the
  /// folder `directory`; returns the bundle's files.
  /// - Throws: ``FileBundleError``: the reading errors, or `.writeFailed`.
  @discardableResult
  public static func unpack(_ bytes: [UInt8], into directory: String) throws(FileBundleError) -> [Entry] {
    let bundle = try FileBundle(decoding: bytes)
    try bundle.unpack(into: directory)
    return bundle.entries
  }

  /// Writes the files into the folder `directory`, which must not exist yet
  /// (its parent is created if needed), all or nothing: they go to a
  /// temporary sibling folder (`.NAME.tmp-PID-N`, see
  /// `AtomicFile.temporaryName(for:)`), each written and flushed, which is
  /// then renamed to `directory`. A concurrent reader sees no folder or the
  /// whole one. When `directory` already exists (another slot or worker
  /// sharing the cache unpacked the same bundle first) it is left as it is
  /// and the call succeeds: callers name the folder by the bundle's SHA-256.
  ///
  /// Files are written read-only (0444, or 0555 when executable), so that a
  /// command cannot change the cached copy other trials share; folders 0755.
  /// - Throws: ``FileBundleError`` `.writeFailed` naming the path and the
  ///   system's reason; nothing is left behind.
  public func unpack(into directory: String) throws(FileBundleError) {
    try Self.unpackAtomically(into: directory) { root throws(FileBundleError) in try writeFiles(into: root) }
  }

  /// Puts the folder `directory` in place all or nothing (see
  /// ``unpack(into:)``): `write` fills a fresh temporary sibling folder,
  /// which is then renamed to `directory`; on any failure it is removed. When
  /// `directory` exists already, `write` is not called.
  static func unpackAtomically(
    into directory: String, _ write: (String) throws(FileBundleError) -> Void
  ) throws(FileBundleError) {
    let target = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    if exists(target) { return }
    if let slash = target.lastIndex(of: "/"), slash != target.startIndex {
      do { try AtomicFile.makeDirectory(String(target[..<slash])) } catch {
        throw FileBundleError(.writeFailed, "cannot unpack the file bundle into \(target): \(error.reason)")
      }
    }
    let temporary = AtomicFile.temporaryName(for: target)
    guard mkdir(temporary, 0o755) == 0 else {
      throw FileBundleError(.writeFailed, "cannot unpack the file bundle into \(target): cannot create \(temporary): \(errorText())")
    }
    do throws(FileBundleError) {
      try write(temporary)
      if rename(temporary, target) != 0 {
        let code = errno
        // Another unpacker renamed its complete copy into place first: that one stands.
        guard code == ENOTEMPTY || code == EEXIST else {
          throw FileBundleError(
            .writeFailed, "cannot unpack the file bundle into \(target): cannot rename \(temporary) to it: \(String(cString: strerror(code)))")
        }
        remove(temporary)
        return
      }
      do { try AtomicFile.syncDirectory(containing: target) } catch {
        throw FileBundleError(.writeFailed, "cannot unpack the file bundle into \(target): \(error.reason)")
      }
    } catch {
      remove(temporary)
      throw error
    }
  }

  /// Writes every file under `root` (a fresh, empty folder of ours).
  private func writeFiles(into root: String) throws(FileBundleError) {
    var made: Set<String> = []
    for (i, entry) in entries.enumerated() {
      try Self.makeFolders(of: entry.path, under: root, made: &made)
      var failure: FileWriteError?
      content(i).withUnsafeBytes { buffer in
        do throws(FileWriteError) {
          try AtomicFile.writeNew(buffer, to: root + "/" + entry.path, mode: entry.mode)
        } catch {
          failure = error
        }
      }
      if let failure { throw FileBundleError(.writeFailed, "cannot unpack the file bundle: \(failure.description)") }
    }
  }

  /// Creates the folders of the relative file path `path` under `root`
  /// that are not in `made` yet (and adds them to it).
  static func makeFolders(of path: String, under root: String, made: inout Set<String>) throws(FileBundleError) {
    var folder = root
    for component in path.split(separator: "/").dropLast() {
      folder += "/" + component
      if made.insert(folder).inserted, mkdir(folder, 0o755) != 0 {
        throw FileBundleError(.writeFailed, "cannot unpack the file bundle: cannot create the folder \(folder): \(errorText())")
      }
    }
  }

  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Removes the folder tree at `path` (a temporary of ours, on failure).
  static func remove(_ path: String) {
    // Clean-up after an error that is already being thrown: a temporary left
    // behind is recognisable by its name (`AtomicFile.temporaryOwner`), so
    // failing to remove it must not hide the error that matters.
    try? FileManager.default.removeItem(atPath: path)
  }

}
