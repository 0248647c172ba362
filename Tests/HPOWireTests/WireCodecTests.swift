import Foundation
import HPOCore
import Testing
@testable import HPOWire

@Suite struct WireCodecTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/v4")
  /// Version 3's frames, kept: this build refuses them, naming both versions.
  static let fixturesV3 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/v3")
  /// Version 2's frames, kept: this build refuses them, naming both versions.
  static let fixturesV2 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/v2")
  /// Version 1's frames, kept: this build refuses them, naming both versions.
  static let fixturesV1 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/v1")

  /// A fixture file: one line per frame, hex for the header and binary
  /// frames, the JSON text for the body.
  static func fixtureText(_ frames: [[UInt8]]) -> String {
    var lines = [frames[0].map { String(format: "%02x", $0) }.joined()]
    lines.append(String(decoding: frames[1], as: UTF8.self))
    for f in frames.dropFirst(2) { lines.append(f.map { String(format: "%02x", $0) }.joined()) }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test(arguments: WireSamples.all.map(\.0))
  func golden_encodingIsStableAndDecodesBack(_ name: String) throws {
    let message = WireSamples.all.first { $0.0 == name }!.1
    let frames = try WireCodec.encode(message)
    let url = Self.fixtures.appendingPathComponent("\(name).frames")
    if ProcessInfo.processInfo.environment["HPO_RECORD_FIXTURES"] == "1" {
      try Self.fixtureText(frames).write(to: url, atomically: true, encoding: .utf8)
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    #expect(Self.fixtureText(frames) == golden, "encoding of \(name) changed: a wire change needs a new protocol version")
    #expect(try WireCodec.decode(frames) == message)
  }

  /// Version 2 added the `preparing` state and the status's `failure`: a
  /// peer of version 1 is told to run the same hpo version, never misread.
  /// Version 3 added command trials (see WireSamples): peers of versions 1
  /// and 2 are told to run the same hpo version, never misread. Version 4
  /// added gang trials: a peer of version 3 is told the same.
  @Test(arguments: [(1, 19), (2, 20), (3, 33)])
  func decode_olderVersionFrames_areRefusedNamingBothVersions(_ version: Int, _ count: Int) throws {
    let directory = [1: Self.fixturesV1, 2: Self.fixturesV2, 3: Self.fixturesV3][version]!
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".frames") }
    #expect(files.count == count)
    for file in files {
      let lines = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
      let header = stride(from: 0, to: lines[0].count, by: 2).map { i -> UInt8 in
        let start = lines[0].index(lines[0].startIndex, offsetBy: i)
        return UInt8(lines[0][start..<lines[0].index(start, offsetBy: 2)], radix: 16)!
      }
      #expect(header[3] == UInt8(version))
      #expect(throws: WireDecodingError.unsupportedVersion(got: UInt8(version), supported: WireCodec.version)) {
        try WireCodec.decode([header, Array(lines[1].utf8)])
      }
    }
  }

  @Test func decode_unknownKeysAreRefusedEvenAfterMessagesOfTheSameTypePassed() throws {
    let frames = try WireCodec.encode(WireSamples.all.first { $0.0 == "assignment" }!.1)
    // Accepted, twice (the second time from the memo of checked shapes).
    #expect(try WireCodec.decode(frames) == WireCodec.decode(frames))
    func with(_ edit: (inout [String: Any]) -> Void) throws -> [[UInt8]] {
      var body = try #require(JSONSerialization.jsonObject(with: Data(frames[1])) as? [String: Any])
      edit(&body)
      return [frames[0], Array(try JSONSerialization.data(withJSONObject: body))]
    }
    let topLevel = try with { $0["extra"] = 1 }
    let nested = try with { b in
      var key = b["key"] as! [String: Any]
      key["extra"] = true
      b["key"] = key
    }
    // A key whose text imitates the structure of another shape.
    let imitation = try with { $0["1#x"] = 1 }
    for (bad, name) in [(topLevel, "extra"), (nested, "key.extra"), (imitation, "1#x")] {
      for _ in 0..<2 {
        #expect(throws: WireDecodingError.invalid("assignment", "unknown key \"\(name)\"")) { try WireCodec.decode(bad) }
      }
    }
  }

  @Test func decode_configurationFloatsNeedTheSpaceToKeepTheirType() throws {
    let space = SearchSpace([Parameter(name: "lr", domain: .float(FloatRange(low: 0, high: 2)))])
    let message = WireMessage.progress(TrialProgress(key: WireSamples.key, epoch: 1, metrics: [:]))
    _ = message
    let a = TrialAssignment(key: WireSamples.key, configuration: Configuration(["lr": .float(1.0)]),
                            model: ModelSpec(kind: .softmax, epochs: 3), task: .classification,
                            objective: ObjectiveSpec(metric: .accuracy), shards: [], epochs: 3, seed: 1, reportEveryEpoch: false)
    guard case .assignment(let back) = try WireCodec.decode(WireCodec.encode(.assignment(a))) else {
      Issue.record("not an assignment")
      return
    }
    #expect(back.configuration["lr"] == .int(1), "JSON loses 1.0 vs 1")
    #expect(space.normalized(back.configuration) == a.configuration)
  }

  struct BadFrames: CustomTestStringConvertible, Sendable {
    let id: String
    let frames: [[UInt8]]
    let expected: String
    var testDescription: String { id }
  }

  static let header: [UInt8] = Array("HPO".utf8) + [WireCodec.version, WireMessageType.noWork.rawValue]
  static let bad: [BadFrames] = [
    BadFrames(id: "one frame", frames: [header], expected: "expected at least 2 frames, got 1"),
    BadFrames(id: "no magic", frames: [Array("XYZ".utf8) + [2, 22], Array("{}".utf8)], expected: "not an hpo message (header of 5 bytes without the HPO magic)"),
    BadFrames(id: "short header", frames: [[72, 80], Array("{}".utf8)], expected: "not an hpo message (header of 2 bytes without the HPO magic)"),
    BadFrames(id: "future version", frames: [Array("HPO".utf8) + [9, 22], Array("{}".utf8)],
              expected: "protocol version 9 is not supported; this hpo (\(HPOVersion.current)) speaks version \(WireCodec.version); run the same hpo version on coordinator and workers"),
    BadFrames(id: "unknown type", frames: [Array("HPO".utf8) + [WireCodec.version, 200], Array("{}".utf8)], expected: "unknown message type 200"),
    BadFrames(id: "extra frame", frames: [header, Array(#"{"retry_after_ms": 1}"#.utf8), [1]], expected: "expected 2 for noWork frames, got 3"),
    BadFrames(id: "body not JSON", frames: [header, Array("{retry".utf8)], expected: "invalid noWork message: malformed JSON body: 1:2: malformed JSON: unexpected 'r'; expected a key in double quotes"),
    BadFrames(id: "body an array", frames: [header, Array("[]".utf8)], expected: "invalid noWork message: the body is not a JSON object"),
    BadFrames(id: "missing key", frames: [header, Array("{}".utf8)], expected: "invalid noWork message: missing key \"retry_after_ms\""),
    BadFrames(id: "wrong type", frames: [header, Array(#"{"retry_after_ms": "soon"}"#.utf8)],
              expected: "invalid noWork message: bad value at \"retry_after_ms\": Expected to decode Int but found a string instead."),
    BadFrames(id: "unknown key", frames: [header, Array(#"{"retry_after_ms": 1, "extra": 2}"#.utf8)], expected: "invalid noWork message: unknown key \"extra\""),
    BadFrames(id: "duplicate key", frames: [header, Array(#"{"retry_after_ms": 1, "retry_after_ms": 2}"#.utf8)],
              expected: "invalid noWork message: malformed JSON body: 1:23: malformed JSON: duplicate key \"retry_after_ms\" (first at line 1); each key may appear once"),
    BadFrames(id: "oversized body", frames: [header, Array(repeating: 32, count: (1 << 20) + 1)], expected: "frame 1 has 1048577 bytes, over the limit of 1048576"),
    BadFrames(id: "negative epoch", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.progress.rawValue],
                                             Array(#"{"epoch": -1, "key": {"attempt": 0, "experiment": "e", "trial": 0}, "metrics": {}}"#.utf8)],
              expected: "invalid progress message: negative epoch, trial or attempt"),
    BadFrames(id: "result of trial -3", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.result.rawValue],
                                                Array(#"{"epochs": 0, "has_checkpoint": false, "key": {"attempt": 1, "experiment": "e", "trial": -3}, "metrics": {}, "seconds": 1, "status": "complete"}"#.utf8)],
              expected: "invalid result message: negative epochs, seconds, trial or attempt"),
    BadFrames(id: "checkpoint size mismatch", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.checkpoint.rawValue],
                                                       Array(#"{"bytes": 5, "key": {"attempt": 0, "experiment": "e", "trial": 0}, "offset": 0, "sha256": "x", "total": 5}"#.utf8), [1, 2]],
              expected: "invalid checkpoint message: byte count does not match the payload"),
    BadFrames(id: "chunk past the total", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.checkpoint.rawValue],
                                                   Array(#"{"bytes": 2, "key": {"attempt": 0, "experiment": "e", "trial": 0}, "offset": 9, "sha256": "x", "total": 10}"#.utf8), [1, 2]],
              expected: "invalid checkpoint message: a chunk of 2 bytes at offset 9 does not fit in a total of 10 bytes"),
    BadFrames(id: "negative chunk offset", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.shard.rawValue],
                                                    Array(#"{"bytes": 1, "offset": -1, "sha256": "x", "total": 10}"#.utf8), [1]],
              expected: "invalid shard message: a chunk of 1 bytes at offset -1 does not fit in a total of 10 bytes"),
    BadFrames(id: "huge chunk offset", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.shard.rawValue],
                                                Array(#"{"bytes": 1, "offset": 9223372036854775807, "sha256": "x", "total": 9223372036854775807}"#.utf8), [1]],
              expected: "invalid shard message: a chunk of 1 bytes at offset 9223372036854775807 does not fit in a total of 9223372036854775807 bytes"),
    BadFrames(id: "negative shard request offset", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.shardRequest.rawValue],
                                                            Array(#"{"offset": -4, "sha256": "x"}"#.utf8)],
              expected: "invalid shardRequest message: negative offset -4"),
    BadFrames(id: "checkpoint without key", frames: [Array("HPO".utf8) + [WireCodec.version, WireMessageType.checkpoint.rawValue],
                                                     Array(#"{"bytes": 1, "offset": 0, "sha256": "x", "total": 1}"#.utf8), [1]],
              expected: "invalid checkpoint message: missing key \"key\""),
  ]

  @Test(arguments: bad)
  func decode_refusesMalformedMessages(_ c: BadFrames) {
    #expect(throws: WireDecodingError.self) { try WireCodec.decode(c.frames) }
    do {
      _ = try WireCodec.decode(c.frames)
    } catch {
      #expect(error.description == c.expected)
    }
  }

  /// A body the receiver would refuse is never sent: encoding throws (it
  /// used to send `{}` when encoding failed, and frames over the limit).
  @Test func encode_aBodyOverTheLimit_throwsInsteadOfSendingIt() {
    let trials = (0..<20).map { n in
      TrialSummary(number: n, state: .complete, configuration: Configuration(["name": .string(String(repeating: "x", count: 100))]),
                   value: 1, metrics: [:], epochs: 1, attempts: 1, worker: "w", reason: nil)
    }
    let status = WireMessage.status(StatusReply(experiments: [ExperimentStatus(
      name: "big", state: .running, budget: 20, counts: [:], bestValue: nil, bestTrial: nil, bestConfiguration: nil,
      elapsedSeconds: 0, trials: trials)], workers: 0))
    let limits = WireLimits(maxBodyBytes: 1000, maxBinaryBytes: 10)
    #expect(throws: WireEncodingError.self) { try WireCodec.encode(status, limits: limits) }
    do {
      _ = try WireCodec.encode(status, limits: limits)
    } catch {
      #expect(error.description.hasPrefix("a status message would have "))
      #expect(error.description.hasSuffix(" bytes in frame 1, over the limit of 1000"))
    }
    #expect(throws: WireEncodingError.tooLarge("shard", frame: 2, bytes: 11, limit: 10)) {
      try WireCodec.encode(.shard(ShardTransfer(sha256: "a", bytes: Array(repeating: 0, count: 11))), limits: limits)
    }
    #expect(throws: Never.self) { try WireCodec.encode(status) }
  }

  @Test func decode_binaryFrameOverTheLimitIsRefused() throws {
    let frames = try WireCodec.encode(.shard(ShardTransfer(sha256: "a", bytes: Array(repeating: 0, count: 100))))
    #expect(throws: WireDecodingError.tooLarge(frame: 2, bytes: 100, limit: 64)) {
      try WireCodec.decode(frames, limits: WireLimits(maxBodyBytes: 1 << 20, maxBinaryBytes: 64))
    }
  }

  @Test func decode_randomBytesNeverCrash() throws {
    var rng = SeededGenerator(seed: 11)
    let valid = try WireSamples.all.map { try WireCodec.encode($0.1) }
    for i in 0..<3_000 {
      var frames = valid[i % valid.count]
      // Flip, cut or extend one frame at random.
      let f = Int(rng.next() % UInt64(frames.count))
      switch rng.next() % 3 {
      case 0 where !frames[f].isEmpty:
        let at = Int(rng.next() % UInt64(frames[f].count))
        frames[f][at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
      case 1: frames[f] = Array(frames[f].prefix(Int(rng.next() % UInt64(frames[f].count + 1))))
      default: frames[f] += (0..<Int(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      }
      _ = try? WireCodec.decode(frames)
    }
  }
}
