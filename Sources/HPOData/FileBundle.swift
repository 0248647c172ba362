import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// A folder's files as one deterministic byte string: how a command
/// experiment's `workdir` travels to workers (as a `.code` shard) and into a
/// package. The same files give the same bytes, so the bundle's SHA-256 names
/// the folder's content.
///
/// The format, little-endian throughout:
///
/// | size | field |
/// |---|---|
/// | 8 | magic `HPOFILES` |
/// | 4 | format version (1) |
/// | 4 | file count N |
/// | N × (48 + L) | the index: per file, path length L (4, 1...4096), flags (4: bit 0 = executable, other bits 0), size (8), SHA-256 (32), the path (L bytes of UTF-8) |
/// | Σ sizes | the files' contents, in index order, back to back |
///
/// Paths are relative, `/`-separated, in strictly increasing byte order (so
/// one set of files has exactly one encoding); no component is empty, `.`
/// or `..`; no path is also a folder of another. Nothing follows the last
/// file's content. There are no timestamps, owners or permission bits other
/// than the executable flag, and no folders of their own (an empty folder is
/// not kept).
///
/// Reading (``init(decoding:)``) checks every length against the bytes left
/// before using it, so any input gives a bundle or a ``FileBundleError``,
/// never a trap; and it checks every file's SHA-256.
public struct FileBundle: Sendable, Equatable {
  /// One file of a bundle.
  public struct Entry: Sendable, Equatable {
    /// Relative, `/`-separated.
    public var path: String
    /// Size in bytes.
    public var bytes: Int
    /// Lower-case hex SHA-256 of the content.
    public var sha256: String
    /// Whether the file was executable (any execute bit set); unpacked as 0555, else 0444.
    public var executable: Bool

    public init(path: String, bytes: Int, sha256: String, executable: Bool) {
      self.path = path
      self.bytes = bytes
      self.sha256 = sha256
      self.executable = executable
    }

    /// The permission bits it is unpacked with: 0555 when executable, else 0444.
    var mode: mode_t { executable ? 0o555 : 0o444 }
  }

  /// The files, in path order.
  public private(set) var entries: [Entry]
  /// The encoded bundle.
  public private(set) var encoded: [UInt8]
  /// Lower-case hex SHA-256 of ``encoded``: the shard's name.
  public private(set) var sha256: String
  /// Paths (relative, `/`-separated) that ``pack(directory:excluding:limit:)``
  /// left out by its rules, for the caller to show; empty for a decoded bundle.
  public private(set) var skipped: [String]
  /// Where each file's content starts in ``encoded``.
  let contentOffsets: [Int]

  public static let magic: [UInt8] = Array("HPOFILES".utf8)
  public static let version: UInt32 = 1
  /// Bytes before the index.
  public static let headerSize = 16
  /// Bytes of an index entry before its path.
  public static let entryFixedSize = 48
  /// The longest path accepted, in bytes.
  public static let maxPathBytes = 4096
  /// The default cap on a bundle built in memory
  /// (``pack(directory:excluding:limit:)``, a command experiment's workdir):
  /// 256 MiB, as it is held whole in memory where it is packed and unpacked.
  public static let defaultLimit = 256 << 20
  /// The default cap on a bundle written to or read from a file
  /// (``pack(directory:toFile:excluding:limit:)``,
  /// ``unpack(file:into:limit:)``: a command trial's checkpoint): 64 GiB.
  /// Memory does not grow with it; disk space does.
  public static let fileLimit = 64 << 30

  /// The content of file `index` (0-based, in ``entries`` order).
  public func content(_ index: Int) -> ArraySlice<UInt8> {
    encoded[contentOffsets[index]..<(contentOffsets[index] + entries[index].bytes)]
  }

  init(entries: [Entry], encoded: [UInt8], contentOffsets: [Int], skipped: [String]) {
    self.entries = entries
    self.encoded = encoded
    self.contentOffsets = contentOffsets
    self.skipped = skipped
    sha256 = SHA256Hex.of(encoded)
  }

  /// Encodes files given in memory (for packing and tests); `files` must be
  /// in strictly increasing path byte order with valid paths (the caller's
  /// duty: ``pack(directory:excluding:limit:)`` guarantees it).
  static func encode(_ files: [(path: String, content: [UInt8], executable: Bool)], skipped: [String]) -> FileBundle {
    let entries = files.map {
      Entry(path: $0.path, bytes: $0.content.count, sha256: SHA256Hex.of($0.content), executable: $0.executable)
    }
    var out = head(entries)
    var offsets: [Int] = []
    for file in files {
      offsets.append(out.count)
      out += file.content
    }
    return FileBundle(entries: entries, encoded: out, contentOffsets: offsets, skipped: skipped)
  }

  /// The bytes before the first file's content: header and index of `entries`.
  static func head(_ entries: [Entry]) -> [UInt8] {
    var out = magic
    append(version, to: &out)
    append(UInt32(entries.count), to: &out)
    for entry in entries {
      let path = Array(entry.path.utf8)
      append(UInt32(path.count), to: &out)
      append(UInt32(entry.executable ? 1 : 0), to: &out)
      append(UInt64(entry.bytes), to: &out)
      out += hexBytes(entry.sha256)
      out += path
    }
    return out
  }

  /// The encoded size of a bundle holding files with these path lengths and sizes.
  static func encodedSize(pathBytes: Int, contentBytes: Int, files: Int) -> Int {
    headerSize + files * entryFixedSize + pathBytes + contentBytes
  }

  static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out += $0 }
  }

  /// The 32 bytes of a 64-digit lower-case hex digest.
  static func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    func value(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : c - 0x61 + 10 }
    return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
  }

  /// Why a relative path cannot be in a bundle, or nil when it can: empty,
  /// absolute, an empty, `.` or `..` component, a NUL byte, over the length cap.
  static func pathProblem(_ path: [UInt8]) -> String? {
    if path.isEmpty { return "is empty" }
    if path.count > maxPathBytes { return "is longer than \(maxPathBytes) bytes" }
    if path.first == 0x2F { return "is absolute" }
    if path.contains(0) { return "holds a NUL byte" }
    for component in path.split(separator: 0x2F, omittingEmptySubsequences: false) {
      if component.isEmpty { return "has an empty component" }
      if component.elementsEqual([0x2E]) || component.elementsEqual([0x2E, 0x2E]) {
        return "has a '\(String(decoding: component, as: UTF8.self))' component"
      }
    }
    return nil
  }
}

/// Why a folder cannot be packed or a bundle cannot be read or unpacked.
public struct FileBundleError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    // Packing.
    /// A file or folder could not be read (the system's reason in the message).
    case unreadable
    /// A symbolic link points outside the folder, nowhere, or into a loop.
    case symlink
    /// Not a regular file, folder or symbolic link (a socket, a FIFO, a device).
    case unsupportedFile
    /// A name that is not UTF-8 or cannot be in a bundle.
    case badName
    /// Over the size cap.
    case tooLarge
    // Reading.
    case badMagic
    case unsupportedVersion
    /// Shorter than its header, index or contents say.
    case truncated
    /// Bytes that cannot be a bundle: bad flags, bytes after the last file, paths out of order.
    case corrupt
    /// A path that could escape the target folder or cannot be a file name.
    case unsafePath
    /// The same path twice, or a path that is also another's folder.
    case duplicatePath
    /// A file whose content does not have the SHA-256 its index names.
    case hashMismatch
    // Unpacking.
    /// The target folder could not be written.
    case writeFailed
  }

  public var kind: Kind
  /// What is wrong, naming the file or path, and what is accepted.
  public var message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
