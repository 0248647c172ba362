import Foundation
import HPOCore
import Synchronization

/// Size limits applied before anything is decoded.
public struct WireLimits: Sendable, Equatable {
  /// Largest JSON body frame.
  public var maxBodyBytes: Int
  /// Largest binary frame (a chunk of a checkpoint or a shard, at most
  /// ``chunkBytes``: 16 MiB leaves room to spare, and bounds what one
  /// message from a peer can make the receiver hold).
  public var maxBinaryBytes: Int

  public init(maxBodyBytes: Int = 1 << 20, maxBinaryBytes: Int = 16 << 20) {
    self.maxBodyBytes = maxBodyBytes
    self.maxBinaryBytes = maxBinaryBytes
  }

  public static let standard = WireLimits()

  /// The largest chunk of a checkpoint or shard that hpo sends (4 MiB):
  /// whatever their size, checkpoints and shards travel in chunks of at most
  /// this many bytes.
  public static let chunkBytes = 4 << 20
  /// The largest checkpoint the coordinator accepts (64 GiB, as
  /// `FileBundle.fileLimit` in HPOData caps a command's checkpoint bundle).
  public static let maxTransferBytes = 64 << 30
}

/// Encodes and decodes ``WireMessage``s as frames.
///
/// Frame 0 is a 5-byte header: `H` `P` `O`, the protocol version, the message
/// type. Frame 1 is the body: UTF-8 JSON, keys sorted, snake_case. Checkpoint
/// and shard messages carry their bytes in frame 2. Decoding is strict: exact
/// frame counts, size limits checked first, unknown versions and types refused,
/// unknown or missing keys refused. Stateless and thread-safe.
public enum WireCodec {
  /// The protocol version this build speaks. Version 2: the experiment state
  /// `preparing` and an experiment status's `failure`. Version 3: command
  /// trials, and checkpoints and shards in chunks (``CheckpointTransfer``,
  /// ``CheckpointReceipt``, ``ShardRequest``, ``ShardTransfer``). Version 4:
  /// gang trials (``GangRole`` in an assignment, ``GangJoin``, ``GangStart``,
  /// ``GangCancel``).
  public static let version: UInt8 = 4
  static let magic: [UInt8] = Array("HPO".utf8)

  /// The frames of `message`.
  /// - Throws: ``WireEncodingError`` when the body cannot be encoded or a
  ///   frame is over `limits` (the receiver would refuse it): nothing is sent
  ///   in its place, the caller decides (the coordinator answers with an
  ///   `error` message instead).
  public static func encode(_ message: WireMessage, limits: WireLimits = .standard) throws(WireEncodingError) -> [[UInt8]] {
    let header = magic + [version, message.type.rawValue]
    let type = message.type
    let frames: [[UInt8]]
    switch message {
    case .hello(let b): frames = [header, try json(b, type)]
    case .askForWork(let b): frames = [header, try json(b, type)]
    case .progress(let b): frames = [header, try json(b, type)]
    case .result(let b): frames = [header, try json(b, type)]
    case .checkpoint(let c):
      let h = BinaryHeader(key: c.key, sha256: c.sha256, offset: c.offset, total: c.total, bytes: c.bytes.count)
      frames = [header, try json(h, type), c.bytes]
    case .shardRequest(let b): frames = [header, try json(b, type)]
    case .heartbeat(let b): frames = [header, try json(b, type)]
    case .goodbye(let b): frames = [header, try json(b, type)]
    case .log(let b): frames = [header, try json(b, type)]
    case .welcome(let b): frames = [header, try json(b, type)]
    case .assignment(let b): frames = [header, try json(b, type)]
    case .noWork(let b): frames = [header, try json(b, type)]
    case .decision(let b): frames = [header, try json(b, type)]
    case .shard(let s):
      let h = BinaryHeader(key: nil, sha256: s.sha256, offset: s.offset, total: s.total, bytes: s.bytes.count)
      frames = [header, try json(h, type), s.bytes]
    case .checkpointReceipt(let b): frames = [header, try json(b, type)]
    case .gangJoin(let b): frames = [header, try json(b, type)]
    case .gangStart(let b): frames = [header, try json(b, type)]
    case .gangCancel(let b): frames = [header, try json(b, type)]
    case .error(let b): frames = [header, try json(b, type)]
    case .submit(let b): frames = [header, try json(b, type)]
    case .submitted(let b): frames = [header, try json(b, type)]
    case .statusRequest(let b): frames = [header, try json(b, type)]
    case .status(let b): frames = [header, try json(b, type)]
    case .cancel(let b): frames = [header, try json(b, type)]
    case .logRequest(let b): frames = [header, try json(b, type)]
    case .logReply(let b): frames = [header, try json(b, type)]
    }
    if frames[1].count > limits.maxBodyBytes {
      throw .tooLarge(type.name, frame: 1, bytes: frames[1].count, limit: limits.maxBodyBytes)
    }
    if frames.count > 2, frames[2].count > limits.maxBinaryBytes {
      throw .tooLarge(type.name, frame: 2, bytes: frames[2].count, limit: limits.maxBinaryBytes)
    }
    return frames
  }

  /// The message in `frames`.
  /// - Throws: ``WireDecodingError`` saying what is wrong; nothing is half-decoded.
  public static func decode(_ frames: [[UInt8]], limits: WireLimits = .standard) throws(WireDecodingError) -> WireMessage {
    guard frames.count >= 2 else { throw .frameCount(expected: "at least 2", got: frames.count) }
    let header = frames[0]
    guard header.count == 5, Array(header[0..<3]) == magic else { throw .badHeader(header.count) }
    guard header[3] == version else { throw .unsupportedVersion(got: header[3], supported: version) }
    guard let type = WireMessageType(rawValue: header[4]) else { throw .unknownType(header[4]) }
    let body = frames[1]
    guard body.count <= limits.maxBodyBytes else { throw .tooLarge(frame: 1, bytes: body.count, limit: limits.maxBodyBytes) }
    let binary = type == .checkpoint || type == .shard
    let expectedFrames = binary ? 3 : 2
    guard frames.count == expectedFrames else { throw .frameCount(expected: "\(expectedFrames) for \(type.name)", got: frames.count) }
    if binary, frames[2].count > limits.maxBinaryBytes {
      throw .tooLarge(frame: 2, bytes: frames[2].count, limit: limits.maxBinaryBytes)
    }
    switch type {
    case .hello: return .hello(try decodeBody(body, type))
    case .askForWork: return .askForWork(try decodeBody(body, type))
    case .progress: return .progress(try validated(try decodeBody(body, type) as TrialProgress))
    case .result: return .result(try validated(try decodeBody(body, type) as TrialResult))
    case .checkpoint:
      let h = try validated(try decodeBody(body, type) as BinaryHeader, frames[2], type)
      guard let key = h.key else { throw .invalid(type.name, "missing key \"key\"") }
      return .checkpoint(CheckpointTransfer(key: key, sha256: h.sha256, offset: h.offset, total: h.total, bytes: frames[2]))
    case .shardRequest:
      let r: ShardRequest = try decodeBody(body, type)
      guard r.offset >= 0 else { throw .invalid(type.name, "negative offset \(r.offset)") }
      return .shardRequest(r)
    case .heartbeat: return .heartbeat(try decodeBody(body, type))
    case .goodbye: return .goodbye(try decodeBody(body, type))
    case .log: return .log(try decodeBody(body, type))
    case .welcome: return .welcome(try decodeBody(body, type))
    case .assignment: return .assignment(try decodeBody(body, type))
    case .noWork: return .noWork(try decodeBody(body, type))
    case .decision: return .decision(try decodeBody(body, type))
    case .shard:
      let h = try validated(try decodeBody(body, type) as BinaryHeader, frames[2], type)
      return .shard(ShardTransfer(sha256: h.sha256, offset: h.offset, total: h.total, bytes: frames[2]))
    case .checkpointReceipt:
      let r: CheckpointReceipt = try decodeBody(body, type)
      guard r.received >= 0 else { throw .invalid(type.name, "negative received \(r.received)") }
      return .checkpointReceipt(r)
    case .gangJoin: return .gangJoin(try decodeBody(body, type))
    case .gangStart:
      let g: GangStart = try decodeBody(body, type)
      guard g.deadlineMilliseconds > 0 else { throw .invalid(type.name, "deadline_ms \(g.deadlineMilliseconds) is not positive") }
      guard g.publicKeys.map({ $0.count == g.addresses.count }) ?? true else {
        throw .invalid(type.name, "\(g.publicKeys?.count ?? 0) public keys for \(g.addresses.count) addresses")
      }
      return .gangStart(g)
    case .gangCancel: return .gangCancel(try decodeBody(body, type))
    case .error: return .error(try decodeBody(body, type))
    case .submit: return .submit(try decodeBody(body, type))
    case .submitted: return .submitted(try decodeBody(body, type))
    case .statusRequest: return .statusRequest(try decodeBody(body, type))
    case .status: return .status(try decodeBody(body, type))
    case .cancel: return .cancel(try decodeBody(body, type))
    case .logRequest: return .logRequest(try decodeBody(body, type))
    case .logReply: return .logReply(try decodeBody(body, type))
    }
  }

  /// The header of a checkpoint or shard chunk; the bytes travel in frame 2.
  struct BinaryHeader: Codable {
    var key: TrialKey?
    var sha256: String
    /// Where the chunk starts in the whole.
    var offset: Int
    /// Bytes of the whole checkpoint or shard.
    var total: Int
    /// Bytes of the chunk (frame 2).
    var bytes: Int
  }

  /// `h` when its numbers fit its payload: `bytes` is the payload's size,
  /// and the chunk lies within the whole (`0 <= offset`, `offset + bytes <= total`).
  private static func validated(_ h: BinaryHeader, _ payload: [UInt8], _ type: WireMessageType) throws(WireDecodingError) -> BinaryHeader {
    guard h.bytes == payload.count else { throw .invalid(type.name, "byte count does not match the payload") }
    // Compared without a sum, so no value overflows.
    guard h.offset >= 0, h.total >= 0, h.offset <= h.total, payload.count <= h.total - h.offset else {
      throw .invalid(type.name, "a chunk of \(payload.count) bytes at offset \(h.offset) does not fit in a total of \(h.total) bytes")
    }
    return h
  }

  private static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }()

  private static func json<T: Encodable>(_ value: T, _ type: WireMessageType) throws(WireEncodingError) -> [UInt8] {
    do { return Array(try encoder.encode(value)) } catch { throw .unencodable(type.name, "\(error)") }
  }

  private static func decodeBody<T: Codable>(_ body: [UInt8], _ type: WireMessageType) throws(WireDecodingError) -> T {
    // Strictness JSONDecoder lacks: one JSON object, no duplicate keys
    // (JSONParser refuses them), and no key the message type does not have.
    let parsed: JSONValue
    do {
      parsed = try JSONParser.parse(body)
    } catch {
      throw .invalid(type.name, "malformed JSON body: \(error)")
    }
    guard case .object = parsed.kind else { throw .invalid(type.name, "the body is not a JSON object") }
    let value: T
    do {
      value = try decoder.decode(T.self, from: Data(body))
    } catch {
      throw .invalid(type.name, describe(error))
    }
    // The unknown-key check re-encodes the value; a body whose shape (its key
    // paths) already passed it for this type has no unknown key either.
    var shape = "\(T.self)"
    shapeSignature(parsed, into: &shape)
    if checkedShapes.contains(shape) { return value }
    let canonical: JSONValue
    do {
      canonical = try JSONParser.parse(try json(value, type))
    } catch {
      throw .invalid(type.name, "cannot re-encode it to look for unknown keys: \(error)")
    }
    if let key = firstUnknownKey(parsed, canonical, path: "") {
      throw .invalid(type.name, "unknown key \"\(key)\"")
    }
    checkedShapes.insert(shape)
    return value
  }

  private static let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }()

  /// Shapes of bodies that passed the unknown-key check, per message type.
  private static let checkedShapes = ShapeMemo(capacity: 4096)

  /// Appends the key paths of `value` (keys length-prefixed, so no key can
  /// imitate structure; null-valued members skipped, as the check skips them).
  private static func shapeSignature(_ value: JSONValue, into s: inout String) {
    switch value.kind {
    case .object(let members):
      s += "{"
      for m in members where m.value.kind != .null {
        s += "\(m.key.utf8.count)#"
        s += m.key
        shapeSignature(m.value, into: &s)
      }
      s += "}"
    case .array(let elements):
      s += "["
      for e in elements { shapeSignature(e, into: &s) }
      s += "]"
    default:
      s += "."
    }
  }

  /// A key of `received` (not null-valued) that the canonical re-encoding of
  /// the decoded value lacks: a field this protocol version does not have.
  private static func firstUnknownKey(_ received: JSONValue, _ canonical: JSONValue, path: String) -> String? {
    switch (received.kind, canonical.kind) {
    case (.object(let r), .object):
      for m in r where m.value.kind != .null {
        let p = path.isEmpty ? m.key : "\(path).\(m.key)"
        guard let c = canonical[m.key] else { return p }
        if let deeper = firstUnknownKey(m.value, c, path: p) { return deeper }
      }
      return nil
    case (.array(let r), .array(let c)) where r.count == c.count:
      for (i, pair) in zip(r, c).enumerated() {
        if let deeper = firstUnknownKey(pair.0, pair.1, path: "\(path)[\(i)]") { return deeper }
      }
      return nil
    default:
      return nil
    }
  }

  private static func validated(_ p: TrialProgress) throws(WireDecodingError) -> TrialProgress {
    guard p.epoch >= 0, p.key.trial >= 0, p.key.attempt >= 0 else { throw .invalid("progress", "negative epoch, trial or attempt") }
    return p
  }

  /// A result is a trial's (number ≥ 0) or an `evaluate` command's (``EvaluationRole/keyNumber``).
  private static func validated(_ r: TrialResult) throws(WireDecodingError) -> TrialResult {
    guard r.epochs >= 0, r.seconds >= 0, r.key.trial >= 0 || EvaluationRole(keyNumber: r.key.trial) != nil, r.key.attempt >= 0 else {
      throw .invalid("result", "negative epochs, seconds, trial or attempt")
    }
    return r
  }

  private static func describe(_ error: any Error) -> String {
    guard let e = error as? DecodingError else { return "\(error)" }
    func path(_ c: [any CodingKey]) -> String { c.map(\.stringValue).joined(separator: ".") }
    switch e {
    case .keyNotFound(let key, let ctx): return "missing key \"\(path(ctx.codingPath + [key]))\""
    case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
      return "bad value at \"\(path(ctx.codingPath))\": \(ctx.debugDescription)"
    @unknown default: return "\(error)"
    }
  }
}

/// Why a message was refused. The receiver logs it, answers with an `error`
/// message when it can, and keeps serving.
public enum WireDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
  case frameCount(expected: String, got: Int)
  case badHeader(Int)
  case unsupportedVersion(got: UInt8, supported: UInt8)
  case unknownType(UInt8)
  case tooLarge(frame: Int, bytes: Int, limit: Int)
  case invalid(String, String)

  public var description: String {
    switch self {
    case .frameCount(let expected, let got): return "expected \(expected) frames, got \(got)"
    case .badHeader(let n): return "not an hpo message (header of \(n) bytes without the HPO magic)"
    case .unsupportedVersion(let got, let supported):
      return "protocol version \(got) is not supported; this hpo (\(HPOVersion.current)) speaks version \(supported); run the same hpo version on coordinator and workers"
    case .unknownType(let t): return "unknown message type \(t)"
    case .tooLarge(let frame, let bytes, let limit): return "frame \(frame) has \(bytes) bytes, over the limit of \(limit)"
    case .invalid(let type, let why): return "invalid \(type) message: \(why)"
    }
  }
}

/// Why a message could not be encoded. Nothing is sent in its place (never an
/// empty body): the sender logs it and, when it answers a request, answers
/// with an `error` message instead.
public enum WireEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// JSON encoding of the body failed (message type, reason).
  case unencodable(String, String)
  /// A frame is over the receiver's limit (it would refuse it).
  case tooLarge(String, frame: Int, bytes: Int, limit: Int)

  public var description: String {
    switch self {
    case .unencodable(let type, let why): return "cannot encode a \(type) message: \(why)"
    case .tooLarge(let type, let frame, let bytes, let limit):
      return "a \(type) message would have \(bytes) bytes in frame \(frame), over the limit of \(limit)"
    }
  }
}

/// A bounded, thread-safe set of strings (forgotten all at once when full).
final class ShapeMemo: Sendable {
  private let shapes = Mutex<Set<String>>([])
  private let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  func contains(_ shape: String) -> Bool {
    shapes.locked { $0.contains(shape) }
  }

  func insert(_ shape: String) {
    shapes.locked { shapes in
      if shapes.count >= capacity { shapes.removeAll(keepingCapacity: true) }
      shapes.insert(shape)
    }
  }
}
