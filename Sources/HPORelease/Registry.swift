import Foundation
import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// A directory registry of released models: `ROOT/NAME/versions/1/`, `2/`, …
/// (each a complete, verified package copy), `ROOT/NAME/current` a symlink to
/// `versions/N` switched atomically (a new symlink renamed over the old one),
/// and `ROOT/NAME/history.jsonl`, one line per promotion or rollback.
public struct Registry: Sendable {
  public var root: String

  public init(root: String) { self.root = root }

  /// The registry holding the entry directory `entry` (`ROOT/NAME`), and the name.
  public static func entry(_ entry: String) -> (Registry, String) {
    let url = URL(fileURLWithPath: entry).standardizedFileURL
    return (Registry(root: url.deletingLastPathComponent().path), url.lastPathComponent)
  }

  /// One line of `history.jsonl`.
  public struct Event: Sendable, Equatable {
    public var action: String
    public var version: Int
    /// The version `current` pointed at before, if any.
    public var previous: Int?
    public var time: String
    public var source: String?
  }

  /// An entry's state.
  public struct Entry: Sendable, Equatable {
    public var name: String
    public var versions: [Int]
    public var current: Int?
    public var history: [Event]
  }

  func entryURL(_ name: String) -> URL { URL(fileURLWithPath: root).appendingPathComponent(name) }

  /// Entry names (directories with a `versions` folder), sorted.
  /// - Throws: ``ReleaseError`` when the registry directory is missing or
  ///   cannot be read: a registry that cannot be read is never shown as empty.
  public func names() throws -> [String] {
    let items: [String]
    do { items = try FileManager.default.contentsOfDirectory(atPath: root) } catch {
      throw ReleaseError("cannot read the registry \(root): \(Self.reason(error, path: root))")
    }
    return items.filter { FileManager.default.fileExists(atPath: entryURL($0).appendingPathComponent("versions").path) }.sorted()
  }

  /// The entry `name`, or `nil` when the registry has no folder of that name.
  /// - Throws: ``ReleaseError`` when the entry exists but cannot be read: its
  ///   `versions` folder is missing or unreadable, `current` points at no
  ///   version, or `history.jsonl` is unreadable (corruption never looks like
  ///   an absent entry, or a release would be compared against nothing).
  public func entry(_ name: String) throws -> Entry? {
    try Self.checkName(name)
    guard Self.exists(entryURL(name).path) else { return nil }
    let versionsDir = entryURL(name).appendingPathComponent("versions")
    let items: [String]
    do { items = try FileManager.default.contentsOfDirectory(atPath: versionsDir.path) } catch {
      throw ReleaseError("the registry entry \(entryURL(name).path) is damaged: cannot read \(versionsDir.path): \(Self.reason(error, path: versionsDir.path))")
    }
    let versions = items.compactMap { Int($0) }.sorted()
    return Entry(name: name, versions: versions, current: try current(name), history: try history(name))
  }

  /// The version `current` points at; `nil` when the entry has no `current`
  /// link (nothing promoted yet).
  /// - Throws: ``ReleaseError`` when `current` is not a link to `versions/N`
  ///   or points at a version that does not exist (a dangling link).
  public func current(_ name: String) throws -> Int? {
    let link = entryURL(name).appendingPathComponent("current").path
    guard Self.exists(link) else { return nil }
    let target: String
    do { target = try FileManager.default.destinationOfSymbolicLink(atPath: link) } catch {
      throw ReleaseError("the registry entry \(entryURL(name).path) is damaged: \(link) is not a symbolic link to versions/N (\(Self.reason(error, path: link)))")
    }
    guard target.hasPrefix("versions/"), let version = Int(target.dropFirst("versions/".count)) else {
      throw ReleaseError("the registry entry \(entryURL(name).path) is damaged: \(link) points at \"\(target)\"; expected versions/N")
    }
    guard FileManager.default.fileExists(atPath: entryURL(name).appendingPathComponent(target).path) else {
      throw ReleaseError("the registry entry \(entryURL(name).path) is damaged: \(link) points at \(target), which does not exist; roll back or promote a package to repair it")
    }
    return version
  }

  /// Whether anything (a dangling symbolic link included) is at `path`.
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// A file error as a short reason.
  static func reason(_ error: any Error, path: String) -> String {
    let e = error as NSError
    if let posix = e.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(posix.code)))
    }
    switch e.code {
    case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file or directory"
    case NSFileReadNoPermissionError: return "permission denied"
    default: return e.localizedDescription
    }
  }

  /// Copies the verified package `package` in as the next version and makes it current.
  /// - Returns: the new version number.
  /// - Throws: ``ReleaseError`` when the package fails its checksums or a file cannot be written
  ///   (the entry is then unchanged: a half-copied version stays a hidden temporary).
  @discardableResult
  public func promote(package: String, as name: String, now: Date = Date()) throws -> Int {
    try Self.checkName(name)
    let problems = PackageWriter.verify(package)
    guard problems.isEmpty else {
      throw ReleaseError("\(package) is not an intact package: \(problems.joined(separator: "; "))")
    }
    let fm = FileManager.default
    let entry = entryURL(name)
    let versions = entry.appendingPathComponent("versions")
    do { try fm.createDirectory(at: versions, withIntermediateDirectories: true) } catch {
      throw ReleaseError("cannot create \(versions.path): \(error.localizedDescription)")
    }
    let existing: [Int]
    do { existing = try fm.contentsOfDirectory(atPath: versions.path).compactMap { Int($0) } } catch {
      throw ReleaseError("cannot read \(versions.path): \(Self.reason(error, path: versions.path))")
    }
    let version = (existing.max() ?? 0) + 1
    var files: [String: [UInt8]] = [:]
    for file in try fm.contentsOfDirectory(atPath: package) where file != PackageWriter.checksumFile {
      guard let data = fm.contents(atPath: URL(fileURLWithPath: package).appendingPathComponent(file).path) else {
        throw ReleaseError("cannot read \(file) of \(package)")
      }
      files[file] = Array(data)
    }
    try PackageWriter.write(files, to: versions.appendingPathComponent(String(version)).path)
    let previous = try current(name)
    try switchCurrent(name, to: version)
    try append(Event(action: "promote", version: version, previous: previous, time: Self.timestamp(now),
                     source: URL(fileURLWithPath: package).standardizedFileURL.path), to: name)
    return version
  }

  /// Points `current` back at the version that was current before the current
  /// one was promoted. - Returns: that version.
  @discardableResult
  public func rollback(_ name: String, now: Date = Date()) throws -> Int {
    guard let entry = try entry(name) else { throw ReleaseError("the registry \(root) has no entry named \(name)") }
    guard let current = entry.current else { throw ReleaseError("\(name) has no current version to roll back from") }
    let promotion = entry.history.last { $0.action == "promote" && $0.version == current }
    let candidates = entry.versions.filter { $0 < current }
    guard let target = promotion?.previous ?? candidates.last, entry.versions.contains(target) else {
      throw ReleaseError("\(name) has no version before \(current) to roll back to")
    }
    try switchCurrent(name, to: target)
    try append(Event(action: "rollback", version: target, previous: current, time: Self.timestamp(now), source: nil), to: name)
    return target
  }

  /// A new symlink renamed over `current`: readers see the old or the new target, never none.
  private func switchCurrent(_ name: String, to version: Int) throws {
    let entry = entryURL(name)
    let link = entry.appendingPathComponent("current")
    let temporary = URL(fileURLWithPath: AtomicFile.temporaryName(for: link.path))
    guard symlink("versions/\(version)", temporary.path) == 0 else {
      throw ReleaseError("cannot create a symlink in \(entry.path): \(String(cString: strerror(errno)))")
    }
    guard rename(temporary.path, link.path) == 0 else {
      let why = String(cString: strerror(errno))
      unlink(temporary.path)
      throw ReleaseError("cannot switch \(link.path): \(why)")
    }
    try PackageWriter.syncDirectory(entry.path)
  }

  private func append(_ e: Event, to name: String) throws {
    var members: [(String, JSONValue)] = [("action", .string(e.action)), ("version", .int(e.version))]
    members.append(("previous", e.previous.map { .int($0) } ?? JSONValue(.null)))
    members.append(("time", .string(e.time)))
    if let s = e.source { members.append(("source", .string(s))) }
    let line = JSONValue.object(members).compactText + "\n"
    let path = entryURL(name).appendingPathComponent("history.jsonl").path
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    guard fd >= 0 else { throw ReleaseError("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    let bytes = Array(line.utf8)
    guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count, fsync(fd) == 0 else {
      throw ReleaseError("cannot append to \(path): \(String(cString: strerror(errno)))")
    }
  }

  /// The entry's events, oldest first; none when there is no `history.jsonl`.
  /// - Throws: ``ReleaseError`` when the file cannot be read or a line is not
  ///   an event (naming the line).
  public func history(_ name: String) throws -> [Event] {
    let path = entryURL(name).appendingPathComponent("history.jsonl").path
    guard Self.exists(path) else { return [] }
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw ReleaseError("cannot read \(path): \(Self.reason(error, path: path))")
    }
    var events: [Event] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
      guard let event = Self.event(String(line)) else {
        throw ReleaseError("\(path):\(index + 1): not a registry event (expected a JSON object with action, version and time)")
      }
      events.append(event)
    }
    return events
  }

  /// One line of `history.jsonl`, or `nil` when it is not an event.
  private static func event(_ line: String) -> Event? {
    let v: JSONValue
    do { v = try JSONParser.parse(line) } catch { return nil }
    guard case .string(let action)? = v["action"]?.kind, case .number(let version)? = v["version"]?.kind, let n = version.int,
      case .string(let time)? = v["time"]?.kind
    else { return nil }
    var previous: Int?
    if case .number(let p)? = v["previous"]?.kind { previous = p.int }
    var source: String?
    if case .string(let s)? = v["source"]?.kind { source = s }
    return Event(action: action, version: n, previous: previous, time: time, source: source)
  }

  static func checkName(_ name: String) throws {
    guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
      throw ReleaseError("\"\(name)\" is not a registry entry name; accepted: letters, digits, '.', '_' and '-', not starting with '.'")
    }
  }

  static func timestamp(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.string(from: date)
  }
}
