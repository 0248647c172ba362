/// Why a request to the coordinator got no usable answer. The description is
/// one line for people: what went wrong and what to do.
public enum ClientError: Error, Sendable, CustomStringConvertible, Equatable {
  /// Nothing came back within the timeout.
  case noAnswer(endpoint: String, seconds: Double)
  /// The coordinator answered with an error message.
  case refused(String)
  /// The security handshake kept failing (a wrong key): what to check.
  case handshakeFailed(String)
  /// The coordinator does not know the experiment.
  case unknownExperiment(String)

  public var description: String {
    switch self {
    case .noAnswer(let endpoint, let seconds):
      return "the coordinator at \(endpoint) did not answer within \(Int(seconds)) s; is `hpo coordinator` running there? (--coordinator sets the address)"
    case .refused(let why): return "the coordinator refused: \(why)"
    case .handshakeFailed(let advice): return advice
    case .unknownExperiment(let name): return "the coordinator has no experiment named \(name)"
    }
  }
}
