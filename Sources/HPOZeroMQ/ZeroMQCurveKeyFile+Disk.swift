// Reading and writing CURVE key files: permissions, atomic no-clobber writes.
import HPOCore
#if canImport(Glibc)
import Glibc
#endif

/// Key files on disk. Every function is synchronous (small files, local
/// disk), thread-safe, and names the file in every error.
extension ZeroMQCurveKeyFile {
  /// The largest key file read; a key file is about 300 bytes.
  static let maximumFileBytes = 64 * 1024

  /// Reads the secret key file at `path` (written by ``write(_:directory:name:force:)``)
  /// after checking that only its owner can read it, like ssh does.
  /// - Throws: ``ZeroMQKeyFileError``: `.notFound`, `.unreadable`,
  ///   `.permissions` (group/others may read or write it, or it is not a
  ///   regular file; the message names the mode and the `chmod` that fixes
  ///   it), `.malformed` or `.mismatch` (see ``parseSecret(_:path:)``).
  public static func loadSecret(path: String) throws(ZeroMQKeyFileError) -> ZeroMQCurveKeyPair {
    try parseSecret(readFile(path, secret: true), path: path)
  }

  /// Reads the public key file at `path`.
  /// - Throws: ``ZeroMQKeyFileError`` `.notFound`, `.unreadable`, `.malformed`.
  public static func loadPublic(path: String) throws(ZeroMQKeyFileError) -> String {
    try parsePublic(readFile(path, secret: false), path: path)
  }

  /// The public keys of every `*.pub` file in `directory` (other files are
  /// ignored), mapped to their file names without `.pub` (the client names
  /// logged when a client is let in).
  /// - Throws: ``ZeroMQKeyFileError``: `.notFound` or `.unreadable` for the
  ///   folder, `.malformed` for the first bad `.pub` file (named), or
  ///   `.malformed` naming the folder when it holds no `.pub` file at all
  ///   (nobody could connect).
  public static func loadAuthorizedKeys(directory: String) throws(ZeroMQKeyFileError) -> [String: String] {
    guard let dir = opendir(directory) else {
      let code = errno
      throw ZeroMQKeyFileError(code == ENOENT ? .notFound : .unreadable, path: directory,
                               message: code == ENOENT ? "no such folder" : "cannot read the folder: \(reason(code))")
    }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name.hasSuffix(".pub"), name.count > 4, !name.hasPrefix(".") { names.append(name) }
    }
    closedir(dir)
    guard !names.isEmpty else {
      throw ZeroMQKeyFileError(.malformed, path: directory, message: "holds no *.pub file, so no worker or client could connect; copy the .pub files written by `hpo keys generate` into it")
    }
    var keys: [String: String] = [:]
    for name in names.sorted() {
      let key = try loadPublic(path: directory.hasSuffix("/") ? directory + name : directory + "/" + name)
      keys[key] = keys[key] ?? String(name.dropLast(4))
    }
    return keys
  }

  /// Writes `keyPair` as `directory/name.key` (mode 0600) and
  /// `directory/name.pub` (mode 0644), creating `directory` (mode 0700) if
  /// needed. Each file is written to a temporary file, flushed and then
  /// linked into place, so a reader sees no file or a whole one. Without
  /// `force` an existing file is never replaced, even one created meanwhile.
  /// - Returns: the paths of the secret and the public key file.
  /// - Throws: ``ZeroMQKeyFileError`` `.exists` (a key file exists, or
  ///   `directory` is a file; nothing written) or `.writeFailed` (nothing
  ///   left behind).
  public static func write(
    _ keyPair: ZeroMQCurveKeyPair, directory: String, name: String, force: Bool
  ) throws(ZeroMQKeyFileError) -> (secret: String, public: String) {
    let base = directory.hasSuffix("/") ? directory + name : directory + "/" + name
    let secretPath = base + ".key", publicPath = base + ".pub"
    if !force {
      for path in [secretPath, publicPath] where access(path, F_OK) == 0 {
        throw ZeroMQKeyFileError(.exists, path: path, message: "already exists; pass --force to replace it (peers holding the old public key will be refused), or choose another --name")
      }
    }
    try makeDirectory(directory)
    try writeFile(secretText(keyPair, name: name), to: secretPath, mode: 0o600, replace: force)
    do throws(ZeroMQKeyFileError) {
      try writeFile(publicText(keyPair.publicKey, name: name), to: publicPath, mode: 0o644, replace: force)
    } catch {
      _ = unlink(secretPath)
      throw error
    }
    return (secretPath, publicPath)
  }

  // MARK: Implementation

  private static func readFile(_ path: String, secret: Bool) throws(ZeroMQKeyFileError) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      throw ZeroMQKeyFileError(code == ENOENT ? .notFound : .unreadable, path: path,
                               message: code == ENOENT ? "no such file" : "cannot open: \(reason(code))")
    }
    defer { _ = close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw ZeroMQKeyFileError(.unreadable, path: path, message: "cannot stat: \(reason(errno))")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      throw ZeroMQKeyFileError(.permissions, path: path, message: "is not a regular file")
    }
    let mode = info.st_mode & 0o777
    if secret && mode & 0o077 != 0 {
      throw ZeroMQKeyFileError(.permissions, path: path, message: "has mode \(octal(mode)), so other users may read the secret key; refused. Run `chmod 600 \(path)`, and make a new pair with `hpo keys generate` if others may have copied it")
    }
    guard Int(info.st_size) <= maximumFileBytes else {
      throw ZeroMQKeyFileError(.malformed, path: path, message: "is \(info.st_size) bytes, too large for a key file")
    }
    var bytes = [UInt8](repeating: 0, count: maximumFileBytes + 1)
    var count = 0
    while count < bytes.count {
      let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw ZeroMQKeyFileError(.unreadable, path: path, message: "cannot read: \(reason(errno))") }
      if n == 0 { break }
      count += n
    }
    guard let text = String(validating: bytes[..<count], as: UTF8.self) else {
      throw ZeroMQKeyFileError(.malformed, path: path, message: "is not text; expected a key file written by `hpo keys generate`")
    }
    return text
  }

  /// Atomically and durably, with exactly `mode`; without `replace` an existing file is refused.
  private static func writeFile(_ text: String, to path: String, mode: mode_t, replace: Bool) throws(ZeroMQKeyFileError) {
    do {
      try AtomicFile.write(text, to: path, mode: mode, replace: replace)
    } catch where error.kind == .exists {
      throw ZeroMQKeyFileError(.exists, path: path, message: "already exists; pass --force to replace it, or choose another --name")
    } catch {
      throw writeFailure(path, error.reason)
    }
  }

  private static func makeDirectory(_ path: String) throws(ZeroMQKeyFileError) {
    var info = stat()
    if stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFDIR {
      throw ZeroMQKeyFileError(.exists, path: path, message: "exists and is not a folder; pass a folder for the key files")
    }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
      prefix += part + "/"
      if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
        throw writeFailure(path, "cannot create the folder \(prefix): \(reason(errno))")
      }
    }
  }

  private static func writeFailure(_ path: String, _ message: String) -> ZeroMQKeyFileError {
    ZeroMQKeyFileError(.writeFailed, path: path, message: message)
  }

  static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

  static func octal(_ mode: mode_t) -> String {
    let digits = String(mode, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
