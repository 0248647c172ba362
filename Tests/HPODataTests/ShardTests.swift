import Foundation
import HPOCore
import Testing
@testable import HPOData

/// Shard files: round trip, determinism, and damaged files.
@Suite struct ShardTests {
  let directory = TemporaryDirectory()

  static let small = Dataset<Float>(
    features: [1, 2, 3, 4, 5, 6.5, -7, .nan, 9], labels: [0, 1, 2], featureNames: ["a", "b", "c"], labelName: "y",
    task: .classification, classCount: 3)

  @Test func shard_roundTrip_isExact() throws {
    let info = try ShardWriter.write(Self.small, to: directory.path + "/s.shard")
    let shard = try ShardReader.read(path: directory.path + "/s.shard", as: Float.self, expectedSHA256: info.sha256)
    #expect(shard.features.map(\.bitPattern) == Self.small.features.map(\.bitPattern))
    #expect(shard.labels == [0, 1, 2])
    #expect(shard.featureCount == 3)
    #expect(info.file == "s.shard" && info.rows == 3 && info.sha256.count == 64)
    let bytes = directory.read("s.shard")
    #expect(Array(bytes.prefix(8)) == Array("HPOSHARD".utf8))
    #expect(bytes.count == 128 + 64 + 3 * 8)
  }

  @Test func shard_doubleRoundTrip() throws {
    let d = Dataset<Double>(
      features: [0.1, 1e-300, -2.5, 4], labels: [1.5, -3], featureNames: ["a", "b"], labelName: "t", task: .regression,
      classCount: nil)
    _ = try ShardWriter.write(d, to: directory.path + "/d.shard")
    let shard = try ShardReader.read(path: directory.path + "/d.shard", as: Double.self)
    #expect(shard.features == d.features && shard.labels == d.labels)
    let wrongType = thrownIssues { () throws(DataError) in _ = try ShardReader.read(path: directory.path + "/d.shard", as: Float.self) }
    #expect(wrongType == [directory.path + "/d.shard: holds float64 features; read it as Double"])
  }

  @Test func shard_damaged_isRejectedNeverTraps() throws {
    let info = try ShardWriter.write(Self.small, to: directory.path + "/s.shard")
    let good = directory.read("s.shard")
    let path = directory.path + "/bad.shard"
    var flipped = good
    flipped[130] ^= 1
    directory.write("bad.shard", flipped)
    let hashIssue = thrownIssues { () throws(DataError) in _ = try ShardReader.read(path: path, as: Float.self) }
    #expect(hashIssue.count == 1 && hashIssue[0].hasPrefix(path + ": is corrupt: payload SHA-256 is "))
    directory.write("bad.shard", Array(good.prefix(100)))
    #expect(thrownIssues { () throws(DataError) in _ = try ShardReader.read(path: path, as: Float.self) }
      == [path + ": is truncated: 100 bytes, shorter than the 128-byte header"])
    directory.write("bad.shard", Array(good.dropLast(5)))
    #expect(thrownIssues { () throws(DataError) in _ = try ShardReader.read(path: path, as: Float.self) }
      == [path + ": is truncated: payload has 83 of 88 bytes"])
    directory.write("bad.shard", good)
    #expect(thrownIssues { () throws(DataError) in
      _ = try ShardReader.read(path: path, as: Float.self, expectedSHA256: String(repeating: "0", count: 64))
    } == [path + ": has SHA-256 \(info.sha256) but the manifest names \(String(repeating: "0", count: 64))"])
    for n in 0..<good.count {
      directory.write("bad.shard", Array(good.prefix(n)))
      #expect(throws: DataError.self) { try ShardReader.read(path: path, as: Float.self) }
    }
    for i in 0..<128 {
      var damaged = good
      damaged[i] ^= 0x80
      directory.write("bad.shard", damaged)
      _ = try? ShardReader.read(path: path, as: Float.self)
    }
  }

  func prepare(seed: UInt64, into name: String, shards: Int = 3) throws(DataError) -> PreparedData<Float> {
    let spec = DataSpec(
      path: "iris.csv", task: .classification, split: SplitSpec(validation: 0.2, test: 0.2, seed: seed), shards: shards)
    return try DataPreparer.prepare(
      spec: spec, dataPath: bundledDataDirectory + "/iris.csv", outputDirectory: directory.path + "/" + name,
      as: Float.self)
  }

  func files(_ name: String) -> [String: [UInt8]] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/" + name)) ?? []
    return Dictionary(uniqueKeysWithValues: names.map { ($0, directory.read(name + "/" + $0)) })
  }

  @Test func prepare_sameSeed_byteIdenticalFiles_otherSeed_differentShards() throws {
    _ = try prepare(seed: 3, into: "a")
    _ = try prepare(seed: 3, into: "b")
    _ = try prepare(seed: 4, into: "c")
    let a = files("a")
    #expect(a.keys.sorted() == [
      "manifest.json", "preprocessing.json", "statistics.json", "test.shard", "train-0.shard", "train-1.shard",
      "train-2.shard", "validation.shard",
    ])
    #expect(a == files("b"))
    let c = files("c")
    for name in ["train-0.shard", "train-1.shard", "train-2.shard", "validation.shard", "test.shard"] {
      #expect(a[name] != c[name], "\(name) should differ for another seed")
    }
  }

  @Test func prepare_manifest_loadsBackVerified() throws {
    let prepared = try prepare(seed: 11, into: "m", shards: 4)
    let dir = directory.path + "/m"
    let manifest = try DataManifest.read(directory: dir)
    #expect(manifest == prepared.manifest)
    #expect(manifest.train.map(\.rows) == [23, 23, 22, 22])
    #expect(manifest.validation.rows == 30 && manifest.test.rows == 30)
    let train = try manifest.load(.train, directory: dir, as: Float.self)
    #expect(train == prepared.train)
    #expect(try manifest.load(.test, directory: dir, as: Float.self) == prepared.test)
    #expect(try manifest.loadPreprocessing(directory: dir) == prepared.preprocessing)
    #expect(try manifest.loadStatistics(directory: dir) == prepared.statistics)
    #expect(manifest.sourceSHA256 == "77ad54549deaa727cc48c384753f13a93d3c47751ccb84f1c06bc8943903f0c1")
  }

  @Test func prepare_tooManyShards_isRejected() {
    let issues = thrownIssues { () throws(DataError) in _ = try prepare(seed: 0, into: "x", shards: 91) }
    #expect(issues == [bundledDataDirectory + "/iris.csv: cannot write 91 shards of a 90-row training split; shards must be 1...90"])
  }
}
