import HPOWire

/// The wire decoder, as a coordinator or worker meets a peer's frames.
///
/// Input: byte 0 is the message type (the header `HPO`, version 1, type is
/// built from it, so the fuzzer spends its time in the bodies); the rest is
/// the body frame and, after a `\n~~~\n`, the binary frame of a checkpoint or
/// shard message. Byte 0 = 0xFF instead cuts the rest into up to four raw frames.
///
/// Properties: decoding throws or returns, never traps; a decoded message
/// re-encodes to frames that decode and encode to the same frames again.
enum WireHarness {
  static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
    guard let first = bytes.first else { return .refused("empty input") }
    let frames: [[UInt8]]
    if first == 0xFF {
      frames = parts(bytes.dropFirst(), limit: 4).filter { !$0.isEmpty }
    } else {
      let rest = parts(bytes.dropFirst(), limit: 2)
      frames = [Array("HPO".utf8) + [WireCodec.version, first], rest[0]] + (rest[1].isEmpty ? [] : [rest[1]])
    }
    // Small limits, so the size checks are reached too.
    let limits = WireLimits(maxBodyBytes: 1 << 16, maxBinaryBytes: 1 << 16)
    let message: WireMessage
    do {
      message = try WireCodec.decode(frames, limits: limits)
    } catch {
      return .refused(error.description)
    }
    let encoded: [[UInt8]]
    do { encoded = try WireCodec.encode(message) } catch {
      return .violated("a decoded \(message.type) message does not encode: \(error)")
    }
    do {
      let again = try WireCodec.decode(encoded)
      guard try WireCodec.encode(again) == encoded else {
        return .violated("a \(message.type) message changes on a second encode/decode round")
      }
    } catch {
      return .violated("a decoded \(message.type) message does not decode after encoding: \(error)")
    }
    return .accepted
  }
}
