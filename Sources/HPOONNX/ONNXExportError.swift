/// Why a checkpoint could not be exported as ONNX, with a message naming the
/// value at fault and what is accepted.
///
/// ``ONNXExport`` throws only this type.
public struct ONNXExportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The kind of failure, stable for callers that branch on it.
  public enum Code: String, Sendable, Equatable, CaseIterable {
    /// The checkpoint holds something the exporter has no ONNX form for.
    case unsupportedModel = "unsupported_model"
    /// A weight or preprocessing value is not finite, does not fit in
    /// float32, or two categories of a column become equal in float32.
    case valueOutOfRange = "value_out_of_range"
    /// The model is larger than protobuf's 2 GiB message limit.
    case tooLarge = "too_large"
    /// swift-protobuf failed to encode the model (its description follows).
    case encoding
  }

  /// The kind of failure.
  public var code: Code
  /// One sentence or two: what is wrong and what is accepted.
  public var message: String

  /// Creates an error of `code` with `message`.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// `"<code>: <message>"`.
  public var description: String { "\(code.rawValue): \(message)" }
}
