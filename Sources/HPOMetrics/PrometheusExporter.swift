import HPOCoordinator
import Prometheus

/// A ``CoordinatorObserver`` that keeps Prometheus metrics of a coordinator
/// and renders them in the text exposition format:
///
/// - `hpo_trials{experiment, state}` (gauge): trials by state;
/// - `hpo_trials_budget{experiment}` (gauge): `search.trials`;
/// - `hpo_worker_slots_connected` (gauge): slots heard from within a lease;
/// - `hpo_queue_depth` (gauge): trials waiting for a worker (requeued);
/// - `hpo_parked_asks` (gauge): idle slots waiting for a trial;
/// - `hpo_leases` (gauge): trials leased to workers;
/// - `hpo_dispatch_latency_seconds` (histogram): from a worker's ask to its trial.
///
/// Thread-safe: the run loop records, the HTTP server renders.
public final class PrometheusExporter: CoordinatorObserver, Sendable {
  private let registry = PrometheusCollectorRegistry()
  private let workerSlots: Gauge
  private let queueDepth: Gauge
  private let parkedAsks: Gauge
  private let leases: Gauge
  private let dispatchLatency: DurationHistogram

  public init() {
    workerSlots = registry.makeGauge(descriptor: Self.name("worker_slots_connected", "Worker slots heard from within the last lease duration."))
    queueDepth = registry.makeGauge(descriptor: Self.name("queue_depth", "Trials waiting for a worker (requeued after a lost or returned lease)."))
    parkedAsks = registry.makeGauge(descriptor: Self.name("parked_asks", "Idle worker slots waiting for a trial."))
    leases = registry.makeGauge(descriptor: Self.name("leases", "Trials leased to workers (running or leased ahead)."))
    dispatchLatency = registry.makeDurationHistogram(
      descriptor: Self.name("dispatch_latency", unit: "seconds",
                            "Time from a worker's ask for work to the trial sent to it (includes waiting for a trial to exist)."),
      buckets: [.microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
                .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)])
  }

  public func dispatched(latency: Duration) {
    dispatchLatency.record(latency)
  }

  public func update(_ snapshot: CoordinatorSnapshot) {
    for (experiment, counts) in snapshot.trials {
      for (state, count) in counts {
        registry.makeGauge(descriptor: Self.name("trials", "Trials by experiment and state."), labels: [("experiment", experiment), ("state", state.rawValue)])
          .set(Double(count))
      }
    }
    for (experiment, budget) in snapshot.budgets {
      registry.makeGauge(descriptor: Self.name("trials_budget", "Trials the experiment's search may run."), labels: [("experiment", experiment)])
        .set(Double(budget))
    }
    workerSlots.set(Double(snapshot.workerSlots))
    queueDepth.set(Double(snapshot.queueDepth))
    parkedAsks.set(Double(snapshot.parkedAsks))
    leases.set(Double(snapshot.leases))
  }

  /// `hpo_NAME[_UNIT]` with its help text.
  private static func name(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(namespace: "hpo", metricName: name, unitName: unit, helpText: help)
  }

  /// Every metric in the Prometheus text exposition format (version 0.0.4).
  public func render() -> [UInt8] {
    registry.emitToBuffer()
  }
}
