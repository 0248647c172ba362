import Foundation
import HPOCore
import HPOWire
import Logging

/// The coordinator's run loop: receives messages from the transport, lets the
/// ``CoordinatorCore`` handle them, sends the replies, and expires leases.
///
/// Runs on the calling thread (which then owns the transport) until `stop` is
/// raised; then it drains: no new trials are handed out, running trials may
/// still report and finish and release stages may end, until none runs or
/// `drainTimeout` passes (on the monotonic clock). A restart on the same store
/// resumes whatever was left running, release stages included.
public final class CoordinatorService {
  private let core: CoordinatorCore
  private let transport: any ServerTransport
  private let logger: Logger
  private let drainTimeout: Duration
  private let tickInterval: Duration
  /// How often the loop looks at work running off it (``CoordinatorCore/hasBackgroundWork``).
  static let backgroundPoll: Duration = .milliseconds(20)
  /// Most messages handled (and committed together) per batch.
  public var maxBatch = 512
  /// How long a coordinator run with `exitWhenFinished` keeps serving after the last experiment ended.
  public var finishLinger: Duration = .seconds(3)
  /// Told of every dispatch and, about once a second, of the coordinator's state (metrics).
  public var observer: (any CoordinatorObserver)?
  /// How often the observer gets a snapshot.
  public var snapshotInterval: Duration = .seconds(1)
  /// Requests from inside the process (the dashboard's cancel), handled after each batch.
  public var control: CoordinatorControl?

  public init(core: CoordinatorCore, transport: any ServerTransport, drainTimeout: Duration = .seconds(30),
              tickInterval: Duration = .milliseconds(100), logger: Logger = Logger(label: "hpo.coordinator")) {
    self.core = core
    self.transport = transport
    self.drainTimeout = drainTimeout
    self.tickInterval = tickInterval
    self.logger = logger
  }

  /// Serves until `stop` is raised (then drains) or, when `exitWhenFinished`,
  /// until every experiment has ended.
  /// - Throws: transport or store failures (the caller exits with code 3).
  public func run(stop: StopSignal, exitWhenFinished: Bool = false) throws {
    var lastTick = CoordinatorTime.now()
    var lastSnapshot: CoordinatorTime?
    var drainDeadline: Duration?
    var finishedAt: CoordinatorTime?
    while true {
      let now = CoordinatorTime.now()
      if stop.isRaised, drainDeadline == nil {
        core.draining = true
        drainDeadline = now.monotonic + (stop.isUrgent ? .zero : drainTimeout)
        logger.info("draining: no new trials; waiting for running ones", metadata: ["reason": "\(stop.why)"])
      }
      if let deadline = drainDeadline {
        // Running trials and running release stages are waited for, up to the deadline (monotonic).
        let releases = core.runningReleases
        if core.isIdle, releases.isEmpty {
          logger.info("drained; stopping")
          return
        }
        if now.monotonic > deadline {
          if !core.isIdle { logger.info("drain timeout; stopping with trials still running (they resume on restart)") }
          if !releases.isEmpty {
            logger.warning("drain timeout; stopping with release stages still running (they run again on restart)",
                           metadata: ["experiments": "\(releases.joined(separator: ", "))"])
          }
          return
        }
      }
      if exitWhenFinished, core.allFinished, core.isIdle {
        // Keep answering a little longer so clients can read the final state.
        if finishedAt == nil { finishedAt = now }
        if now.duration(since: finishedAt!) > finishLinger { return }
      }
      var replies: [CoordinatorCore.Outgoing] = []
      let background = core.hasBackgroundWork
      if let first = try transport.receive(timeout: background ? min(tickInterval, Self.backgroundPoll) : tickInterval) {
        // Handle everything that has arrived, commit the batch once, then answer.
        replies = core.handle(first, now: .now())
        var handled = 1
        while handled < maxBatch, let next = try transport.receive(timeout: .zero) {
          replies += core.handle(next, now: .now())
          handled += 1
        }
      }
      let afterBatch = CoordinatorTime.now()
      if afterBatch.duration(since: lastTick) >= tickInterval {
        lastTick = afterBatch
        try core.tick(now: afterBatch)
      } else if background {
        try core.advanceBackgroundWork(now: afterBatch)
      }
      let controlled = handleControl()
      // Whatever the batch or the tick freed goes to idle workers at once.
      do {
        replies += try core.serveParked(now: .now())
        try core.flush()
      } catch {
        for (pending, _) in controlled { pending.answer.resume(returning: nil) }
        throw error
      }
      // Answered once committed: an accepted cancel is in the store.
      for (pending, reply) in controlled { pending.answer.resume(returning: reply) }
      for out in replies { try send(out) }
      let sent = CoordinatorTime.now()
      for out in replies {
        if let asked = out.askedAt, case .assignment(let a) = out.message {
          let latency = max(.zero, sent.duration(since: asked))
          observer?.dispatched(latency: latency)
          // For the preparation benchmark (Experiments/benchmarks/dispatch/preparation.sh).
          logger.debug("dispatched", metadata: ["trial": "\(a.key)", "latency_ms": "\(String(format: "%.3f", latency.seconds * 1000))"])
        }
      }
      if let observer {
        if lastSnapshot.map({ sent.duration(since: $0) >= snapshotInterval }) ?? true {
          lastSnapshot = sent
          observer.update(core.snapshot(now: sent))
        }
      }
    }
  }

  /// Handles the requests ``control`` holds, as the same requests from a client would be;
  /// their answers are given once the batch is committed.
  private func handleControl() -> [(CoordinatorControl.Pending, SubmitReply)] {
    guard let control else { return [] }
    return control.take().map { pending in
      do {
        return (pending, try core.cancel(pending.request, now: .now()))
      } catch {
        logger.error("could not cancel", metadata: ["experiment": "\(pending.request.experiment)", "error": "\(error)"])
        return (pending, SubmitReply(experiment: pending.request.experiment, accepted: false, message: "the coordinator could not cancel: \(error)"))
      }
    }
  }

  /// Sends one reply; a reply that cannot be encoded (over the size limit)
  /// is answered with an `error` naming why, and the coordinator keeps serving.
  private func send(_ out: CoordinatorCore.Outgoing) throws {
    do {
      try transport.send(out.message, to: out.peer)
    } catch let error as WireEncodingError {
      logger.error("a reply cannot be encoded; an error is sent instead", metadata: ["peer": "\(out.peer)", "error": "\(error)"])
      try transport.send(.error(WireFailure(code: .internal, message: "the coordinator cannot send its answer: \(error)")), to: out.peer)
    }
  }
}
