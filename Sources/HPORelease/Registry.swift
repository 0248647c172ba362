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
  public func names() -> [String] {
    let items = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return items.filter { FileManager.default.fileExists(atPath: entryURL($0).appendingPathComponent("versions").path) }.sorted()
  }

  /// The entry `name`, or `nil` when the registry has none.
  public func entry(_ name: String) throws -> Entry? {
    try Self.checkName(name)
    let versionsDir = entryURL(name).appendingPathComponent("versions")
    guard let items = try? FileManager.default.contentsOfDirectory(atPath: versionsDir.path) else { return nil }
    let versions = items.compactMap { Int($0) }.sorted()
    return Entry(name: name, versions: versions, current: current(name), history: history(name))
  }

  /// The version `current` points at.
  public func current(_ name: String) -> Int? {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: entryURL(name).appendingPathComponent("current").path),
      target.hasPrefix("versions/")
    else { return nil }
    return Int(target.dropFirst("versions/".count))
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
    let existing = ((try? fm.contentsOfDirectory(atPath: versions.path)) ?? []).compactMap { Int($0) }
    let version = (existing.max() ?? 0) + 1
    var files: [String: [UInt8]] = [:]
    for file in try fm.contentsOfDirectory(atPath: package) where file != PackageWriter.checksumFile {
      guard let data = fm.contents(atPath: URL(fileURLWithPath: package).appendingPathComponent(file).path) else {
        throw ReleaseError("cannot read \(file) of \(package)")
      }
      files[file] = Array(data)
    }
    try PackageWriter.write(files, to: versions.appendingPathComponent(String(version)).path)
    let previous = current(name)
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

  /// The entry's events, oldest first (unreadable lines are skipped).
  public func history(_ name: String) -> [Event] {
    let path = entryURL(name).appendingPathComponent("history.jsonl").path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      guard let v = try? JSONParser.parse(String(line)), case .string(let action)? = v["action"]?.kind,
        case .number(let version)? = v["version"]?.kind, let n = version.int,
        case .string(let time)? = v["time"]?.kind
      else { return nil }
      var previous: Int?
      if case .number(let p)? = v["previous"]?.kind { previous = p.int }
      var source: String?
      if case .string(let s)? = v["source"]?.kind { source = s }
      return Event(action: action, version: n, previous: previous, time: time, source: source)
    }
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
