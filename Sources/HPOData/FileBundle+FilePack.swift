import HPOCore

#if canImport(Glibc)
import Glibc
#endif

extension FileBundle {
  /// What ``pack(directory:toFile:excluding:limit:)`` wrote.
  public struct PackedFile: Sendable, Equatable {
    /// The files, in path order.
    public var entries: [Entry]
    /// The size of the bundle file.
    public var bytes: Int
    /// Lower-case hex SHA-256 of the whole bundle file.
    public var sha256: String
    /// Paths left out by the rules of ``pack(directory:excluding:limit:)``.
    public var skipped: [String]
  }

  /// Bytes read or written at a time by the file-based packer and unpacker:
  /// what they hold in memory besides the index.
  public static let streamBufferBytes = 1 << 20
  /// The largest index (header and file list) of a bundle file: 64 MiB,
  /// about a million files with paths of 16 to 32 bytes. The index is what
  /// the file-based packer and unpacker hold in memory, so it is capped.
  public static let maxIndexBytes = 64 << 20

  /// Packs the files under `directory` (by the rules of
  /// ``pack(directory:excluding:limit:)``) into a bundle written to the file
  /// `path`, byte for byte the bundle ``pack(directory:excluding:limit:)``
  /// would give, without holding it in memory: the files are read through a
  /// buffer of ``streamBufferBytes``, twice (once for the index's SHA-256s,
  /// once to copy them). The file appears at `path` only when whole
  /// (``AtomicFile/Appender``); on any error nothing is left there.
  ///
  /// - Parameters:
  ///   - directory: The folder to pack.
  ///   - path: The bundle file to write (its folder must exist); replaced if it exists.
  ///   - excluding: Folders to leave out.
  ///   - limit: The largest bundle accepted, in bytes (default ``fileLimit``, 64 GiB).
  /// - Throws: ``FileBundleError``: the errors of
  ///   ``pack(directory:excluding:limit:)`` (`.unreadable` also when a file
  ///   changed between the two reads), or `.writeFailed` naming the file and
  ///   the system's reason (no space left on the device, ...).
  public static func pack(
    directory: String, toFile path: String, excluding: [String] = [], limit: Int = fileLimit
  ) throws(FileBundleError) -> PackedFile {
    let (found, skipped) = try listFiles(
      directory: directory, excluding: excluding, noun: "folder", limit: limit, cap: "on a file bundle")
    let index = headerSize + found.reduce(0) { $0 + entryFixedSize + $1.path.utf8.count }
    guard index <= maxIndexBytes else {
      throw FileBundleError(
        .tooLarge, "folder \(directory) holds \(found.count) files; their list (\(byteText(index))) is over the cap of \(byteText(maxIndexBytes)) on a file bundle's index")
    }
    var buffer = [UInt8](repeating: 0, count: streamBufferBytes)
    var entries: [Entry] = []
    entries.reserveCapacity(found.count)
    for file in found {
      var hasher = SHA256Hex.Hasher()
      try stream(file, of: directory, buffer: &buffer) { piece throws(FileBundleError) in hasher.update(piece) }
      entries.append(Entry(path: file.path, bytes: file.size, sha256: hasher.hex, executable: file.executable))
    }
    let out: AtomicFile.Appender
    do { out = try AtomicFile.Appender(path: path) } catch { throw FileBundleError(.writeFailed, "cannot write the file bundle: \(error)") }
    do throws(FileBundleError) {
      try append(head(entries), to: out)
      for (file, entry) in zip(found, entries) {
        var hasher = SHA256Hex.Hasher()
        try stream(file, of: directory, buffer: &buffer) { piece throws(FileBundleError) in
          hasher.update(piece)
          try append(piece, to: out)
        }
        guard hasher.hex == entry.sha256 else {
          throw FileBundleError(
            .unreadable, "folder \(directory): '\(file.path)' changed while it was being packed; pack it again when nothing writes to it")
        }
      }
      let packed = PackedFile(entries: entries, bytes: out.count, sha256: out.sha256, skipped: skipped)
      do { try out.commit() } catch { throw FileBundleError(.writeFailed, "cannot write the file bundle: \(error)") }
      return packed
    } catch {
      out.discard()
      throw error
    }
  }

  /// Appends `bytes` to the bundle file being written.
  private static func append(_ bytes: [UInt8], to out: AtomicFile.Appender) throws(FileBundleError) {
    do { try out.append(bytes) } catch { throw FileBundleError(.writeFailed, "cannot write the file bundle: \(error)") }
  }

  /// Appends `bytes` to the bundle file being written.
  private static func append(_ bytes: UnsafeRawBufferPointer, to out: AtomicFile.Appender) throws(FileBundleError) {
    do { try out.append(bytes) } catch { throw FileBundleError(.writeFailed, "cannot write the file bundle: \(error)") }
  }

  /// Reads the found file `file` of the folder `directory` through `buffer`, handing each piece to `body`.
  private static func stream(
    _ file: FolderWalker.Found, of directory: String, buffer: inout [UInt8],
    _ body: (UnsafeRawBufferPointer) throws(FileBundleError) -> Void
  ) throws(FileBundleError) {
    try stream(file.source, expected: file.size, name: "folder \(directory): '\(file.path)'", buffer: &buffer, body)
  }

  /// Reads the file at `path`, which must have `expected` bytes, through
  /// `buffer` (not empty), handing each piece to `body`.
  /// - Throws: `.unreadable` when it cannot be opened or read, or its size is
  ///   not `expected` (it changed since it was listed); what `body` throws.
  static func stream(
    _ path: String, expected: Int, name: String, buffer: inout [UInt8],
    _ body: (UnsafeRawBufferPointer) throws(FileBundleError) -> Void
  ) throws(FileBundleError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw FileBundleError(.unreadable, "\(name) cannot be opened: \(errorText())") }
    defer { _ = close(fd) }
    var count = 0
    // One byte past `expected` is asked for, so a file that grew is noticed.
    while count <= expected {
      let want = min(buffer.count, expected + 1 - count)
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, want) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw FileBundleError(.unreadable, "\(name) cannot be read: \(errorText())") }
      if n == 0 { break }
      count += n
      if count > expected { break }
      try withPiece(of: buffer, 0..<n, body)
    }
    guard count == expected else {
      throw FileBundleError(
        .unreadable, "\(name) changed while it was being packed (\(expected) bytes, then \(count)\(count > expected ? " or more" : "")); pack it again when nothing writes to it")
    }
  }

  /// Hands `buffer[range]` to `body`, keeping the error's type (`withUnsafeBytes` erases it).
  static func withPiece(
    of buffer: [UInt8], _ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws(FileBundleError) -> Void
  ) throws(FileBundleError) {
    var failure: FileBundleError?
    buffer.withUnsafeBytes { raw in
      do throws(FileBundleError) { try body(UnsafeRawBufferPointer(rebasing: raw[range])) } catch { failure = error }
    }
    if let failure { throw failure }
  }
}
