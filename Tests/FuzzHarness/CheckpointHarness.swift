import Crypto
import HPOModels

/// The checkpoint reader (`model.hpoc`), as a worker resuming a trial, the
/// release stage and `hpo predict` meet one.
///
/// Input: byte 0 is the format version and the rest the payload; the harness
/// adds the magic, the length and the SHA-256 a real file carries, so the
/// fuzzer gets past the seal into the fields. Byte 0 = 0xFF instead takes the
/// rest as the whole file (the seal itself under test).
///
/// Properties: decoding throws or returns, never traps; an accepted file is
/// canonical (it encodes back to the same bytes); an accepted model predicts
/// two rows without trapping (or refuses them with an error).
enum CheckpointHarness {
  static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
    guard let first = bytes.first else { return .refused("empty input") }
    let file = first == 0xFF ? Array(bytes.dropFirst()) : sealed(version: first, payload: Array(bytes.dropFirst()))
    let checkpoint: ModelCheckpoint
    do {
      checkpoint = try ModelCheckpoint(decoding: file)
    } catch {
      return .refused(error.message)
    }
    guard checkpoint.encoded() == file else { return .violated("an accepted checkpoint is not canonical: it encodes to other bytes") }
    return predictTwoRows(checkpoint)
  }

  /// Two rows of `value` through `checkpoint`: a refusal is an answer, a trap the finding.
  static func predictTwoRows(_ checkpoint: ModelCheckpoint, value: Double = 0.5) -> FuzzTarget.Outcome {
    let width = checkpoint.inputFeatureCount
    guard width <= 1 << 16 else { return .accepted }
    do {
      _ = try checkpoint.predict(features: [Double](repeating: value, count: 2 * width), rows: 2)
    } catch {
      return .refused("predict: \(error.message)")
    }
    return .accepted
  }

  /// A checkpoint file around `payload`: magic, version, length, payload, SHA-256.
  static func sealed(version: UInt8, payload: [UInt8]) -> [UInt8] {
    var bytes = ModelCheckpoint.magic
    withUnsafeBytes(of: UInt32(version).littleEndian) { bytes += $0 }
    withUnsafeBytes(of: UInt64(payload.count).littleEndian) { bytes += $0 }
    bytes += payload
    return bytes + Array(SHA256.hash(data: bytes))
  }
}
