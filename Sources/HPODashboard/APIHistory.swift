import HPOCore
import HPOReports
import HPOStore

/// The answer of `GET /api/experiments/{name}/history`: the optimisation history plot's data
/// (``OptimisationHistory``, the HTML report's own), as columns so 100,000 points stay a
/// compact body: point `i` is trial `number[i]`, `state[i]` (`complete` or `pruned`),
/// objective `value[i]`. `bestSoFar` is the best value after each complete trial, and
/// `best` the best trial with its configuration (or `nil` before one).
struct APIHistory: Encodable {
  var experiment: String
  var objective: String
  var direction: Direction
  /// The highest trial number plus one: the x axis's extent.
  var trials: Int
  var number: [Int]
  var state: [TrialState]
  var value: [Double]
  var bestSoFar: Line
  var best: Best?

  struct Line: Encodable {
    var number: [Int]
    var value: [Double]
  }

  struct Best: Encodable {
    var trial: Int
    var value: Double
    var parameters: [String: APIParameterValue]
  }

  /// - Parameters:
  ///   - outcomes: The complete and pruned trials (``ExperimentStore/finishedOutcomes(of:)``).
  ///   - trials: The highest trial number plus one.
  ///   - configuration: The configuration of a trial (read for the best one only).
  init(
    experiment: String, objective: String, direction: Direction, outcomes: [TrialOutcome], trials: Int,
    configuration: (Int) throws -> Configuration?
  ) rethrows {
    self.experiment = experiment
    self.objective = objective
    self.direction = direction
    let history = OptimisationHistory(
      trials: outcomes.map { ReportInput.Trial(number: $0.number, state: $0.state, value: $0.value, configuration: Configuration([:])) },
      direction: direction)
    self.trials = trials
    number = history.points.map(\.number)
    state = history.points.map(\.state)
    value = history.points.map(\.value)
    bestSoFar = Line(number: history.bestSoFar.map(\.number), value: history.bestSoFar.map(\.value))
    // The trial that set the last best: the first complete one with that value.
    if let last = history.bestSoFar.last,
       let first = outcomes.first(where: { $0.state == .complete && $0.value == last.value }),
       let parameters = try configuration(first.number) {
      best = Best(trial: first.number, value: last.value, parameters: APIParameterValue.map(parameters))
    }
  }
}
