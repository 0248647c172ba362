import HPOCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a release package directory atomically: every file goes into a
/// temporary sibling directory (each file flushed to disk), `SHA256SUMS` is
/// added, and the directory is renamed into place. An earlier package at the
/// destination is exchanged with the new one in a single `renameat2`
/// (RENAME_EXCHANGE) and then removed; where that call is unavailable it is
/// renamed aside first and removed after the new one is in place, and
/// ``recover(_:)`` puts it back if a crash fell between the two renames.
/// A failure before the switch leaves the destination untouched.
public enum PackageWriter {
  /// The checksum file's name.
  public static let checksumFile = "SHA256SUMS"

  /// `sha256sum` lines for `files`, sorted by name: `<64 hex>  <name>\n`.
  public static func checksums(_ files: [String: [UInt8]]) -> String {
    files.keys.sorted().map { "\(SHA256Hex.of(files[$0] ?? []))  \($0)\n" }.joined()
  }

  /// Writes `files` (names without `/`) and their `SHA256SUMS` as the directory `destination`.
  /// - Throws: ``ReleaseError`` naming the path; the destination is then as it was.
  public static func write(_ files: [String: [UInt8]], to destination: String) throws {
    let fm = FileManager.default
    let target = URL(fileURLWithPath: destination).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    try recover(target.path)
    for name in files.keys where name.isEmpty || name.contains("/") || name == checksumFile || name.hasPrefix(".") {
      throw ReleaseError("\(name.isEmpty ? "an empty name" : name) is not accepted as a package file name; accepted: a plain file name other than \(checksumFile)")
    }
    do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
      throw ReleaseError("cannot create \(parent.path): \(error.localizedDescription)")
    }
    let temporary = URL(fileURLWithPath: AtomicFile.temporaryName(for: target.path))
    let aside = parent.appendingPathComponent(".\(target.lastPathComponent).previous")
    do {
      try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
      var all = files
      all[checksumFile] = Array(checksums(files).utf8)
      for (name, bytes) in all.sorted(by: { $0.key < $1.key }) {
        try AtomicFile.writeNew(bytes, to: temporary.appendingPathComponent(name).path)
      }
      try AtomicFile.syncDirectory(temporary.path)
    } catch {
      // Best effort: a temporary left behind is removed by the next write's recover().
      try? fm.removeItem(at: temporary)
      throw ReleaseError("cannot write the package \(target.path): \(error)")
    }
    let hadOld = fm.fileExists(atPath: target.path)
    // The switch, in one step where the kernel can: the new package and the old one
    // exchange names (renameat2 RENAME_EXCHANGE), so the destination is never missing.
    if hadOld, exchange(temporary.path, target.path) {
      try syncDirectory(parent.path)
      // The earlier package, now under the temporary name; recover() removes it if this fails.
      try? fm.removeItem(at: temporary)
      return
    }
    // Otherwise: old → aside, new → target, then the old one goes.
    if hadOld {
      // A stale aside copy from an interrupted write: the package at `target` is newer.
      try? fm.removeItem(at: aside)
      guard rename(target.path, aside.path) == 0 else {
        // Best effort: recover() removes a temporary left behind.
        try? fm.removeItem(at: temporary)
        throw ReleaseError("cannot move the earlier package \(target.path) aside: \(String(cString: strerror(errno)))")
      }
    }
    guard rename(temporary.path, target.path) == 0 else {
      let why = String(cString: strerror(errno))
      if hadOld { _ = rename(aside.path, target.path) }
      // Best effort: recover() removes a temporary left behind.
      try? fm.removeItem(at: temporary)
      throw ReleaseError("cannot move the package into \(target.path): \(why)")
    }
    try syncDirectory(parent.path)
    // The earlier package; recover() removes it if this fails.
    if hadOld { try? fm.removeItem(at: aside) }
  }

  /// Undoes a switch a crash interrupted: when `destination` is missing and the
  /// earlier package is still aside, it is put back; stale temporaries are removed.
  public static func recover(_ destination: String) throws {
    let fm = FileManager.default
    let target = URL(fileURLWithPath: destination).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    let aside = parent.appendingPathComponent(".\(target.lastPathComponent).previous")
    if fm.fileExists(atPath: aside.path) {
      if fm.fileExists(atPath: target.path) {
        try fm.removeItem(at: aside)
      } else if rename(aside.path, target.path) != 0 {
        throw ReleaseError("cannot put the earlier package \(aside.path) back at \(target.path): \(String(cString: strerror(errno)))")
      }
    }
    // A parent that does not exist yet holds no temporaries.
    let names = (try? fm.contentsOfDirectory(atPath: parent.path)) ?? []
    for name in names where name.hasPrefix(".\(target.lastPathComponent).") {
      // Only temporaries of processes that are gone.
      if let pid = AtomicFile.temporaryOwner(name), pid != getpid(), kill(pid, 0) != 0 {
        try fm.removeItem(at: parent.appendingPathComponent(name))
      }
    }
  }

  /// Checks a package's files against its `SHA256SUMS`: every listed file present
  /// with its checksum, and no other file. Returns the problems (empty: intact).
  public static func verify(_ directory: String) -> [String] {
    let dir = URL(fileURLWithPath: directory)
    // Not ignored: an unreadable checksum file is the first problem reported.
    guard let text = try? String(contentsOf: dir.appendingPathComponent(checksumFile), encoding: .utf8) else {
      return ["\(directory) has no readable \(checksumFile)"]
    }
    var problems: [String] = []
    var listed = Set<String>()
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ", maxSplits: 1)
      guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" ") else {
        problems.append("\(checksumFile): malformed line \"\(line)\"")
        continue
      }
      let name = String(parts[1].dropFirst())
      listed.insert(name)
      guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else {
        problems.append("\(name) is missing")
        continue
      }
      if SHA256Hex.of(data) != parts[0] { problems.append("\(name) does not match its checksum") }
    }
    // The directory was readable a moment ago (its checksum file was); listing it fails only if it
    // vanished meanwhile, and then every listed file has already been reported missing.
    let present = Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
    for extra in present.subtracting(listed).subtracting([checksumFile]).sorted() {
      problems.append("\(extra) is not listed in \(checksumFile)")
    }
    return problems
  }

  private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

  /// Atomically exchanges two existing paths with Linux's `renameat2(…, RENAME_EXCHANGE)`
  /// (looked up at run time: Glibc's Swift module does not declare it). `false` when the
  /// call is unavailable or the filesystem refuses it; nothing has changed then.
  static func exchange(_ a: String, _ b: String) -> Bool {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let renameExchange: UInt32 = 2
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
  }

  /// Flushes the folder `path`, as a ``ReleaseError``.
  static func syncDirectory(_ path: String) throws {
    do { try AtomicFile.syncDirectory(path) } catch { throw ReleaseError(error.description) }
  }
}
