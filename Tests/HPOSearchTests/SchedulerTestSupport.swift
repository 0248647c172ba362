import HPOCore
@testable import HPOSearch
import Testing

/// A trial that reported `values` at epochs `from`, `from + 1`, …
func reported(
  _ number: Int, _ values: [Double], state: TrialState = .running, from: Int = 1
) -> TrialRecord {
  let reports = values.enumerated().map { IntermediateReport(step: from + $0.offset, value: $0.element) }
  let value: Double? = (state == .pruned || state == .complete) ? values.last : nil
  return TrialRecord(
    number: number, configuration: Configuration(["x": .float(Double(number))]), state: state, value: value,
    intermediate: reports)
}

/// A trial that reported only at `step` (earlier epochs left out, as if skipped).
func reportedOnly(_ number: Int, at step: Int, _ value: Double, state: TrialState = .running) -> TrialRecord {
  TrialRecord(
    number: number, configuration: Configuration(["x": .float(Double(number))]), state: state,
    value: state == .pruned ? value : nil, intermediate: [IntermediateReport(step: step, value: value)])
}

/// What the coordinator does on a report: append it to the trial's reports in
/// `history` (indexed by number), ask the scheduler, and prune the trial if told to.
@discardableResult
func report(
  _ scheduler: any Scheduler, _ history: inout [TrialRecord], trial number: Int, step: Int, value: Double
) -> SchedulerDecision {
  let r = IntermediateReport(step: step, value: value)
  history[number].intermediate.append(r)
  history[number].state = .running
  let decision = scheduler.decide(for: history[number], report: r, history: history)
  if case .stop = decision {
    history[number].state = .pruned
    history[number].value = value
  }
  return decision
}

/// `count` fresh running trials with no reports, numbered 0 ..< count.
func freshTrials(_ count: Int) -> [TrialRecord] {
  (0..<count).map { TrialRecord(number: $0, configuration: Configuration(["x": .float(Double($0))]), state: .running) }
}

extension SchedulerDecision {
  var stops: Bool { if case .stop = self { return true } else { return false } }
  var reason: String? { if case .stop(let r) = self { return r } else { return nil } }
}

/// Continue / stop as letters, for compact expectations: "ccs…".
func letters(_ decisions: [SchedulerDecision]) -> String {
  String(decisions.map { $0.stops ? "s" : "c" })
}

/// The ladder of the hand-computed cases: η = 3, min 1, max 27.
let ashaMinimize = ASHAScheduler(direction: .minimize, minEpochs: 1, reductionFactor: 3, maxEpochs: 27)
let hyperband27 = HyperbandScheduler(direction: .minimize, minEpochs: 1, reductionFactor: 3, maxEpochs: 27)
