import Foundation
import HPOCoordinator
import HPOCore
import HPOData
import HPORelease
import Logging
import HPOSearch
import HPOWire
import HPOWorker
import HPOZeroMQ

/// The concrete parts the executable composes: which samplers, schedulers,
/// runners and transports exist.
enum Components {
  /// The experiment's sampler (BOHB-style TPE when early stopping is `bohb`).
  static let samplers: SamplerFactory = { spec in makeSampler(for: spec) }

  static let schedulers: SchedulerFactory = { spec in makeScheduler(for: spec) }

  /// Runs functions itself; model kinds go to the trainer.
  struct Runner: TrialRunner {
    func run(_ a: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool) throws -> TrialRun {
      switch a.model.kind {
      case .function: return try FunctionRunner().run(a, shardFiles: shardFiles, report: report)
      case .ridge, .softmax, .mlp: return try ModelRunner().run(a, shardFiles: shardFiles, report: report)
      }
    }
  }
}

/// A client connection that is closed when the command ends.
final class CoordinatorClient {
  let context: ZeroMQContext
  let transport: ZeroMQClientTransport
  let endpoint: String
  let timeout: Duration
  let advice: HandshakeAdvice

  init(_ options: ConnectionOptions, security: ZeroMQClientSecurity?) throws {
    context = try ZeroMQContext()
    transport = try ZeroMQClientTransport(context: context, endpoint: options.endpoint, security: security)
    endpoint = options.endpoint
    timeout = .milliseconds(Int(options.timeout * 1000))
    advice = options.keys.advice(endpoint: options.endpoint, security: security)
  }

  deinit {
    transport.close()
    context.close()
  }

  /// Sends `message` and waits for the first reply `match` accepts.
  /// - Throws: ``ClientError/noAnswer`` after the timeout, or
  ///   ``ClientError/handshakeFailed`` once handshakes have kept failing for
  ///   a second (a wrong key: libzmq would retry silently forever); exit code 3.
  func request<T>(_ message: WireMessage, _ match: (WireMessage) -> T?) throws -> T {
    try transport.send(message)
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    let grace = min(Duration.seconds(1), timeout)
    while clock.now < deadline {
      let received = try transport.receive(timeout: .milliseconds(100))
      if let failure = transport.handshakeFailure, let since = transport.handshakeFailingSince, since.duration(to: clock.now) >= grace {
        throw ClientError.handshakeFailed(advice.message(for: failure))
      }
      guard let received else { continue }
      switch received {
      case .success(.error(let e)): throw ClientError.refused(e.message)
      case .success(let m): if let t = match(m) { return t }
      case .failure(let e): throw ClientError.refused("unreadable answer: \(e)")
      }
    }
    if let failure = transport.handshakeFailure { throw ClientError.handshakeFailed(advice.message(for: failure)) }
    throw ClientError.noAnswer(endpoint: endpoint, seconds: Double(timeout.components.seconds))
  }
}

enum ClientError: Error, CustomStringConvertible {
  case noAnswer(endpoint: String, seconds: Double)
  case refused(String)
  case handshakeFailed(String)

  var description: String {
    switch self {
    case .noAnswer(let endpoint, let seconds):
      return "the coordinator at \(endpoint) did not answer within \(Int(seconds)) s; is `hpo coordinator` running there? (--coordinator sets the address)"
    case .refused(let why): return "the coordinator refused: \(why)"
    case .handshakeFailed(let advice): return advice
    }
  }
}

extension Components {
  /// Prepares and serves experiment data: shards under `output.dir/data/`.
  static let dataSource: (any ExperimentPreparer)? = ShardedDataSource()

  /// The release stage after each search (the coordinator's and `hpo evaluate`'s).
  static func release(_ logger: Logger, experimentDirectory: String? = nil) -> ReleaseStage {
    .standard(logger: logger, experimentDirectory: experimentDirectory)
  }
}

// The composition root wires the coordinator's protocols to their implementations:
// the signatures match, so the conformances are declared here, where both are known.
extension ShardedDataSource: ExperimentPreparer {}
extension ReleaseStage: ReleaseRunner {}
