import Crypto
import HPOCore

extension FileBundle {
  /// Reads an encoded bundle (bytes from the network: any input gives a
  /// bundle or an error, never a trap) and checks it in full: magic,
  /// version, every length against the bytes left, flags, every path (see
  /// ``FileBundle``), their order, and every file's SHA-256.
  ///
  /// - Throws: ``FileBundleError`` of kind `.badMagic`, `.unsupportedVersion`,
  ///   `.truncated`, `.corrupt`, `.unsafePath`, `.duplicatePath` or
  ///   `.hashMismatch`, naming the file at fault.
  public init(decoding bytes: [UInt8]) throws(FileBundleError) {
    var reader = BundleReader(bytes: bytes)
    guard bytes.count >= Self.headerSize else {
      throw FileBundleError(
        .truncated, "file bundle is truncated: \(bytes.count) bytes, shorter than the \(Self.headerSize)-byte header")
    }
    guard Array(bytes[0..<8]) == Self.magic else {
      throw FileBundleError(.badMagic, "not a file bundle: it does not start with 'HPOFILES'")
    }
    reader.position = 8
    let version = reader.uint32()
    guard version == Self.version else {
      throw FileBundleError(
        .unsupportedVersion, "file bundle has format version \(version); this hpo reads version \(Self.version)")
    }
    let count = Int(reader.uint32())
    guard count <= reader.remaining / Self.entryFixedSize else {
      throw FileBundleError(
        .truncated,
        "file bundle is truncated: its header names \(count) files, but \(reader.remaining) bytes cannot hold their index")
    }

    var entries: [Entry] = []
    var digests: [[UInt8]] = []
    var paths: [[UInt8]] = []
    entries.reserveCapacity(count)
    var contentTotal = 0
    for i in 0..<count {
      guard reader.remaining >= Self.entryFixedSize else {
        throw FileBundleError(.truncated, "file bundle is truncated in the index entry of file \(i + 1) of \(count)")
      }
      let pathLength = Int(reader.uint32())
      let flags = reader.uint32()
      let size = reader.uint64()
      let digest = reader.take(32)
      guard pathLength >= 1, pathLength <= Self.maxPathBytes else {
        throw FileBundleError(
          .corrupt, "file bundle's file \(i + 1) has a path of \(pathLength) bytes; paths have 1...\(Self.maxPathBytes)")
      }
      guard reader.remaining >= pathLength else {
        throw FileBundleError(.truncated, "file bundle is truncated in the path of file \(i + 1) of \(count)")
      }
      let pathBytes = reader.take(pathLength)
      guard let path = String(validating: pathBytes, as: UTF8.self) else {
        throw FileBundleError(.unsafePath, "file bundle's file \(i + 1) has a path that is not UTF-8")
      }
      if let problem = Self.pathProblem(pathBytes) {
        throw FileBundleError(.unsafePath, "file bundle's path '\(Self.shown(path))' \(problem); paths must be relative, with no empty, '.' or '..' component")
      }
      guard flags & ~1 == 0 else {
        throw FileBundleError(.corrupt, "file bundle's file '\(Self.shown(path))' has flags \(flags); only bit 0 (executable) is defined")
      }
      if let previous = paths.last {
        if previous == pathBytes {
          throw FileBundleError(.duplicatePath, "file bundle holds '\(Self.shown(path))' twice; each path may occur once")
        }
        guard previous.lexicographicallyPrecedes(pathBytes) else {
          throw FileBundleError(
            .corrupt, "file bundle's paths are out of order ('\(Self.shown(path))' after '\(Self.shown(String(decoding: previous, as: UTF8.self)))'); they must be in increasing byte order")
        }
      }
      // Sizes are checked against what is left before any sum, so nothing overflows.
      guard size <= UInt64(reader.remaining) else {
        throw FileBundleError(
          .truncated, "file bundle is truncated: file '\(Self.shown(path))' has \(size) bytes, more than the \(reader.remaining) left")
      }
      contentTotal += Int(size)
      paths.append(pathBytes)
      digests.append(digest)
      entries.append(Entry(path: path, bytes: Int(size), sha256: SHA256Hex.hex(digest), executable: flags & 1 == 1))
    }
    try Self.checkFoldersAreNotFiles(paths)

    guard contentTotal <= reader.remaining else {
      throw FileBundleError(
        .truncated, "file bundle is truncated: its files hold \(contentTotal) bytes, but \(reader.remaining) are left")
    }
    guard contentTotal == reader.remaining else {
      throw FileBundleError(
        .corrupt, "file bundle has \(reader.remaining - contentTotal) bytes after its last file; nothing may follow it")
    }
    var offsets: [Int] = []
    offsets.reserveCapacity(count)
    var offset = reader.position
    for (i, entry) in entries.enumerated() {
      offsets.append(offset)
      let actual = bytes.withUnsafeBytes { Array(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + entry.bytes)]))) }
      guard actual == digests[i] else {
        throw FileBundleError(
          .hashMismatch, "file bundle's file '\(Self.shown(entry.path))' is corrupt: its SHA-256 is \(SHA256Hex.hex(actual)), the index names \(entry.sha256)")
      }
      offset += entry.bytes
    }
    self.init(entries: entries, encoded: bytes, contentOffsets: offsets, skipped: [])
  }

  /// Throws when a path is also the folder of another (`a` and `a/b`):
  /// such a bundle cannot be unpacked. `paths` are sorted and distinct.
  static func checkFoldersAreNotFiles(_ paths: [[UInt8]]) throws(FileBundleError) {
    var files = Set<[UInt8]>()
    files.reserveCapacity(paths.count)
    for path in paths { files.insert(path) }
    for path in paths {
      var index = path.count - 1
      while index > 0 {
        if path[index] == 0x2F, files.contains(Array(path[..<index])) {
          throw FileBundleError(
            .duplicatePath,
            "file bundle holds '\(shown(String(decoding: path[..<index], as: UTF8.self)))' both as a file and as the folder of '\(shown(String(decoding: path, as: UTF8.self)))'")
        }
        index -= 1
      }
    }
  }

  /// A path as messages show it: at most 200 characters.
  static func shown(_ path: String) -> String {
    path.count <= 200 ? path : String(path.prefix(200)) + "…"
  }
}

/// A cursor over bytes whose callers check `remaining` first.
private struct BundleReader {
  let bytes: [UInt8]
  var position = 0

  var remaining: Int { bytes.count - position }

  mutating func uint32() -> UInt32 {
    var value: UInt32 = 0
    for i in 0..<4 { value |= UInt32(bytes[position + i]) << (8 * i) }
    position += 4
    return value
  }

  mutating func uint64() -> UInt64 {
    var value: UInt64 = 0
    for i in 0..<8 { value |= UInt64(bytes[position + i]) << (8 * i) }
    position += 8
    return value
  }

  mutating func take(_ n: Int) -> [UInt8] {
    defer { position += n }
    return Array(bytes[position..<(position + n)])
  }
}
