import HPOCore

#if canImport(Glibc)
import Glibc
#endif

extension FileBundle {
  /// Folders left out of every bundle wherever they are: version-control
  /// metadata and Python's byte-code caches. (Python virtual environments,
  /// any folder holding a `pyvenv.cfg`, are left out too: they hold absolute
  /// paths of the machine they were made on, so they cannot travel.)
  public static let skippedFolderNames: Set<String> = [".git", ".hg", ".svn", "__pycache__"]

  /// Packs the regular files under `directory`, recursively, into a bundle.
  ///
  /// - Files are named by their path relative to `directory`, with `/`;
  ///   the executable bit (any of the three) is kept; nothing else of their
  ///   metadata is.
  /// - A symbolic link is followed when its target is inside `directory`
  ///   (a link to a folder is walked as a folder under the link's name);
  ///   a link that points outside, nowhere or into a loop is refused.
  /// - Left out, and listed in ``skipped`` (paths ending in `/`): folders
  ///   named in ``skippedFolderNames``, Python virtual environments (a folder
  ///   holding `pyvenv.cfg`), and the folders in `excluding` (the experiment's
  ///   output folder when it lies inside the workdir: its files change as the
  ///   experiment runs). Nothing else is left out; empty folders have no
  ///   place in a bundle.
  ///
  /// - Parameters:
  ///   - directory: The folder to pack (absolute, or relative to the current directory).
  ///   - excluding: Folders to leave out (any path naming them; ones that do not exist are ignored).
  ///   - limit: The largest encoded bundle accepted, in bytes.
  /// - Throws: ``FileBundleError``: `.unreadable` (a missing folder, a file
  ///   that cannot be read or changed while being read), `.symlink`,
  ///   `.unsupportedFile` (a socket, FIFO or device), `.badName` (a name that
  ///   is not UTF-8), `.tooLarge` (naming the total, the cap and the largest files).
  public static func pack(
    directory: String, excluding: [String] = [], limit: Int = defaultLimit
  ) throws(FileBundleError) -> FileBundle {
    let (found, skipped) = try listFiles(
      directory: directory, excluding: excluding, noun: "workdir", limit: limit,
      cap: "on what travels to workers",
      advice: ". Move large data out of the workdir (the experiment's data travels as its own shards)")
    var files: [(path: String, content: [UInt8], executable: Bool)] = []
    files.reserveCapacity(found.count)
    for file in found {
      let content = try readWhole(file.source, expected: file.size, name: "workdir \(directory): '\(file.path)'")
      files.append((file.path, content, file.executable))
    }
    return encode(files, skipped: skipped)
  }

  /// The regular files under `directory` by the rules of
  /// ``pack(directory:excluding:limit:)``, in path byte order, and the
  /// folders left out (sorted); `noun` names the folder in messages.
  /// - Throws: the walk's errors; `.tooLarge` when their bundle would be
  ///   over `limit`, naming the total, the `cap`, the largest files, then `advice`.
  static func listFiles(
    directory: String, excluding: [String], noun: String, limit: Int, cap: String, advice: String = ""
  ) throws(FileBundleError) -> (found: [FolderWalker.Found], skipped: [String]) {
    var walker = try FolderWalker(directory: directory, excluding: excluding, noun: noun)
    try walker.walk(walker.root, relative: "", ancestry: [])
    var found = walker.found
    found.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    let total = encodedSize(
      pathBytes: found.reduce(0) { $0 + $1.path.utf8.count }, contentBytes: found.reduce(0) { $0 + $1.size },
      files: found.count)
    if total > limit {
      let largest = found.sorted { $0.size > $1.size }.prefix(3).map { "'\($0.path)' (\(byteText($0.size)))" }
      throw FileBundleError(
        .tooLarge,
        "\(noun) \(directory) holds \(byteText(total)) of files (\(found.count) files), over the cap of \(byteText(limit)) \(cap); the largest: \(largest.joined(separator: ", "))\(advice)")
    }
    return (found, walker.skipped.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
  }

  /// `n` bytes for people: "812 bytes", "3.2 MB".
  static func byteText(_ n: Int) -> String {
    if n < 1_000_000 { return "\(n) bytes" }
    let mb = (Double(n) / 100_000).rounded() / 10
    return "\(mb) MB"
  }

  /// The whole file at `path`, which must have `expected` bytes.
  static func readWhole(_ path: String, expected: Int, name: String) throws(FileBundleError) -> [UInt8] {
    var content: [UInt8] = []
    content.reserveCapacity(expected)
    var buffer = [UInt8](repeating: 0, count: min(expected + 1, streamBufferBytes))
    try stream(path, expected: expected, name: name, buffer: &buffer) { piece in content.append(contentsOf: piece) }
    return content
  }

  /// The text of the current `errno`.
  static func errorText() -> String {
    let code = errno
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }
}

/// The walk behind ``FileBundle/pack(directory:excluding:limit:)`` and
/// ``FileBundle/pack(directory:toFile:excluding:limit:)``.
struct FolderWalker {
  struct Found {
    var path: String
    /// Where to read it (through the links walked).
    var source: String
    var size: Int
    var executable: Bool
  }

  struct NodeID: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  /// The folder as the caller named it (for messages).
  let directory: String
  /// What messages call it: "workdir", "folder".
  let noun: String
  /// Its real path (links resolved), to tell whether a link points inside.
  let realRoot: String
  /// The folder to walk, as given.
  let root: String
  let excluded: Set<NodeID>
  var found: [Found] = []
  var skipped: [String] = []

  init(directory: String, excluding: [String], noun: String) throws(FileBundleError) {
    self.directory = directory
    self.noun = noun
    var info = stat()
    guard stat(directory, &info) == 0 else {
      throw FileBundleError(.unreadable, "\(noun) \(directory) cannot be read: \(FileBundle.errorText())")
    }
    guard info.st_mode & S_IFMT == S_IFDIR else {
      throw FileBundleError(.unreadable, "\(noun) \(directory) is not a folder")
    }
    guard let real = Self.realPath(directory) else {
      throw FileBundleError(.unreadable, "\(noun) \(directory) cannot be resolved: \(FileBundle.errorText())")
    }
    realRoot = real
    root = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    var excluded = Set<NodeID>()
    for path in excluding {
      var other = stat()
      // A folder to leave out that does not exist (yet) has nothing to leave out.
      if stat(path, &other) == 0 { excluded.insert(Self.id(other)) }
    }
    self.excluded = excluded
  }

  static func id(_ info: stat) -> NodeID {
    NodeID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  func isInside(_ real: String) -> Bool {
    real == realRoot || real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/")
  }

  /// Walks the folder at `path` (whose relative name is `relative`, empty or ending in `/`).
  mutating func walk(_ path: String, relative: String, ancestry: Set<NodeID>) throws(FileBundleError) {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw FileBundleError(.unreadable, "\(noun) \(directory): '\(relative)' cannot be read: \(FileBundle.errorText())")
    }
    let id = Self.id(info)
    if ancestry.contains(id) {
      throw FileBundleError(
        .symlink, "\(noun) \(directory): '\(relative.dropLast())' is a symbolic link into a loop (to one of its own parent folders); remove it")
    }
    var ancestry = ancestry
    ancestry.insert(id)
    for name in try names(in: path, relative: relative) {
      let full = path + "/" + name
      let rel = relative + name
      var link = stat()
      guard lstat(full, &link) == 0 else {
        throw FileBundleError(.unreadable, "\(noun) \(directory): '\(rel)' cannot be read: \(FileBundle.errorText())")
      }
      var target = link
      if link.st_mode & S_IFMT == S_IFLNK {
        let pointsTo = Self.linkText(full)
        guard let real = Self.realPath(full), stat(full, &target) == 0 else {
          throw FileBundleError(
            .symlink, "\(noun) \(directory): '\(rel)' is a symbolic link to '\(pointsTo)', which does not exist; remove it or make it point to a file inside the \(noun)")
        }
        guard isInside(real) else {
          throw FileBundleError(
            .symlink, "\(noun) \(directory): '\(rel)' is a symbolic link to '\(pointsTo)', outside the \(noun); only links to files inside the \(noun) are followed (copy the file into the \(noun) instead)")
        }
      }
      switch target.st_mode & S_IFMT {
      case S_IFDIR:
        if FileBundle.skippedFolderNames.contains(name) || excluded.contains(Self.id(target))
          || access(full + "/pyvenv.cfg", F_OK) == 0
        {
          skipped.append(rel + "/")
          continue
        }
        try walk(full, relative: rel + "/", ancestry: ancestry)
      case S_IFREG:
        found.append(Found(path: rel, source: full, size: Int(target.st_size), executable: target.st_mode & 0o111 != 0))
      default:
        throw FileBundleError(
          .unsupportedFile, "\(noun) \(directory): '\(rel)' is not a regular file, folder or symbolic link (a socket, FIFO or device); only files can travel to workers")
      }
    }
  }

  /// The names in the folder at `path`, other than `.` and `..`.
  private func names(in path: String, relative: String) throws(FileBundleError) -> [String] {
    guard let dir = opendir(path) else {
      throw FileBundleError(.unreadable, "\(noun) \(directory): '\(relative)' cannot be listed: \(FileBundle.errorText())")
    }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let bytes = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
        Array(raw.prefix { $0 != 0 })
      }
      if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
      guard let name = String(validating: bytes, as: UTF8.self) else {
        throw FileBundleError(
          .badName, "\(noun) \(directory): folder '\(relative)' holds a name that is not UTF-8 ('\(String(decoding: bytes, as: UTF8.self))'); rename it")
      }
      names.append(name)
    }
    // In byte order, so that the first problem met is the same on every run.
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// What the link at `path` says (for messages).
  static func linkText(_ path: String) -> String {
    var buffer = [CChar](repeating: 0, count: 4097)
    let n = readlink(path, &buffer, 4096)
    guard n >= 0 else { return "?" }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
