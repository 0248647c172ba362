import Foundation
import HPOCollectives
import HPOCore
import HPOWire

/// Runs a `function` trial on a gang, for tests and benchmarks of gang
/// scheduling and collectives: every epoch, each member sleeps its share of
/// the epoch (`seconds` / epochs / members, the work split as data-parallel
/// training splits it) and all-reduces a vector of `gang_elements` doubles
/// (configuration parameter, default 1024; each member contributes 1 per
/// element). Rank 0 reports each epoch through `report`; its answer reaches
/// every member by a broadcast, so all stop together.
///
/// The metrics are the function's `value` (as ``FunctionRunner``) and
/// `gang_members`: the all-reduced count, the number of members that took part.
struct GangFunctionRunner {
  /// The default length of the vector all-reduced each epoch.
  static let defaultElements = 1024

  /// Runs `assignment` as member `communicator.gang.rank`. `report` is called
  /// on rank 0 only.
  /// - Throws: ``CollectiveError`` when a member fails or stalls;
  ///   ``TrialRunError`` for a bad configuration.
  static func run(
    _ assignment: TrialAssignment, communicator: GangCommunicator, report: (Int, [String: Double]) throws -> Bool
  ) throws -> TrialRun {
    guard let function = assignment.model.function else { throw TrialRunError("the function model needs model.function") }
    let c = assignment.configuration
    let value = try FunctionRunner.evaluate(function, c, trial: assignment.key.trial)
    let seconds = function == .sleep ? (c["seconds"]?.numericValue ?? 0.1) : 0
    let elements = c["gang_elements"]?.numericValue.map { Int($0) } ?? defaultElements
    guard elements >= 1 else { throw TrialRunError("gang_elements \(elements) must be at least 1") }
    let gang = communicator.gang
    let epochs = max(1, assignment.epochs ?? 1)
    var members = 0.0
    for epoch in 1...epochs {
      if seconds > 0 { Thread.sleep(forTimeInterval: seconds / Double(epochs * gang.size)) }
      var buffer = [Double](repeating: 1, count: elements)
      try communicator.allReduceSum(&buffer)
      members = buffer[0]
      guard buffer.allSatisfy({ $0 == members }), members == Double(gang.size) else {
        throw TrialRunError("the all-reduce of epoch \(epoch) summed to \(members) (not the same on every element, or not \(gang.size) members)")
      }
      let current = assignment.epochs == nil ? value : value + (abs(value) + 1) * Double(epochs - epoch) / Double(epochs)
      let metrics = ["value": current, "gang_members": members]
      var goOn: [Double] = [1]
      if gang.rank == 0, assignment.epochs != nil { goOn[0] = try report(epoch, metrics) ? 1 : 0 }
      try communicator.broadcast(&goOn, root: 0)
      if goOn[0] == 0 { return TrialRun(metrics: metrics, epochs: epoch, stopped: true) }
    }
    return TrialRun(metrics: ["value": value, "gang_members": members], epochs: assignment.epochs ?? 0, stopped: false)
  }
}
