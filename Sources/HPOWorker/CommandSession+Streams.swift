#if canImport(Glibc)
import Glibc
#endif

/// Reading the command's standard output, standard error and report socket,
/// and writing its answers — never blocking past a deadline.
extension CommandSession {
  /// How many reads one stream gets per wake-up, so a flood on one does not starve the others.
  private static let readsPerWake = 4

  /// Waits up to `wait` for any stream to have bytes (or end), and handles what arrived.
  mutating func pollStreams(for wait: Duration) {
    let streams = [spawned.output, spawned.errors, spawned.socket]
    var fds = streams.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let milliseconds = Int32(min(1_000, (wait.components.seconds * 1_000) + wait.components.attoseconds / 1_000_000_000_000_000))
    if fds.isEmpty {
      // Every stream has ended; the exit is still to come (or the deadline).
      _ = poll(nil, 0, max(1, milliseconds))
      return
    }
    let ready = poll(&fds, nfds_t(fds.count), max(0, milliseconds))
    guard ready > 0 else { return }  // 0: nothing in time; -1: EINTR — the caller looks again
    for entry in fds where entry.revents != 0 { read(from: entry.fd) }
  }

  /// After the command exited and its group was killed: reads what is left in
  /// the streams until each ends, for at most ``CommandProcess/drainLimit``
  /// (a process outside the group may hold a stream open), then ends the readers.
  mutating func drain() {
    let deadline = clock.now + CommandProcess.drainLimit
    while [spawned.output, spawned.errors, spawned.socket].contains(where: { $0 >= 0 }), clock.now < deadline {
      pollStreams(for: min(.milliseconds(50), deadline - clock.now))
    }
    finish(.standardOutput)
    finish(.reportSocket)
  }

  /// Reads what `fd` holds (up to a few buffers), handing it on; closes it at its end.
  private mutating func read(from fd: Int32) {
    for _ in 0..<Self.readsPerWake {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
      if n <= 0 {
        // End of stream (or a reset socket, which means the same here).
        if fd == spawned.output { finish(.standardOutput) }
        if fd == spawned.socket { finish(.reportSocket) }
        close(fd)
        if fd == spawned.output { spawned.output = -1 }
        if fd == spawned.errors { spawned.errors = -1 }
        if fd == spawned.socket { spawned.socket = -1 }
        return
      }
      let chunk = buffer[0..<n]
      if fd == spawned.errors {
        errorTail.append(chunk)
        handlers.output(.standardError, chunk)
      } else {
        feed(chunk, from: fd == spawned.output ? .standardOutput : .reportSocket)
      }
      if n < buffer.count { return }
    }
  }

  private mutating func feed(_ chunk: ArraySlice<UInt8>, from channel: CommandChannel) {
    var pieces: [CommandLineReader.Piece] = []
    if channel == .standardOutput {
      outputReader.feed(chunk) { pieces.append($0) }
    } else {
      socketReader.feed(chunk) { pieces.append($0) }
    }
    handle(pieces, from: channel)
  }

  /// Ends the reader of `channel`: a last line without its newline still counts.
  private mutating func finish(_ channel: CommandChannel) {
    var pieces: [CommandLineReader.Piece] = []
    if channel == .standardOutput {
      outputReader.finish { pieces.append($0) }
    } else {
      socketReader.finish { pieces.append($0) }
    }
    handle(pieces, from: channel)
  }

  private mutating func handle(_ pieces: [CommandLineReader.Piece], from channel: CommandChannel) {
    for piece in pieces {
      switch piece {
      case .log(let bytes): handlers.output(.standardOutput, bytes)
      case .line(let line): handle(line: line, from: channel)
      case .overlong(let quoted): handle(overlong: quoted, from: channel)
      }
    }
  }

  /// Writes a decision on `channel`: the command's standard input, or the
  /// report socket. A command that closed its end, or left 64 KB of answers
  /// unread for 100 ms, misses this one.
  mutating func answer(_ line: [UInt8], on channel: CommandChannel) {
    let fd = channel == .standardOutput ? spawned.input : spawned.socket
    guard fd >= 0 else { return }
    let deadline = clock.now + .milliseconds(100)
    var written = 0
    while written < line.count {
      let n = line[written...].withUnsafeBytes { bytes in
        channel == .standardOutput
          ? write(fd, bytes.baseAddress, bytes.count)
          : send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
      }
      if n > 0 {
        written += n
        continue
      }
      if n < 0 && errno == EINTR { continue }
      if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), clock.now < deadline {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&entry, 1, 10)
        continue
      }
      // EPIPE and friends: nobody reads this channel any more.
      if channel == .standardOutput {
        close(fd)
        spawned.input = -1
      }
      return
    }
  }
}
