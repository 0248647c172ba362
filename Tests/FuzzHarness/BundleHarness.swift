import Crypto
import Foundation
import HPOData

/// The file-bundle reader and unpacker, as a worker meets a command
/// experiment's `.code` shard from the network.
///
/// Input: byte 0 holds flags, the rest is the bundle. Flag bit 0 has the
/// harness write each file's correct SHA-256 into the index wherever the
/// index and contents are in bounds (so the fuzzer gets past the hashes to
/// the paths and the unpacking).
///
/// Properties: reading throws or returns, never traps; an accepted bundle is
/// canonical (its files encode back to the same bytes); unpacked, it writes
/// exactly its files, with their contents, inside the target folder and
/// nothing outside it. The streaming reader of bundle files (a command
/// trial's checkpoint) agrees: the same input as a file is refused with the
/// same error, leaving nothing, or unpacks to the same files.
enum BundleHarness {
  static func run(_ bytes: [UInt8], in scratch: URL) -> FuzzTarget.Outcome {
    guard let flags = bytes.first else { return .refused("empty input") }
    var input = Array(bytes.dropFirst())
    if flags & 1 != 0 { seal(&input) }
    let area = scratch.appendingPathComponent("bundle", isDirectory: true)
    let target = area.appendingPathComponent("out", isDirectory: true)
    // Left from the previous input (or absent): this harness's own folder.
    try? FileManager.default.removeItem(at: area)
    makeDirectory(area)
    let file = scratch.appendingPathComponent("bundle-input")
    guard FileManager.default.createFile(atPath: file.path, contents: Data(input)) else {
      return .violated("cannot write the input to \(file.path)")
    }
    let fromFile: FileBundleError?
    do {
      try FileBundle.unpack(file: file.path, into: target.path)
      fromFile = nil
    } catch {
      fromFile = error
    }
    let bundle: FileBundle
    do {
      bundle = try FileBundle(decoding: input)
    } catch {
      guard fromFile?.message == error.message else {
        return .violated("the file reader says \(fromFile?.message ?? "nothing"), the in-memory reader \(error.message)")
      }
      let left = (try? FileManager.default.contentsOfDirectory(atPath: area.path)) ?? []  // listed: our own folder
      guard left.isEmpty else { return .violated("a refused bundle file left \(left) behind") }
      return .refused(error.message)
    }
    guard encode(bundle) == input else {
      return .violated("an accepted bundle is not canonical: its files encode to other bytes")
    }
    if let fromFile {
      // A name the filesystem refuses (too long, say) is a write failure, not a reading one.
      guard fromFile.kind == .writeFailed else {
        return .violated("the file reader refused a bundle the in-memory reader accepts: \(fromFile.message)")
      }
      let left = (try? FileManager.default.contentsOfDirectory(atPath: area.path)) ?? []  // listed: our own folder
      guard left.isEmpty else { return .violated("a bundle file that could not be unpacked left \(left) behind") }
      return .refused("unpack: \(fromFile.message)")
    }
    if let problem = check(bundle, unpackedIn: area, target: target) { return problem }
    // The same bundle unpacked from memory.
    try? FileManager.default.removeItem(at: area)  // our own folder, checked just above
    makeDirectory(area)
    do {
      try bundle.unpack(into: target.path)
    } catch {
      return .refused("unpack: \(error.message)")
    }
    return check(bundle, unpackedIn: area, target: target) ?? .accepted
  }

  /// Why `bundle` unpacked into `target` (inside `area`) breaks a property, or nil.
  static func check(_ bundle: FileBundle, unpackedIn area: URL, target: URL) -> FuzzTarget.Outcome? {
    let outside = (try? FileManager.default.contentsOfDirectory(atPath: area.path)) ?? []  // listed: our own folder
    guard outside == ["out"] else { return .violated("unpacking wrote outside its target: \(outside)") }
    var written: [String] = []
    if let walker = FileManager.default.enumerator(atPath: target.path) {
      while let path = walker.nextObject() as? String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
          written.append(path)
        }
      }
    }
    guard written.sorted() == bundle.entries.map(\.path).sorted() else {
      return .violated("unpacking wrote \(written.sorted()), not the bundle's files \(bundle.entries.map(\.path))")
    }
    for (i, entry) in bundle.entries.enumerated() {
      guard let content = FileManager.default.contents(atPath: target.path + "/" + entry.path),
        Array(content) == Array(bundle.content(i))
      else { return .violated("unpacked '\(entry.path)' differs from its content in the bundle") }
    }
    return nil
  }

  /// The documented layout of `bundle`'s files, written here apart from the reader.
  static func encode(_ bundle: FileBundle) -> [UInt8] {
    var out = FileBundle.magic
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    put(FileBundle.version)
    put(UInt32(bundle.entries.count))
    for (i, entry) in bundle.entries.enumerated() {
      put(UInt32(entry.path.utf8.count))
      put(UInt32(entry.executable ? 1 : 0))
      put(UInt64(entry.bytes))
      out += Array(SHA256.hash(data: Array(bundle.content(i))))
      out += Array(entry.path.utf8)
    }
    for i in bundle.entries.indices { out += bundle.content(i) }
    return out
  }

  /// Writes each file's SHA-256 into the index of `bytes`, as far as the
  /// layout's lengths stay in bounds (a harness of its own, apart from the reader).
  static func seal(_ bytes: inout [UInt8]) {
    func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
    guard bytes.count >= 16 else { return }
    let count = u32(12)
    var position = 16
    var digests: [(at: Int, size: Int)] = []
    for _ in 0..<min(count, 1 << 16) {
      guard position + 48 <= bytes.count else { return }
      let length = u32(position)
      let size = u64(position + 8)
      guard size <= UInt64(bytes.count), position + 48 + length <= bytes.count else { return }
      digests.append((position + 16, Int(size)))
      position += 48 + length
    }
    for digest in digests {
      guard position + digest.size <= bytes.count else { return }
      let hash = Array(SHA256.hash(data: bytes[position..<(position + digest.size)]))
      bytes.replaceSubrange(digest.at..<(digest.at + 32), with: hash)
      position += digest.size
    }
  }
}
