import HPOCore
import HPOReports
import HPOStore

/// The answer of `GET /api/experiments/{name}/importance`: how much of the objective's spread
/// each searched parameter explains alone — ``ParameterImportance``, the HTML report's own
/// scores — over the complete trials with a finite objective (`trials` of them). `parameters`
/// is empty below `minimumTrials`.
struct APIImportance: Encodable {
  var experiment: String
  var trials: Int
  var minimumTrials: Int
  var parameters: [Score]

  struct Score: Encodable {
    var name: String
    /// ε², corrected for the number of bins: 0 (nothing beyond chance) to 1.
    var score: Double
    /// η², uncorrected.
    var etaSquared: Double
    var bins: Int
  }

  init(experiment: String, spec: ExperimentSpec, columns: TrialColumns) {
    self.experiment = experiment
    let names = spec.space.names
    var trials: [(Configuration, Double)] = []
    for i in columns.number.indices where columns.state[i] == .complete {
      guard let v = columns.value[i], v.isFinite else { continue }
      var configuration: [String: ParameterValue] = [:]
      for name in names { configuration[name] = columns.parameters[name]?[i] }
      trials.append((Configuration(configuration), v))
    }
    self.trials = trials.count
    minimumTrials = ParameterImportance.minimumTrials
    parameters = ParameterImportance.scores(
      space: spec.space, trials: trials, lowerIsBetter: spec.objective.direction == .minimize
    ).map { Score(name: $0.name, score: $0.score, etaSquared: $0.etaSquared, bins: $0.bins) }
  }
}
