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
  /// The store file read offline has no experiment of that name.
  case notInStore(experiment: String, store: String)
  /// The caller stopped waiting for the reason given (e.g. the coordinator process died).
  case aborted(String)

  /// Whether the experiment named does not exist (a user's mistake, not a failure).
  public var isUnknownExperiment: Bool {
    switch self {
    case .unknownExperiment, .notInStore: true
    default: false
    }
  }

  public var description: String {
    switch self {
    case .noAnswer(let endpoint, let seconds):
      return "the coordinator at \(endpoint) did not answer within \(Int(seconds)) s; is `hpo coordinator` running there? (--coordinator sets the address)"
    case .refused(let why): return "the coordinator refused: \(why)"
    case .handshakeFailed(let advice): return advice
    case .unknownExperiment(let name): return "the coordinator has no experiment named \(name)"
    case .notInStore(let name, let store): return "the store \(store) has no experiment named \(name)"
    case .aborted(let reason): return reason
    }
  }
}
