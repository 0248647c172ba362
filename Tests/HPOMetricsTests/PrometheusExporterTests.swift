import HPOCoordinator
import HPOCore
import Testing

@testable import HPOMetrics

/// The exporter's text: what a Prometheus scrape of a coordinator reads.
@Suite struct PrometheusExporterTests {
  static func sample(_ text: String, _ series: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
      return Double(line.dropFirst(series.count + 1))
    }
    return nil
  }

  @Test func snapshot_becomesGaugesWithExperimentAndStateLabels() {
    let exporter = PrometheusExporter()
    exporter.update(CoordinatorSnapshot(
      trials: ["a": [.pending: 1, .running: 2, .complete: 7, .pruned: 3, .failed: 0]], budgets: ["a": 20],
      workerSlots: 4, queueDepth: 1, parkedAsks: 2, leases: 3))
    let text = String(decoding: exporter.render(), as: UTF8.self)
    #expect(Self.sample(text, #"hpo_trials{experiment="a",state="complete"}"#) == 7)
    #expect(Self.sample(text, #"hpo_trials{experiment="a",state="pruned"}"#) == 3)
    #expect(Self.sample(text, #"hpo_trials_budget{experiment="a"}"#) == 20)
    #expect(Self.sample(text, "hpo_worker_slots_connected") == 4)
    #expect(Self.sample(text, "hpo_queue_depth") == 1)
    #expect(Self.sample(text, "hpo_parked_asks") == 2)
    #expect(Self.sample(text, "hpo_leases") == 3)
    // A later snapshot replaces the values; it does not add to them.
    exporter.update(CoordinatorSnapshot(
      trials: ["a": [.pending: 0, .running: 0, .complete: 20, .pruned: 0, .failed: 0]], budgets: ["a": 20],
      workerSlots: 0, queueDepth: 0, parkedAsks: 0, leases: 0))
    let later = String(decoding: exporter.render(), as: UTF8.self)
    #expect(Self.sample(later, #"hpo_trials{experiment="a",state="complete"}"#) == 20)
    #expect(Self.sample(later, "hpo_worker_slots_connected") == 0)
  }

  @Test func dispatches_fillTheLatencyHistogramBuckets() {
    let exporter = PrometheusExporter()
    exporter.dispatched(latency: .microseconds(200))
    exporter.dispatched(latency: .milliseconds(3))
    exporter.dispatched(latency: .milliseconds(700))
    let text = String(decoding: exporter.render(), as: UTF8.self)
    #expect(Self.sample(text, #"hpo_dispatch_latency_seconds_bucket{le="0.0005"}"#) == 1)
    #expect(Self.sample(text, #"hpo_dispatch_latency_seconds_bucket{le="0.005"}"#) == 2)
    #expect(Self.sample(text, #"hpo_dispatch_latency_seconds_bucket{le="1.0"}"#) == 3)
    #expect(Self.sample(text, "hpo_dispatch_latency_seconds_count") == 3)
    let sum = Self.sample(text, "hpo_dispatch_latency_seconds_sum") ?? 0
    #expect(abs(sum - 0.7032) < 1e-9)
  }
}
