import Foundation
import HPOCore
@testable import HPOSearch
import Testing

/// One decision of a simulated run: what the scheduler saw and answered.
struct LoggedDecision {
  var history: [TrialRecord]
  var trial: Int
  var report: IntermediateReport
  var decision: SchedulerDecision
}

/// An asynchronous run: `workers` trials train at once, a seeded generator
/// picks which one reports next, each report is decided as the coordinator
/// does (recorded first, then asked), stopped trials are pruned and finished
/// ones complete at 27 epochs. Every 7th trial diverges (NaN), from epoch 1 or 5.
/// With `restartAfter`, the scheduler is rebuilt after that many reports from
/// a JSON round trip of the history, as after a coordinator restart.
func simulate(
  _ make: () -> any Scheduler, trials: Int = 40, workers: Int = 4, seed: UInt64 = 1, restartAfter: Int? = nil
) throws -> [LoggedDecision] {
  var g = SeededGenerator(seed: seed)
  let quality = (0..<trials).map { _ in g.nextUnit() }
  var history: [TrialRecord] = []
  var running: [Int] = []
  var next = 0
  var scheduler = make()
  var log: [LoggedDecision] = []
  while next < trials || !running.isEmpty {
    while running.count < workers, next < trials {
      history.append(TrialRecord(number: next, configuration: Configuration(["x": .float(quality[next])]), state: .running))
      running.append(next)
      next += 1
    }
    if log.count == restartAfter {
      let encoder = JSONEncoder()
      encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      let decoder = JSONDecoder()
      decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      history = try decoder.decode([TrialRecord].self, from: encoder.encode(history))
      scheduler = make()
    }
    let slot = g.index(below: running.count)
    let t = running[slot]
    let epoch = history[t].intermediate.count + 1
    let noise = (g.nextUnit() - 0.5) * 0.05
    let value = t % 7 == 6 && epoch >= (t % 2 == 0 ? 1 : 5) ? Double.nan : quality[t] + 1 / Double(epoch) + noise
    let r = IntermediateReport(step: epoch, value: value)
    history[t].intermediate.append(r)
    let decision = scheduler.decide(for: history[t], report: r, history: history)
    log.append(LoggedDecision(history: history, trial: t, report: r, decision: decision))
    if decision.stops || epoch == 27 {
      history[t].state = decision.stops ? .pruned : .complete
      history[t].value = value
      running.remove(at: slot)
    }
  }
  return log
}

let purityCases: [SchedulerCase] = [
  SchedulerCase(name: "median") { MedianStoppingScheduler(direction: .minimize, warmupEpochs: 1, minTrials: 3) },
  SchedulerCase(name: "asha") { ASHAScheduler(direction: .minimize, minEpochs: 1, reductionFactor: 3, maxEpochs: 27) },
  SchedulerCase(name: "hyperband") { HyperbandScheduler(direction: .minimize, minEpochs: 1, reductionFactor: 3, maxEpochs: 27) },
]

struct SchedulerCase: CustomTestStringConvertible, Sendable {
  var name: String
  var make: @Sendable () -> any Scheduler
  var testDescription: String { name }
}

@Suite("Scheduler: purity")
struct SchedulerPurityTests {
  @Test("the simulated run both continues and stops trials (so the checks below bite)", arguments: purityCases)
  func nonTrivial(_ c: SchedulerCase) throws {
    let log = try simulate(c.make)
    #expect(log.contains { $0.decision.stops } && log.contains { $0.decision == .continue })
    #expect(log.contains { $0.decision.reason?.contains("non-finite") == true || $0.decision.reason?.contains("no finite") == true })
  }

  @Test("every decision is the same from a fresh scheduler, a decoded history or a shuffled one", arguments: purityCases)
  func rebuiltFromHistory(_ c: SchedulerCase) throws {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    var g = SeededGenerator(seed: 9)
    for entry in try simulate(c.make) {
      let fresh = c.make()
      let decoded = try decoder.decode([TrialRecord].self, from: encoder.encode(entry.history))
      var shuffled = entry.history
      shuffled.shuffle(using: &g)
      let trial = entry.history[entry.trial]
      #expect(fresh.decide(for: trial, report: entry.report, history: decoded) == entry.decision)
      #expect(fresh.decide(for: trial, report: entry.report, history: shuffled) == entry.decision)
    }
  }

  @Test("a restart mid-run (scheduler and history rebuilt) gives the same decisions as no restart", arguments: purityCases)
  func restart(_ c: SchedulerCase) throws {
    let straight = try simulate(c.make).map(\.decision)
    for cut in [1, 57, 200] {
      #expect(try simulate(c.make, restartAfter: cut).map(\.decision) == straight)
    }
  }
}
