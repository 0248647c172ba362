import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// When a worker may run users' commands (`hpo worker --allow-commands`):
/// only if nobody but an authorised client can submit through its
/// coordinator. Over CURVE only clients whose keys the coordinator
/// authorised can submit; over `ipc://` only when the socket's folder is
/// this user's and closed to everyone else. Plain TCP without keys would let
/// any local user run code as this worker's user.
enum CommandSafety {
  /// `nil` when running commands through `endpoint` is safe; otherwise what is wrong and what to do.
  static func problem(endpoint: String, secured: Bool) -> String? {
    if secured { return nil }
    let advice = "start the coordinator with --curve-secret and the worker with --curve-server-key/--curve-secret, or connect over ipc:// in a folder only you can open (mode 0700), as hpo run does"
    guard endpoint.hasPrefix("ipc://") else {
      return "--allow-commands: \(endpoint) has no CURVE keys, so any user who can reach it could run code through this worker; \(advice)"
    }
    let folder = (String(endpoint.dropFirst("ipc://".count)) as NSString).deletingLastPathComponent
    var info = stat()
    guard stat(folder.isEmpty ? "." : folder, &info) == 0 else {
      return "--allow-commands: cannot inspect the folder \(folder) of \(endpoint): \(String(cString: strerror(errno))); \(advice)"
    }
    if info.st_uid != getuid() {
      return "--allow-commands: the folder \(folder) of \(endpoint) belongs to user \(info.st_uid), not to you (\(getuid())); \(advice)"
    }
    if info.st_mode & 0o077 != 0 {
      return "--allow-commands: the folder \(folder) of \(endpoint) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))); \(advice)"
    }
    return nil
  }

  /// A new folder only this user can open (mode 0700) under the temporary
  /// folder, for `hpo run`'s ipc socket.
  static func privateFolder(prefix: String) throws -> URL {
    var template = Array((FileManager.default.temporaryDirectory.path + "/\(prefix)-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot create a private folder in \(FileManager.default.temporaryDirectory.path): \(String(cString: strerror(errno)))"])
    }
    return URL(fileURLWithPath: String(cString: made))
  }
}
