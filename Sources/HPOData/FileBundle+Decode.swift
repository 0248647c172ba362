import Crypto
import HPOCore

/// Bytes a bundle is read from, front to back: in memory
/// (``FileBundle/init(decoding:)``) or a file (``FileBundle/unpack(file:into:limit:)``).
protocol BundleSource {
  /// Bytes not read yet.
  var remaining: Int { get }
  /// The next `n` bytes; callers check ``remaining`` first.
  mutating func take(_ n: Int) throws(FileBundleError) -> [UInt8]
}

extension BundleSource {
  mutating func uint32() throws(FileBundleError) -> UInt32 {
    try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  mutating func uint64() throws(FileBundleError) -> UInt64 {
    try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }
}

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
    let entries = try Self.readIndex(&reader)
    var offsets: [Int] = []
    offsets.reserveCapacity(entries.count)
    var offset = reader.position
    for entry in entries {
      offsets.append(offset)
      let actual = bytes.withUnsafeBytes { SHA256Hex.hex(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + entry.bytes)]))) }
      try Self.check(entry, actual: actual)
      offset += entry.bytes
    }
    self.init(entries: entries, encoded: bytes, contentOffsets: offsets, skipped: [])
  }

  /// Reads and checks the header and index from `source` — magic, version,
  /// every length against the bytes left, flags, every path, their order —
  /// and that the files' contents fill exactly the bytes left after it.
  /// Returns the files, each with the SHA-256 its index names. Memory
  /// grows with the index, which may have at most `maxIndexBytes` (header included).
  /// - Throws: the reading errors of ``init(decoding:)`` but `.hashMismatch`;
  ///   `.tooLarge` for an index over `maxIndexBytes`.
  static func readIndex<Source: BundleSource>(
    _ source: inout Source, maxIndexBytes: Int = .max
  ) throws(FileBundleError) -> [Entry] {
    let size = source.remaining
    guard size >= Self.headerSize else {
      throw FileBundleError(
        .truncated, "file bundle is truncated: \(size) bytes, shorter than the \(Self.headerSize)-byte header")
    }
    guard try source.take(8) == Self.magic else {
      throw FileBundleError(.badMagic, "not a file bundle: it does not start with 'HPOFILES'")
    }
    let version = try source.uint32()
    guard version == Self.version else {
      throw FileBundleError(
        .unsupportedVersion, "file bundle has format version \(version); this hpo reads version \(Self.version)")
    }
    let count = Int(try source.uint32())
    guard count <= source.remaining / Self.entryFixedSize else {
      throw FileBundleError(
        .truncated,
        "file bundle is truncated: its header names \(count) files, but \(source.remaining) bytes cannot hold their index")
    }

    var entries: [Entry] = []
    var paths: [[UInt8]] = []
    entries.reserveCapacity(min(count, 1 << 16))
    var contentTotal = 0
    var indexBytes = Self.headerSize
    for i in 0..<count {
      guard source.remaining >= Self.entryFixedSize else {
        throw FileBundleError(.truncated, "file bundle is truncated in the index entry of file \(i + 1) of \(count)")
      }
      let pathLength = Int(try source.uint32())
      let flags = try source.uint32()
      let size = try source.uint64()
      let digest = try source.take(32)
      guard pathLength >= 1, pathLength <= Self.maxPathBytes else {
        throw FileBundleError(
          .corrupt, "file bundle's file \(i + 1) has a path of \(pathLength) bytes; paths have 1...\(Self.maxPathBytes)")
      }
      guard source.remaining >= pathLength else {
        throw FileBundleError(.truncated, "file bundle is truncated in the path of file \(i + 1) of \(count)")
      }
      // Both terms are bounded by the bytes read, so the sum cannot overflow.
      indexBytes += Self.entryFixedSize + pathLength
      guard indexBytes <= maxIndexBytes else {
        throw FileBundleError(
          .tooLarge, "file bundle's index is over the cap of \(Self.byteText(maxIndexBytes)) at file \(i + 1) of \(count)")
      }
      let pathBytes = try source.take(pathLength)
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
      guard size <= UInt64(source.remaining) else {
        throw FileBundleError(
          .truncated, "file bundle is truncated: file '\(Self.shown(path))' has \(size) bytes, more than the \(source.remaining) left")
      }
      contentTotal += Int(size)
      paths.append(pathBytes)
      entries.append(Entry(path: path, bytes: Int(size), sha256: SHA256Hex.hex(digest), executable: flags & 1 == 1))
    }
    try Self.checkFoldersAreNotFiles(paths)

    guard contentTotal <= source.remaining else {
      throw FileBundleError(
        .truncated, "file bundle is truncated: its files hold \(contentTotal) bytes, but \(source.remaining) are left")
    }
    guard contentTotal == source.remaining else {
      throw FileBundleError(
        .corrupt, "file bundle has \(source.remaining - contentTotal) bytes after its last file; nothing may follow it")
    }
    return entries
  }

  /// Throws `.hashMismatch` when the content of `entry` has the SHA-256
  /// `actual` (lower-case hex), not the one its index names.
  static func check(_ entry: Entry, actual: String) throws(FileBundleError) {
    guard actual == entry.sha256 else {
      throw FileBundleError(
        .hashMismatch, "file bundle's file '\(Self.shown(entry.path))' is corrupt: its SHA-256 is \(actual), the index names \(entry.sha256)")
    }
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

/// A cursor over bytes in memory whose callers check `remaining` first.
private struct BundleReader: BundleSource {
  let bytes: [UInt8]
  var position = 0

  var remaining: Int { bytes.count - position }

  mutating func take(_ n: Int) -> [UInt8] {
    defer { position += n }
    return Array(bytes[position..<(position + n)])
  }
}
