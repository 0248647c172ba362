import Dispatch
import Foundation
import HPOCore
import HPOStore

/// Notices changes to a store and tells every subscriber, as the text of Server-Sent Events
/// (`GET /api/events`, ``EventStreamBody``).
///
/// It polls `PRAGMA data_version` on its own read-only connection every ``Timing/poll``, on a
/// private Dispatch queue (never on a request's path). When the version moved it reads every
/// experiment's summary (``APIExperimentChange``) and sends one `experiment` event for each
/// summary that differs from the last one sent. A new subscriber first gets the `retry:` field
/// and the summary of every experiment, so a reconnecting browser is up to date at once. Every
/// ``Timing/heartbeat`` every subscriber gets a comment (`: heartbeat`), which keeps proxies
/// from closing an idle stream and lets the server notice a client that went away.
///
/// A store that cannot be read sends a `problem` event (`{"error": "…"}`) once per distinct
/// error; polling goes on, and the next good read sends what changed.
///
/// **Threads.** `Sendable`. ``stop()`` ends polling and every subscriber's stream.
public final class StoreWatcher: Sendable {
  /// How often it polls, beats, and what it tells browsers to wait before reconnecting.
  public struct Timing: Sendable {
    public var poll: Duration
    public var heartbeat: Duration
    /// The `retry:` field: milliseconds a browser waits before reconnecting a dropped stream.
    public var retryMilliseconds: Int
    /// When set, each stream ends this long after it began (at the next poll) and the client
    /// reconnects: a bound on a connection's life for proxies that want one, and what lets a
    /// headless browser's virtual clock run in the page tests. `nil`: streams last.
    public var streamLifetime: Duration?

    public init(
      poll: Duration = .milliseconds(250), heartbeat: Duration = .seconds(15), retryMilliseconds: Int = 2000,
      streamLifetime: Duration? = nil
    ) {
      self.poll = poll
      self.heartbeat = heartbeat
      self.retryMilliseconds = retryMilliseconds
      self.streamLifetime = streamLifetime
    }
  }

  private struct Subscriber {
    var continuation: AsyncStream<String>.Continuation
    var since: ContinuousClock.Instant
  }

  private struct State {
    var version: Int?
    var summaries: [APIExperimentChange] = []
    var subscribers: [Int: Subscriber] = [:]
    var nextSubscriber = 0
    var lastBeat = ContinuousClock.now
    var lastProblem: String?
    var stopped = false
  }

  private let store: ExperimentStore
  private let timing: Timing
  private let queue = DispatchQueue(label: "hpo.dashboard.store-watcher")
  private let state = Locked(State())

  /// Starts watching `store`, which must be a connection of its own (`openReadOnly`), used
  /// by nothing else: `data_version` only moves for other connections' commits. Reads the
  /// summaries once before returning, so the first subscriber gets them.
  public init(store: ExperimentStore, timing: Timing = Timing()) {
    self.store = store
    self.timing = timing
    queue.sync { poll() }
    schedule()
  }

  /// The events for one client, from the `retry:` field and the current summaries on; the
  /// stream ends at ``stop()``. Ending its iteration (the client went away) unsubscribes.
  func subscribe() -> AsyncStream<String> {
    let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
    let id: Int? = state.withLock { s in
      guard !s.stopped else { return nil }
      var first = "retry: \(timing.retryMilliseconds)\n\n"
      for summary in s.summaries { first += Self.event(summary) }
      continuation.yield(first)
      s.nextSubscriber += 1
      s.subscribers[s.nextSubscriber] = Subscriber(continuation: continuation, since: .now)
      return s.nextSubscriber
    }
    guard let id else {
      continuation.finish()
      return stream
    }
    continuation.onTermination = { [state] _ in
      _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
    return stream
  }

  /// How many clients are subscribed now.
  public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

  /// Stops polling and ends every subscriber's stream. The store is not closed.
  public func stop() {
    let ended = state.withLock { s in
      s.stopped = true
      defer { s.subscribers = [:] }
      return Array(s.subscribers.values)
    }
    for c in ended { c.continuation.finish() }
  }

  private func schedule() {
    let nanoseconds = timing.poll.components.seconds * 1_000_000_000 + timing.poll.components.attoseconds / 1_000_000_000
    queue.asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [weak self] in
      guard let self, !self.state.withLock({ $0.stopped }) else { return }
      self.poll()
      self.schedule()
    }
  }

  /// One poll, on `queue`: events for what changed, then a heartbeat when one is due.
  private func poll() {
    var text = ""
    do {
      let version = try store.dataVersion()
      if version != state.withLock({ $0.version }) {
        let summaries = try store.experiments().map { e in
          APIExperimentChange(e, best: try store.bestTrial(of: e.name, direction: e.spec.objective.direction))
        }
        text = state.withLock { s in
          let before = Dictionary(s.summaries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
          s.version = version
          s.summaries = summaries
          s.lastProblem = nil
          return summaries.filter { before[$0.name] != $0 }.map(Self.event).joined()
        }
      }
    } catch {
      let message = "the store could not be read: \(error)"
      let isNew = state.withLock { s in
        defer { s.lastProblem = message }
        // Read again in full once the store can be read.
        s.version = nil
        return s.lastProblem != message
      }
      if isNew { text = Self.problem(message) }
    }
    let (subscribers, expired) = state.withLock { s in
      let now = ContinuousClock.now
      if now - s.lastBeat >= timing.heartbeat {
        s.lastBeat = now
        text += ": heartbeat\n\n"
      }
      var expired: [AsyncStream<String>.Continuation] = []
      if let lifetime = timing.streamLifetime {
        for (id, subscriber) in s.subscribers where now - subscriber.since >= lifetime {
          expired.append(subscriber.continuation)
          s.subscribers[id] = nil
        }
      }
      return (s.subscribers.values.map(\.continuation), expired)
    }
    for c in expired { c.finish() }
    guard !text.isEmpty else { return }
    for c in subscribers { c.yield(text) }
  }

  /// `summary` as an `experiment` event.
  static func event(_ summary: APIExperimentChange) -> String {
    do {
      return "event: experiment\ndata: " + String(decoding: try DashboardJSON.encode(summary), as: UTF8.self) + "\n\n"
    } catch {
      return problem("experiment \"\(summary.name)\" could not be encoded: \(error)")
    }
  }

  /// A `problem` event carrying `message`.
  static func problem(_ message: String) -> String {
    // A dictionary of one string cannot fail to encode.
    let json = (try? DashboardJSON.encode(["error": message])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    return "event: problem\ndata: \(json)\n\n"
  }
}
