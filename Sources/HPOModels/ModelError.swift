import HPOCore

/// Why training, prediction or a checkpoint failed, with a message a person
/// can act on (it names the parameter, value, shape or byte offset at fault).
///
/// Every public throwing call of HPOModels throws only this type.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The kind of failure, stable for callers that branch on it.
  public enum Code: String, Sendable, Equatable, CaseIterable {
    /// A configuration names a hyperparameter the model does not read.
    case unknownHyperparameter = "unknown_hyperparameter"
    /// A hyperparameter's value is outside what the model accepts.
    case invalidHyperparameter = "invalid_hyperparameter"
    /// The data does not fit the model or each other: feature counts,
    /// task, class labels, empty splits.
    case invalidData = "invalid_data"
    /// The model kind cannot do what was asked (e.g. softmax on regression,
    /// training a `function` model).
    case unsupported
    /// Training produced a non-finite loss or weights (learning rate too
    /// large, or exploding activations).
    case diverged
    /// A linear-algebra routine failed (the message carries its description).
    case linearAlgebra = "linear_algebra"
    /// Checkpoint bytes are not a checkpoint, are truncated or corrupted
    /// (bad magic, length, SHA-256 or field).
    case corruptCheckpoint = "corrupt_checkpoint"
    /// The checkpoint was written by a format version this build cannot read.
    case unsupportedCheckpointVersion = "unsupported_checkpoint_version"
    /// A checkpoint cannot resume this run (different model, task, data
    /// shape or precision).
    case checkpointMismatch = "checkpoint_mismatch"
    /// A sum with the other members of a gang failed (a member died,
    /// stalled or cannot be reached): the message is the collective's error.
    case collective
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

extension ModelError {
  /// Wraps any error thrown by a lower layer (HPOLinearAlgebra) as a
  /// `.linearAlgebra` error; a `ModelError` passes through unchanged.
  static func wrapping(_ error: any Error) -> ModelError {
    if let error = error as? ModelError { return error }
    return ModelError(.linearAlgebra, String(describing: error))
  }
}
