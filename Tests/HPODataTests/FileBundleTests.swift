import Crypto
import Foundation
import HPOCore
import Testing
@testable import HPOData

/// File bundles: packing real folders, the byte layout, unpacking, and bad
/// input from the network.
@Suite struct FileBundleTests {
  let directory = TemporaryDirectory()

  /// A workdir under the temporary directory with nested folders, an
  /// executable script, an empty file and binary content.
  func makeWorkdir(_ name: String = "work") throws -> String {
    let root = directory.path + "/" + name
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/lib/deep", withIntermediateDirectories: true)
    fm.createFile(atPath: root + "/train.py", contents: Data("print('hi')\n".utf8))
    fm.createFile(atPath: root + "/run.sh", contents: Data("#!/bin/sh\necho ok\n".utf8))
    try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/run.sh")
    fm.createFile(atPath: root + "/lib/empty", contents: Data())
    fm.createFile(atPath: root + "/lib/deep/blob.bin", contents: Data((0...255).map { UInt8($0) }))
    fm.createFile(atPath: root + "/lib-x.txt", contents: Data("sorts before lib/ by bytes".utf8))
    return root
  }

  func thrown(_ body: () throws(FileBundleError) -> Void) -> FileBundleError? {
    do {
      try body()
      return nil
    } catch {
      return error
    }
  }

  @Test func pack_unpack_roundTrip_keepsContentPathsAndExecutableBit() throws {
    let root = try makeWorkdir()
    let bundle = try FileBundle.pack(directory: root)
    #expect(bundle.entries.map(\.path) == ["lib-x.txt", "lib/deep/blob.bin", "lib/empty", "run.sh", "train.py"])
    #expect(bundle.entries.map(\.executable) == [false, false, false, true, false])
    #expect(bundle.entries.map(\.bytes) == [26, 256, 0, 18, 12])
    #expect(bundle.entries[2].sha256 == SHA256Hex.of([UInt8]()))
    #expect(bundle.sha256 == SHA256Hex.of(bundle.encoded))

    let out = directory.path + "/cache/" + bundle.sha256
    let entries = try FileBundle.unpack(bundle.encoded, into: out)
    #expect(entries == bundle.entries)
    let fm = FileManager.default
    for entry in bundle.entries {
      let original = try #require(fm.contents(atPath: root + "/" + entry.path))
      let copy = try #require(fm.contents(atPath: out + "/" + entry.path))
      #expect(copy == original, "\(entry.path)")
      let mode = try #require(fm.attributesOfItem(atPath: out + "/" + entry.path)[.posixPermissions] as? Int)
      #expect(mode == (entry.executable ? 0o555 : 0o444), "\(entry.path)")
    }
    // Nothing but the target was left next to it.
    #expect(try fm.contentsOfDirectory(atPath: directory.path + "/cache") == [bundle.sha256])
  }

  @Test func pack_sameFiles_giveSameBytes_otherFilesOtherBytes() throws {
    let first = try makeWorkdir("a")
    let second = try makeWorkdir("b")
    // Other times and other folders: the same content gives the same bytes.
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: second + "/train.py")
    let a = try FileBundle.pack(directory: first)
    let b = try FileBundle.pack(directory: second)
    #expect(a.encoded == b.encoded && a.sha256 == b.sha256)
    #expect(try FileBundle.pack(directory: first).encoded == a.encoded)
    FileManager.default.createFile(atPath: second + "/train.py", contents: Data("print('bye')\n".utf8))
    #expect(try FileBundle.pack(directory: second).sha256 != a.sha256)
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: first + "/run.sh")
    #expect(try FileBundle.pack(directory: first).sha256 != a.sha256)
  }

  /// The documented layout, written here independently of the encoder.
  static func craft(_ files: [(path: String, content: [UInt8], flags: UInt32)], version: UInt32 = 1) -> [UInt8] {
    var out = Array("HPOFILES".utf8)
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    put(version)
    put(UInt32(files.count))
    for file in files {
      put(UInt32(file.path.utf8.count))
      put(file.flags)
      put(UInt64(file.content.count))
      out += Array(SHA256.hash(data: file.content))
      out += Array(file.path.utf8)
    }
    for file in files { out += file.content }
    return out
  }

  @Test func encoding_isTheDocumentedLayout() throws {
    let root = directory.path + "/small"
    try FileManager.default.createDirectory(atPath: root + "/d", withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: root + "/d/x", contents: Data("xyz".utf8))
    FileManager.default.createFile(atPath: root + "/a", contents: Data("1".utf8))
    try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root + "/a")
    let bundle = try FileBundle.pack(directory: root)
    #expect(bundle.encoded == Self.craft([("a", Array("1".utf8), 1), ("d/x", Array("xyz".utf8), 0)]))
    #expect(Array(try FileBundle(decoding: bundle.encoded).content(1)) == Array("xyz".utf8))
  }

  @Test func pack_skipsVersionControlCachesVirtualEnvironmentsAndExcludedFolders() throws {
    let root = try makeWorkdir()
    let fm = FileManager.default
    for folder in [".git/objects", "lib/__pycache__", "venv/bin", ".venv", "runs/data", "env-not-venv"] {
      try fm.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
    }
    fm.createFile(atPath: root + "/.git/HEAD", contents: Data("ref".utf8))
    fm.createFile(atPath: root + "/lib/__pycache__/m.pyc", contents: Data([1]))
    fm.createFile(atPath: root + "/venv/pyvenv.cfg", contents: Data("home = /usr\n".utf8))
    fm.createFile(atPath: root + "/.venv/pyvenv.cfg", contents: Data("home = /usr\n".utf8))
    fm.createFile(atPath: root + "/runs/data/store.sqlite", contents: Data([2]))
    fm.createFile(atPath: root + "/env-not-venv/helper.py", contents: Data("x = 1\n".utf8))
    fm.createFile(atPath: root + "/.hidden-file", contents: Data("kept".utf8))
    let bundle = try FileBundle.pack(directory: root, excluding: [root + "/runs", directory.path + "/not-there"])
    #expect(bundle.skipped == [".git/", ".venv/", "lib/__pycache__/", "runs/", "venv/"])
    #expect(bundle.entries.map(\.path) == [
      ".hidden-file", "env-not-venv/helper.py", "lib-x.txt", "lib/deep/blob.bin", "lib/empty", "run.sh", "train.py",
    ])
  }

  @Test func pack_followsLinksInside_refusesLinksOutsideDanglingAndLoops() throws {
    let root = try makeWorkdir()
    let fm = FileManager.default
    try fm.createSymbolicLink(atPath: root + "/alias.py", withDestinationPath: "train.py")
    try fm.createSymbolicLink(atPath: root + "/libs", withDestinationPath: "lib/deep")
    let bundle = try FileBundle.pack(directory: root)
    let paths = bundle.entries.map(\.path)
    #expect(paths.contains("alias.py") && paths.contains("libs/blob.bin"))
    let alias = try #require(bundle.entries.firstIndex { $0.path == "alias.py" })
    #expect(Array(bundle.content(alias)) == Array("print('hi')\n".utf8))

    directory.write("secret.txt", "outside")
    try fm.createSymbolicLink(atPath: root + "/lib/leak.txt", withDestinationPath: directory.path + "/secret.txt")
    let outside = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root) }
    #expect(outside?.kind == .symlink)
    #expect(outside?.message == "workdir \(root): 'lib/leak.txt' is a symbolic link to '\(directory.path)/secret.txt', outside the workdir; only links to files inside the workdir are followed (copy the file into the workdir instead)")
    try fm.removeItem(atPath: root + "/lib/leak.txt")

    try fm.createSymbolicLink(atPath: root + "/up", withDestinationPath: "../")
    #expect(thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root) }?.kind == .symlink)
    try fm.removeItem(atPath: root + "/up")

    try fm.createSymbolicLink(atPath: root + "/gone", withDestinationPath: "missing.py")
    let dangling = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root) }
    #expect(dangling?.message == "workdir \(root): 'gone' is a symbolic link to 'missing.py', which does not exist; remove it or make it point to a file inside the workdir")
    try fm.removeItem(atPath: root + "/gone")

    try fm.createSymbolicLink(atPath: root + "/lib/deep/loop", withDestinationPath: "..")
    let loop = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root) }
    #expect(loop?.kind == .symlink)
    #expect(loop?.message == "workdir \(root): 'lib/deep/loop' is a symbolic link into a loop (to one of its own parent folders); remove it")
  }

  @Test func pack_refusesFoldersOverTheCap_namingTheLargestFiles() throws {
    let root = try makeWorkdir()
    let exact = try FileBundle.pack(directory: root).encoded.count
    #expect(try FileBundle.pack(directory: root, limit: exact).encoded.count == exact)
    let error = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root, limit: exact - 1) }
    #expect(error?.kind == .tooLarge)
    #expect(error?.message == "workdir \(root) holds \(exact) bytes of files (5 files), over the cap of \(exact - 1) bytes on what travels to workers; the largest: 'lib/deep/blob.bin' (256 bytes), 'lib-x.txt' (26 bytes), 'run.sh' (18 bytes). Move large data out of the workdir (the experiment's data travels as its own shards)")
  }

  @Test func pack_refusesMissingFoldersAndSpecialFiles() throws {
    let missing = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: directory.path + "/nope") }
    #expect(missing?.message == "workdir \(directory.path)/nope cannot be read: No such file or directory")
    let root = try makeWorkdir()
    #expect(mkfifo(root + "/pipe", 0o644) == 0)
    let fifo = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root) }
    #expect(fifo?.kind == .unsupportedFile)
    #expect(fifo?.message.hasPrefix("workdir \(root): 'pipe' is not a regular file") == true)
  }

  // MARK: Reading bytes from the network

  func refusal(_ bytes: [UInt8]) -> FileBundleError? {
    thrown { () throws(FileBundleError) in _ = try FileBundle(decoding: bytes) }
  }

  @Test func decode_refusesUnsafeDuplicateAndUnorderedPaths() {
    let cases: [(String, [(String, [UInt8], UInt32)], FileBundleError.Kind, String)] = [
      ("absolute", [("/etc/passwd", [1], 0)], .unsafePath, "file bundle's path '/etc/passwd' is absolute; paths must be relative, with no empty, '.' or '..' component"),
      ("parent", [("../x", [1], 0)], .unsafePath, "file bundle's path '../x' has a '..' component; paths must be relative, with no empty, '.' or '..' component"),
      ("inner parent", [("a/../../x", [1], 0)], .unsafePath, "file bundle's path 'a/../../x' has a '..' component; paths must be relative, with no empty, '.' or '..' component"),
      ("dot", [("./x", [1], 0)], .unsafePath, "file bundle's path './x' has a '.' component; paths must be relative, with no empty, '.' or '..' component"),
      ("empty component", [("a//x", [1], 0)], .unsafePath, "file bundle's path 'a//x' has an empty component; paths must be relative, with no empty, '.' or '..' component"),
      ("trailing slash", [("a/", [1], 0)], .unsafePath, "file bundle's path 'a/' has an empty component; paths must be relative, with no empty, '.' or '..' component"),
      ("NUL", [("a\u{0}b", [1], 0)], .unsafePath, "file bundle's path 'a\u{0}b' holds a NUL byte; paths must be relative, with no empty, '.' or '..' component"),
      ("duplicate", [("a", [1], 0), ("a", [1], 0)], .duplicatePath, "file bundle holds 'a' twice; each path may occur once"),
      ("order", [("b", [1], 0), ("a", [1], 0)], .corrupt, "file bundle's paths are out of order ('a' after 'b'); they must be in increasing byte order"),
      ("file and folder", [("a", [1], 0), ("a/b", [1], 0)], .duplicatePath, "file bundle holds 'a' both as a file and as the folder of 'a/b'"),
      ("flags", [("a", [1], 2)], .corrupt, "file bundle's file 'a' has flags 2; only bit 0 (executable) is defined"),
    ]
    for (name, files, kind, message) in cases {
      let error = refusal(Self.craft(files))
      #expect(error?.kind == kind, "\(name)")
      #expect(error?.message == message, "\(name)")
    }
    // An empty path, written by hand: its length field is 0.
    var empty = Self.craft([("x", [1], 0)])
    empty[16] = 0
    #expect(refusal(empty)?.message == "file bundle's file 1 has a path of 0 bytes; paths have 1...4096")
  }

  @Test func decode_refusesDamagedHeadersAndContents() {
    let good = Self.craft([("a.py", Array("abc".utf8), 0), ("b/c", Array("defg".utf8), 1)])
    #expect(refusal(good) == nil)
    #expect(refusal(Array("HPOFILEZ".utf8) + good.dropFirst(8))?.kind == .badMagic)
    #expect(refusal(Self.craft([("a", [1], 0)], version: 2))?.message == "file bundle has format version 2; this hpo reads version 1")
    #expect(refusal(good + [0])?.message == "file bundle has 1 bytes after its last file; nothing may follow it")
    var flipped = good
    flipped[flipped.count - 1] ^= 1
    #expect(refusal(flipped)?.message == "file bundle's file 'b/c' is corrupt: its SHA-256 is \(SHA256Hex.of(Array("deff".utf8))), the index names \(SHA256Hex.of(Array("defg".utf8)))")
    var manyFiles = good
    manyFiles[12] = 0xFF
    manyFiles[15] = 0x7F
    #expect(refusal(manyFiles)?.kind == .truncated)
    var hugeFile = good
    for i in 24..<32 { hugeFile[i] = 0xFF }  // size of the first file: 2^64 - 1
    #expect(refusal(hugeFile)?.kind == .truncated)
    // Every prefix is refused, none traps.
    for n in 0..<good.count {
      let error = refusal(Array(good.prefix(n)))
      #expect(error?.kind == .truncated || error?.kind == .badMagic, "prefix \(n): \(String(describing: error))")
    }
    // Every single-byte change is refused, or (a changed path or executable
    // flag: the shard's own SHA-256 guards those) accepted as a canonical
    // bundle; none traps.
    let unguarded = Set([20, 72]).union(64..<68).union(116..<119)
    for i in 0..<good.count {
      for delta: UInt8 in [1, 0x80] {
        var changed = good
        changed[i] = changed[i] &+ delta
        do {
          let bundle = try FileBundle(decoding: changed)
          let files = bundle.entries.indices.map { (bundle.entries[$0].path, Array(bundle.content($0)), bundle.entries[$0].executable) }
          #expect(FileBundle.encode(files, skipped: []).encoded == changed, "byte \(i) + \(delta)")
          #expect(unguarded.contains(i), "byte \(i) + \(delta) accepted outside the paths and flags")
        } catch {
          #expect(!error.message.isEmpty)
        }
      }
    }
  }

  // MARK: Unpacking

  @Test func unpack_intoAnExistingFolder_keepsIt() throws {
    let root = try makeWorkdir()
    let bundle = try FileBundle.pack(directory: root)
    let target = directory.path + "/cache/x"
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: target + "/winner", contents: Data("first".utf8))
    try bundle.unpack(into: target)
    #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["winner"])
  }

  @Test func unpack_concurrently_oneFolderWhole() async throws {
    let root = try makeWorkdir()
    let bundle = try FileBundle.pack(directory: root)
    let target = directory.path + "/cache/" + bundle.sha256
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<4 { group.addTask { try bundle.unpack(into: target) } }
      try await group.waitForAll()
    }
    for entry in bundle.entries {
      #expect(FileManager.default.contents(atPath: target + "/" + entry.path) == FileManager.default.contents(atPath: root + "/" + entry.path))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/cache") == [bundle.sha256])
  }

  @Test func unpack_failure_leavesNothingBehind() throws {
    let bundle = try FileBundle.pack(directory: try makeWorkdir())
    directory.write("plain-file", "not a folder")
    let error = thrown { () throws(FileBundleError) in try bundle.unpack(into: directory.path + "/plain-file/inner/x") }
    #expect(error?.kind == .writeFailed)
    #expect(error?.message.hasPrefix("cannot unpack the file bundle into \(directory.path)/plain-file/inner/x: ") == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["plain-file", "work"])
  }
}
