import Foundation

/// Part of a file — at most a given number of bytes from an offset — with
/// the whole file's size: how a shard or a checkpoint is served in chunks,
/// each read from disk on its own (never the whole file).
public struct FileChunk: Sendable, Equatable {
  /// The bytes read (empty at or past the end of the file).
  public var bytes: [UInt8]
  /// The size of the whole file.
  public var total: Int

  public init(bytes: [UInt8], total: Int) {
    self.bytes = bytes
    self.total = total
  }

  /// At most `maxBytes` bytes of the file at `path` from `offset` (fewer at
  /// its end, none past it or before its start), and the file's size.
  /// - Throws: the system's error when the file cannot be opened or read.
  public static func read(_ path: String, offset: Int, maxBytes: Int) throws -> FileChunk {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer {
      // Read-only: closing cannot lose anything, and the bytes are already read.
      try? handle.close()
    }
    let total = Int(try handle.seekToEnd())
    guard offset >= 0, offset < total, maxBytes > 0 else { return FileChunk(bytes: [], total: total) }
    try handle.seek(toOffset: UInt64(offset))
    let data = try handle.read(upToCount: min(maxBytes, total - offset)) ?? Data()
    return FileChunk(bytes: [UInt8](data), total: total)
  }

  /// At most `maxBytes` of `bytes` from `offset`: the same answer as
  /// ``read(_:offset:maxBytes:)`` gives for a file holding `bytes`.
  public static func slice(_ bytes: [UInt8], offset: Int, maxBytes: Int) -> FileChunk {
    guard offset < bytes.count, offset >= 0, maxBytes > 0 else { return FileChunk(bytes: [], total: bytes.count) }
    return FileChunk(bytes: Array(bytes[offset..<min(bytes.count, offset + maxBytes)]), total: bytes.count)
  }
}
