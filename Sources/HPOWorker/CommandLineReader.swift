#if canImport(Glibc)
import Glibc
#endif

/// Splits one byte stream of a command into protocol lines and log bytes, in
/// bounded memory: log bytes are passed on as they arrive (never gathered into
/// lines), and a protocol line is held only up to
/// ``CommandProtocol/maximumLineBytes``; beyond that the rest of the line is
/// dropped and the line reported as overlong, quoting its first 200 bytes.
///
/// On standard output a line is protocol when it starts with "@@hpo "; every
/// other line is log output. On the report socket (`everyLineIsProtocol`) every
/// non-empty line is protocol (a line without the prefix is then malformed).
/// Not thread-safe: one reader per stream, fed from one thread.
struct CommandLineReader {
  /// What a chunk of input held, in order.
  enum Piece {
    /// Bytes of log lines (newlines included), to pass on as they are.
    case log(ArraySlice<UInt8>)
    /// A whole protocol line: prefix included, newline not.
    case line([UInt8])
    /// A protocol line longer than the limit: its first 200 bytes.
    case overlong([UInt8])
  }

  private enum State {
    /// At the start of a line, or inside a prefix not yet complete (in `held`).
    case lineStart
    /// Inside a log line: bytes go straight out.
    case log
    /// Inside a protocol line, gathered in `held`.
    case line
    /// Inside a protocol line past the limit: `held` keeps its first 200 bytes.
    case overlong
  }

  private let everyLineIsProtocol: Bool
  private var state = State.lineStart
  private var held: [UInt8] = []

  init(everyLineIsProtocol: Bool) {
    self.everyLineIsProtocol = everyLineIsProtocol
  }

  /// Splits `bytes` (the next bytes of the stream) and hands each piece to `emit`.
  mutating func feed(_ bytes: ArraySlice<UInt8>, _ emit: (Piece) -> Void) {
    var i = bytes.startIndex
    while i < bytes.endIndex {
      switch state {
      case .lineStart:
        if everyLineIsProtocol {
          if bytes[i] == newline {
            i += 1  // a blank line on the socket: nothing to say
          } else {
            state = .line
          }
          continue
        }
        let prefix = CommandProtocol.prefix
        if bytes[i] == prefix[held.count] {
          held.append(bytes[i])
          i += 1
          if held.count == prefix.count { state = .line }
        } else {
          state = .log
          if !held.isEmpty {
            emit(.log(held[...]))
            held.removeAll(keepingCapacity: true)
          }
        }
      case .log:
        let end = Self.newline(in: bytes, from: i).map { $0 + 1 } ?? bytes.endIndex
        emit(.log(bytes[i..<end]))
        if bytes[end - 1] == newline { state = .lineStart }
        i = end
      case .line:
        let newlineIndex = Self.newline(in: bytes, from: i)
        let segment = bytes[i..<(newlineIndex ?? bytes.endIndex)]
        if held.count + segment.count > CommandProtocol.maximumLineBytes {
          held.append(contentsOf: segment.prefix(max(0, CommandProtocol.quotedBytes - held.count)))
          held.removeSubrange(min(held.count, CommandProtocol.quotedBytes)...)
          state = .overlong
        } else {
          held.append(contentsOf: segment)
        }
        if let n = newlineIndex {
          endLine(emit)
          i = n + 1
        } else {
          i = bytes.endIndex
        }
      case .overlong:
        if let n = Self.newline(in: bytes, from: i) {
          endLine(emit)
          i = n + 1
        } else {
          i = bytes.endIndex
        }
      }
    }
  }

  /// The stream ended: a line without its final newline still counts.
  mutating func finish(_ emit: (Piece) -> Void) {
    switch state {
    case .lineStart where !held.isEmpty:
      emit(.log(held[...]))
    case .line, .overlong:
      endLine(emit)
    case .lineStart, .log:
      break
    }
    held = []
    state = .lineStart
  }

  private mutating func endLine(_ emit: (Piece) -> Void) {
    if state == .overlong {
      emit(.overlong(held))
    } else {
      if held.last == carriageReturn { held.removeLast() }
      emit(.line(held))
    }
    held = []
    state = .lineStart
  }

  /// The index of the first newline in `bytes` at or after `start` (memchr: a flood is scanned at memory speed).
  private static func newline(in bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
    bytes[start...].withUnsafeBufferPointer { buffer -> Int? in
      guard let base = buffer.baseAddress, let found = memchr(base, 0x0A, buffer.count) else { return nil }
      return start + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
    }
  }

  private var newline: UInt8 { 0x0A }
  private var carriageReturn: UInt8 { 0x0D }
}
