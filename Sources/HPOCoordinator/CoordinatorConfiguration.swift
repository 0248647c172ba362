import Foundation
import HPOCore

/// Settings of a coordinator, fixed for its lifetime.
public struct CoordinatorConfiguration: Sendable {
  /// Names this coordinator in logs and in `welcome` messages.
  public var coordinatorID: String
  /// A lease not renewed (by a heartbeat or a progress report) within this
  /// time is lost and its trial goes back to the queue.
  public var leaseDuration: Duration
  /// How often workers are asked to send heartbeats.
  public var heartbeatInterval: Duration
  /// Attempts per trial before it is marked failed (a lost worker costs one attempt).
  public var maxAttempts: Int
  /// What workers are told to wait before asking again when there is no work.
  public var noWorkRetry: Duration
  /// How long an idle worker's ask is held, to be answered the moment a trial
  /// becomes available, before it is told to ask again (at once). Zero answers
  /// `noWork` at once (then workers wait ``noWorkRetry``).
  public var parkTimeout: Duration
  /// How long the members of a gang trial have to gather and join before
  /// the gang is given up (its trial requeued, its slots freed).
  public var gangFormationTimeout: Duration

  public init(
    coordinatorID: String = "coordinator", leaseDuration: Duration = .seconds(10),
    heartbeatInterval: Duration = .seconds(1), maxAttempts: Int = 3, noWorkRetry: Duration = .milliseconds(200),
    parkTimeout: Duration = .seconds(1), gangFormationTimeout: Duration = .seconds(30)
  ) {
    self.coordinatorID = coordinatorID
    self.leaseDuration = leaseDuration
    self.heartbeatInterval = heartbeatInterval
    self.maxAttempts = maxAttempts
    self.noWorkRetry = noWorkRetry
    self.parkTimeout = parkTimeout
    self.gangFormationTimeout = gangFormationTimeout
  }
}

/// Builds the sampler of an experiment (injected so that the coordinator does
/// not decide which algorithms exist).
public typealias SamplerFactory = @Sendable (ExperimentSpec) -> any Sampler

/// Builds the scheduler of an experiment, or `nil` when trials are never stopped early.
public typealias SchedulerFactory = @Sendable (ExperimentSpec) -> (any Scheduler)?

extension Duration {
  /// The duration in whole milliseconds.
  var milliseconds: Int { Int((seconds * 1000).rounded()) }
}
