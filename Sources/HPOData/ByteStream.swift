private import CZlib

#if canImport(Glibc)
import Glibc
#endif

/// Bytes of a file read in order, inflated on the fly when the file is gzip
/// (detected by its magic bytes, not its name). The one owner of the file
/// descriptor and the zlib stream; `close()` is explicit and idempotent.
///
/// Damaged input never traps: a gzip stream that ends early throws
/// `.truncated`, one that fails its checks `.corrupt`, both naming the file.
final class ByteStream {
  let path: String
  /// True when the file is gzip-compressed.
  let isGzip: Bool
  /// The file's size on disk.
  let fileSize: Int
  private var fd: Int32
  private var stream: UnsafeMutablePointer<z_stream>?
  private let input: UnsafeMutablePointer<UInt8>
  private let inputCapacity = 1 << 16
  private var inputEnded = false
  private var streamEnded = false

  init(path: String) throws(DataError) {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    self.fd = fd
    guard fd >= 0 else {
      throw DataError(.fileUnreadable, file: path, message: "cannot open: \(MappedFile.reason(errno))")
    }
    var info = stat()
    _ = fstat(fd, &info)
    fileSize = Int(info.st_size)
    input = .allocate(capacity: inputCapacity)
    var magic: (UInt8, UInt8) = (0, 0)
    let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
    isGzip = n == 2 && magic.0 == 0x1F && magic.1 == 0x8B
    if isGzip {
      let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
      s.initialize(to: z_stream())
      // 15 + 16: a gzip header and trailer, 32 KiB window.
      guard inflateInit2_(s, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        s.deallocate()
        close()
        throw DataError(.fileUnreadable, file: path, message: "cannot start zlib")
      }
      stream = s
    }
  }

  /// Fills `buffer` from the stream. Returns the bytes written: fewer than
  /// asked only at the end of the data.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    guard let stream else { return try readPlain(base, buffer.count) }
    stream.pointee.next_out = base.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = uInt(buffer.count)
    while stream.pointee.avail_out > 0 && !streamEnded {
      if stream.pointee.avail_in == 0 && !inputEnded {
        let n = try readPlain(UnsafeMutableRawPointer(input), inputCapacity)
        if n == 0 { inputEnded = true }
        stream.pointee.next_in = input
        stream.pointee.avail_in = uInt(n)
      }
      let status = inflate(stream, Z_NO_FLUSH)
      switch status {
      case Z_OK:
        continue
      case Z_STREAM_END:
        streamEnded = true
      case Z_BUF_ERROR where inputEnded && stream.pointee.avail_in == 0:
        throw DataError(
          .truncated, file: path,
          message: "is truncated: the gzip stream ends after \(stream.pointee.total_out) bytes of data")
      case Z_BUF_ERROR:
        continue
      default:
        let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
        throw DataError(.corrupt, file: path, message: "is corrupt: gzip data cannot be inflated (\(detail))")
      }
    }
    return buffer.count - Int(stream.pointee.avail_out)
  }

  /// Whether bytes are left after what was read (trailing data).
  func hasMore() throws(DataError) -> Bool {
    var byte: UInt8 = 0
    return try withUnsafeMutableBytes(of: &byte) { b throws(DataError) in try read(into: b) } > 0
  }

  private func readPlain(_ base: UnsafeMutableRawPointer, _ count: Int) throws(DataError) -> Int {
    var done = 0
    while done < count {
      let n = Glibc.read(fd, base + done, count - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw DataError(.fileUnreadable, file: path, message: "cannot read: \(MappedFile.reason(errno))")
      }
      if n == 0 { break }
      done += n
    }
    return done
  }

  /// Frees the zlib stream and closes the file. Idempotent.
  func close() {
    if let stream {
      inflateEnd(stream)
      stream.deallocate()
      self.stream = nil
    }
    if fd >= 0 {
      _ = Glibc.close(fd)
      fd = -1
    }
  }

  deinit {
    close()
    input.deallocate()
  }
}
