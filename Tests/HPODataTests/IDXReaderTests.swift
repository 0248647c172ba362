import Foundation
import Testing
@testable import HPOData

/// The IDX reader, plain and gzip, on good, truncated and corrupted files.
@Suite struct IDXReaderTests {
  let directory = TemporaryDirectory()
  /// Three 2×3 images, values 0…17, and their labels.
  let images = idxBytes(type: 0x08, dimensions: [3, 2, 3], payload: (0..<18).map { UInt8($0) })
  let labels = idxBytes(type: 0x08, dimensions: [3], payload: [2, 0, 1])

  @Test func read_plainAndGzip_giveTheSameArray() throws {
    let plain = try IDXReader.read(path: directory.write("i.idx", images))
    let gz = try IDXReader.read(path: directory.write("i.idx.gz", TestGzip.compress(images)))
    #expect(plain.dimensions == [3, 2, 3])
    #expect(plain.values == .uint8((0..<18).map { UInt8($0) }))
    #expect(gz == plain)
  }

  @Test func read_bigEndianTypes() throws {
    let ints = idxBytes(type: 0x0C, dimensions: [2], payload: [0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE])
    #expect(try IDXReader.read(path: directory.write("a", ints)).values == .int32([256, -2]))
    let floats = idxBytes(type: 0x0D, dimensions: [1], payload: [0x3F, 0xC0, 0, 0])
    #expect(try IDXReader.read(path: directory.write("b", floats)).values == .float32([1.5]))
    let shorts = idxBytes(type: 0x0B, dimensions: [1, 1], payload: [0x80, 0x00])
    #expect(try IDXReader.read(path: directory.write("c", shorts)).values == .int16([-32768]))
  }

  @Test func dataset_fromImagesAndLabels() throws {
    let d = try IDXReader.dataset(
      images: directory.write("i.gz", TestGzip.compress(images)), labels: directory.write("l", labels), as: Float.self)
    #expect(d.rowCount == 3)
    #expect(d.featureNames == ["pixel_0_0", "pixel_0_1", "pixel_0_2", "pixel_1_0", "pixel_1_1", "pixel_1_2"])
    #expect(Array(d.row(1)) == [6, 7, 8, 9, 10, 11])
    #expect(d.labels == [2, 0, 1])
    #expect(d.classCount == 3)
  }

  @Test func dataset_countMismatch_isRejected() {
    let path = directory.write("l2", idxBytes(type: 0x08, dimensions: [2], payload: [0, 1]))
    let imagePath = directory.write("i", images)
    let issues = thrownIssues { () throws(DataError) in _ = try IDXReader.dataset(images: imagePath, labels: path, as: Double.self) }
    #expect(issues == ["\(path): has 2 labels but \(imagePath) has 3 items"])
  }

  @Test(arguments: [
    ("not IDX", [UInt8]("hello world".utf8), "is not an IDX file (magic bytes 68 65 6c 6c); expected 00 00 then a type code 08, 09, 0b, 0c, 0d or 0e and a dimension count"),
    ("unknown type", [0, 0, 0x07, 1, 0, 0, 0, 1, 5], "is not an IDX file (magic bytes 0 0 7 1); expected 00 00 then a type code 08, 09, 0b, 0c, 0d or 0e and a dimension count"),
    ("no dimensions", [0, 0, 8, 0], "has 0 dimensions; an IDX file has at least one"),
    ("short magic", [0, 0], "is truncated: 2 bytes, shorter than the 4-byte IDX magic"),
    ("short header", [0, 0, 8, 2, 0, 0, 0, 3, 0], "is truncated inside its header of 2 dimension sizes"),
    ("short payload", [0, 0, 8, 1, 0, 0, 0, 3, 1, 2], "is truncated: 2 of 3 data bytes for dimensions [3]"),
    ("long payload", [0, 0, 8, 1, 0, 0, 0, 1, 1, 2], "has 1 bytes after the 1 data bytes of dimensions [1]"),
    ("huge dimensions", [0, 0, 0x0E, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 9],
     "has dimensions [4294967295] that need more than 8589934592 bytes; the header is probably damaged"),
  ] as [(String, [UInt8], String)])
  func read_badFile_isRejected(_ id: String, _ bytes: [UInt8], _ message: String) {
    let path = directory.write("bad", bytes)
    let issues = thrownIssues { () throws(DataError) in _ = try IDXReader.read(path: path) }
    #expect(issues == ["\(path): \(message)"], "\(id)")
  }

  @Test func read_gzipTruncatedAndTrailing() {
    let gz = TestGzip.compress(images)
    let cut = directory.write("cut.gz", Array(gz.prefix(30)))
    #expect(thrownIssues { () throws(DataError) in _ = try IDXReader.read(path: cut) }
      == ["\(cut): is truncated: the gzip stream ends after 15 bytes of data"])
    let longer = directory.write("long.gz", TestGzip.compress(images + [9]))
    #expect(thrownIssues { () throws(DataError) in _ = try IDXReader.read(path: longer) }
      == ["\(longer): has data after the 18 bytes that dimensions [3, 2, 3] call for"])
  }

  @Test func read_gzipBadChecksum_isCorrupt() {
    var gz = TestGzip.compress(images)
    gz[gz.count - 8] ^= 0xFF
    let path = directory.write("crc.gz", gz)
    #expect(thrownIssues { () throws(DataError) in _ = try IDXReader.read(path: path) }
      == ["\(path): is corrupt: gzip data cannot be inflated (incorrect data check)"])
  }

  /// Every prefix and every single-byte corruption of both encodings either
  /// reads or throws a DataError: none traps.
  @Test func read_everyPrefixAndCorruption_neverTraps() {
    for (name, bytes) in [("p", images), ("g", TestGzip.compress(images))] {
      for n in 0..<bytes.count {
        let path = directory.write("\(name)-prefix", Array(bytes.prefix(n)))
        #expect(throws: DataError.self) { try IDXReader.read(path: path) }
      }
      for i in 0..<bytes.count {
        var damaged = bytes
        damaged[i] ^= 0x5A
        let path = directory.write("\(name)-flip", damaged)
        _ = try? IDXReader.read(path: path)
      }
    }
  }

  /// Debian's dataset-fashion-mnist, which Cluster/bootstrap installs.
  @Test func read_fashionMNISTTestSet() throws {
    let root = "/usr/share/datasets/fashion-mnist/"
    let d = try IDXReader.dataset(
      images: root + "t10k-images-idx3-ubyte.gz", labels: root + "t10k-labels-idx1-ubyte.gz", as: Float.self)
    #expect(d.rowCount == 10000)
    #expect(d.featureCount == 784)
    #expect(d.classCounts == Array(repeating: 1000, count: 10))
  }
}
