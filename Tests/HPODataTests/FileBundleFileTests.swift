import Foundation
import HPOCore
import Testing
@testable import HPOData

/// File bundles written to and read from files, streaming (a command trial's
/// checkpoint): the same bytes as the in-memory bundle, the same refusals of
/// bad input, nothing half-written.
@Suite struct FileBundleFileTests {
  let bundles = FileBundleTests()
  var directory: TemporaryDirectory { bundles.directory }

  /// A workdir with a file larger than the stream buffer (its pieces cross
  /// buffer boundaries) besides the small ones.
  func makeFolder() throws -> String {
    let root = try bundles.makeWorkdir()
    let big = (0..<(FileBundle.streamBufferBytes * 2 + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
    try Data(big).write(to: URL(fileURLWithPath: root + "/lib/deep/weights.bin"))
    return root
  }

  func thrown(_ body: () throws(FileBundleError) -> Void) -> FileBundleError? { bundles.thrown(body) }

  /// Names in `folder`, hidden temporaries included.
  func names(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
  }

  @Test func packToFile_isByteForByteThePackInMemory() throws {
    let root = try makeFolder()
    try FileManager.default.createDirectory(atPath: root + "/.git", withIntermediateDirectories: true)
    let memory = try FileBundle.pack(directory: root)
    let file = directory.path + "/out/checkpoint.bundle"
    try FileManager.default.createDirectory(atPath: directory.path + "/out", withIntermediateDirectories: true)
    let packed = try FileBundle.pack(directory: root, toFile: file)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: file))) == memory.encoded)
    #expect(packed == FileBundle.PackedFile(entries: memory.entries, bytes: memory.encoded.count, sha256: memory.sha256, skipped: [".git/"]))
    #expect(try names(directory.path + "/out") == ["checkpoint.bundle"], "no temporary file left beside it")
    // Packing again replaces the file.
    try Data("print('bye')\n".utf8).write(to: URL(fileURLWithPath: root + "/train.py"))
    let again = try FileBundle.pack(directory: root, toFile: file)
    #expect(again.sha256 == (try FileBundle.pack(directory: root)).sha256 && again.sha256 != memory.sha256)
  }

  @Test func unpackFile_roundTrip_keepsContentPathsAndModes() throws {
    let root = try makeFolder()
    // A name as long as the filesystem allows: written in place, with no temporary name beside it.
    try Data("long".utf8).write(to: URL(fileURLWithPath: root + "/lib/" + String(repeating: "n", count: 255)))
    let file = directory.path + "/b.bundle"
    let packed = try FileBundle.pack(directory: root, toFile: file)
    let out = directory.path + "/resume/dir"
    #expect(try FileBundle.unpack(file: file, into: out) == packed.entries)
    let fm = FileManager.default
    for entry in packed.entries {
      #expect(fm.contents(atPath: out + "/" + entry.path) == fm.contents(atPath: root + "/" + entry.path), "\(entry.path)")
      let mode = try #require(fm.attributesOfItem(atPath: out + "/" + entry.path)[.posixPermissions] as? Int)
      #expect(mode == (entry.executable ? 0o555 : 0o444), "\(entry.path)")
    }
    #expect(try names(directory.path + "/resume") == ["dir"])
  }

  /// The file reader agrees with the in-memory one on every prefix and every
  /// single-byte change of a bundle: the same bundle accepted, or the same
  /// refusal — and a refused file leaves nothing behind.
  @Test func unpackFile_refusesWhatDecodingRefuses_withTheSameMessage_leavingNothing() throws {
    let good = FileBundleTests.craft([("a.py", Array("abc".utf8), 0), ("b/c", Array("defg".utf8), 1)])
    var inputs = (0...good.count).map { Array(good.prefix($0)) } + [good + [0]]
    for i in 0..<good.count {
      for delta: UInt8 in [1, 0x80] {
        var changed = good
        changed[i] = changed[i] &+ delta
        inputs.append(changed)
      }
    }
    let file = directory.path + "/in.bundle"
    let area = directory.path + "/area"
    for (n, input) in inputs.enumerated() {
      try Data(input).write(to: URL(fileURLWithPath: file))
      let expected = thrown { () throws(FileBundleError) in _ = try FileBundle(decoding: input) }
      let got = thrown { () throws(FileBundleError) in _ = try FileBundle.unpack(file: file, into: area + "/out") }
      #expect(got == expected, "input \(n)")
      let left = try FileManager.default.fileExists(atPath: area) ? names(area) : []
      #expect(left == (expected == nil ? ["out"] : []), "input \(n)")
      try? FileManager.default.removeItem(atPath: area)  // the next input starts from nothing; absent when refused
    }
  }

  @Test func unpackFile_corruptedOrTruncatedContent_isRefusedNamingTheFile() throws {
    let root = try makeFolder()
    let file = directory.path + "/b.bundle"
    let packed = try FileBundle.pack(directory: root, toFile: file)
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
    let big = try #require(packed.entries.first { $0.path == "lib/deep/weights.bin" })
    // A byte late in the large file, past the first buffers of it.
    let index = try #require(packed.entries.firstIndex { $0.path == "lib/deep/weights.bin" })
    let contentStart = bytes.count - packed.entries[index...].reduce(0) { $0 + $1.bytes }
    bytes[contentStart + big.bytes - 10] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    let out = directory.path + "/resume/dir"
    let corrupt = thrown { () throws(FileBundleError) in _ = try FileBundle.unpack(file: file, into: out) }
    #expect(corrupt?.kind == .hashMismatch)
    #expect(corrupt?.message.hasPrefix("file bundle's file 'lib/deep/weights.bin' is corrupt: its SHA-256 is ") == true)
    #expect(try names(directory.path + "/resume") == [], "nothing half-written")

    try Data(bytes.prefix(bytes.count - 1)).write(to: URL(fileURLWithPath: file))
    let truncated = thrown { () throws(FileBundleError) in _ = try FileBundle.unpack(file: file, into: out) }
    let contents = packed.entries.reduce(0) { $0 + $1.bytes }
    #expect(truncated?.message == "file bundle is truncated: its files hold \(contents) bytes, but \(contents - 1) are left")
    #expect(try names(directory.path + "/resume") == [])

    let missing = thrown { () throws(FileBundleError) in _ = try FileBundle.unpack(file: directory.path + "/none", into: out) }
    #expect(missing?.message == "file bundle \(directory.path)/none cannot be opened: No such file or directory")
  }

  @Test func indexOverItsCap_isRefusedBeforeItIsRead() throws {
    let file = directory.path + "/b.bundle"
    let good = FileBundleTests.craft([("a.py", Array("abc".utf8), 0), ("b/c", Array("defg".utf8), 1)])
    try Data(good).write(to: URL(fileURLWithPath: file))
    var reader = try BundleFileReader(path: file)
    // Header 16, then 48 + 4 for a.py: the second entry goes over 100.
    let error = thrown { () throws(FileBundleError) in _ = try FileBundle.readIndex(&reader, maxIndexBytes: 100) }
    #expect(error == FileBundleError(.tooLarge, "file bundle's index is over the cap of 100 bytes at file 2 of 2"))
    var again = try BundleFileReader(path: file)
    #expect(try FileBundle.readIndex(&again, maxIndexBytes: 119).map(\.path) == ["a.py", "b/c"])
  }

  @Test func caps_andWriteFailures_areClearErrors_leavingNothing() throws {
    let root = try makeFolder()
    let file = directory.path + "/b.bundle"
    let exact = try FileBundle.pack(directory: root, toFile: file).bytes
    let over = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root, toFile: file, limit: exact - 1) }
    #expect(over?.kind == .tooLarge)
    #expect(over?.message.hasPrefix("folder \(root) holds \(FileBundle.byteText(exact)) of files (6 files), over the cap of \(FileBundle.byteText(exact - 1)) on a file bundle; the largest: 'lib/deep/weights.bin' (2.1 MB)") == true, "\(over?.message ?? "-")")
    let unpackOver = thrown { () throws(FileBundleError) in _ = try FileBundle.unpack(file: file, into: directory.path + "/x", limit: exact - 1) }
    #expect(unpackOver?.message == "file bundle \(file) has \(FileBundle.byteText(exact)), over the cap of \(FileBundle.byteText(exact - 1))")
    #expect(FileBundle.fileLimit == 64 << 30)

    let nowhere = thrown { () throws(FileBundleError) in _ = try FileBundle.pack(directory: root, toFile: directory.path + "/no/such/folder/b.bundle") }
    #expect(nowhere?.kind == .writeFailed)
    #expect(nowhere?.message.hasPrefix("cannot write the file bundle: cannot write \(directory.path)/no/such/folder/.b.bundle.tmp-") == true, "\(nowhere?.message ?? "-")")
    #expect(nowhere?.message.hasSuffix(": cannot create it: No such file or directory") == true)
  }
}
