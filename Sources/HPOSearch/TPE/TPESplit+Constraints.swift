import HPOCore

/// Constrained TPE (Optuna's `constraints_func`): complete and pruned trials
/// that violate a constraint are not ranked by their objective at all. They
/// count as failed for the density-ratio weights and the split threshold, and
/// take a good place only when fewer feasible trials than the good set needs
/// have finished, least total violation first. So the good density learns from
/// feasible trials, and from the nearest misses while there are none. Without
/// constraints (`violations` empty everywhere) nothing changes.
extension ScoredHistory {
  /// The complete and pruned trials of `history` (this history's trials) with
  /// a total constraint violation above 0, in trial-number order.
  func infeasible(in history: [TrialRecord]) -> [TPESplit.Infeasible] {
    var result: [TPESplit.Infeasible] = []
    for t in byNumber where !history[t].violations.isEmpty {
      switch outcomes[t] {
      case .complete, .pruned:
        let v = history[t].totalViolation
        if v > 0 { result.append(TPESplit.Infeasible(t: t, violation: v)) }
      case .failed, .pending:
        break
      }
    }
    return result
  }

  /// This history with the `infeasible` trials counted as failed: never
  /// ranked by objective, never setting the split threshold.
  func markingFailed(_ infeasible: [TPESplit.Infeasible]) -> ScoredHistory {
    var outcomes = self.outcomes
    for i in infeasible { outcomes[i.t] = .failed }
    return ScoredHistory(outcomes: outcomes, byNumber: byNumber, finishedCount: finishedCount)
  }

  private init(outcomes: [Outcome], byNumber: [Int], finishedCount: Int) {
    self.outcomes = outcomes
    self.byNumber = byNumber
    self.finishedCount = finishedCount
  }
}
