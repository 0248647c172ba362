/// What the dashboard needs to cancel an experiment: the coordinator serving it, reached in
/// its own process (the composition root adapts the coordinator's `CoordinatorControl`). A
/// dashboard that only reads a store file (`hpo dashboard`) has none and serves no cancel.
public protocol ExperimentCanceller: Sendable {
  /// Cancels `experiment` as `hpo cancel` does: whether it was accepted and the coordinator's
  /// message, or `nil` when the coordinator did not answer in time (stopping).
  func cancel(experiment: String) async -> (accepted: Bool, message: String)?
}
