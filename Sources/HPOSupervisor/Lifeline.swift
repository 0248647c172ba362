import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The pipe that ties children to the life of this process: children get the
/// read end as standard input; the write end stays here, close-on-exec, and is
/// never written to. When this process ends, however it ends, the kernel closes
/// the write end and every child reads end of file.
public struct Lifeline: Sendable {
  /// The read end, given to every child as its standard input.
  let childEnd: FileHandle

  init() throws(SupervisorError) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else {
      throw .cannotCreateLifeline(reason: String(cString: strerror(errno)))
    }
    // Both ends close-on-exec here: a child gets the read end through dup2 (which clears the
    // flag on its copy), and no child may ever hold the write end, or the pipe would outlive us.
    for fd in fds where fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 {
      let reason = String(cString: strerror(errno))
      close(fds[0])
      close(fds[1])
      throw .cannotCreateLifeline(reason: reason)
    }
    // The write end is deliberately never closed nor stored: it lives exactly as long as this process.
    childEnd = FileHandle(fileDescriptor: fds[0], closeOnDealloc: false)
  }

  /// In a child: calls `onEnd` (once, on a background thread) when standard
  /// input reaches end of file — the parent that holds the lifeline is gone.
  /// Whatever is written to standard input is read and ignored.
  public static func watchStandardInput(_ onEnd: @escaping @Sendable () -> Void) {
    let thread = Thread {
      var buffer = [UInt8](repeating: 0, count: 256)
      while true {
        let n = read(STDIN_FILENO, &buffer, buffer.count)
        if n > 0 { continue }
        if n < 0 && errno == EINTR { continue }
        break  // 0: end of file; < 0: stdin is unusable, which means the same — nobody is there
      }
      onEnd()
    }
    thread.name = "hpo.lifeline"
    thread.start()
  }
}
