import HPOCore

/// The scheduler of an experiment's `early_stopping`, or nil when it has none
/// (or its model has no epochs, which validation already rejects).
///
/// - median: ``MedianStoppingScheduler`` with `warmup_epochs` and `min_trials`;
/// - asha: ``ASHAScheduler`` with `min_epochs`, `reduction_factor` and `model.epochs`;
/// - hyperband and bohb: ``HyperbandScheduler`` with the same three (bohb's
///   sampler is chosen by ``makeSampler(for:)``).
public func makeScheduler(for spec: ExperimentSpec) -> (any Scheduler)? {
  guard let es = spec.earlyStopping, let epochs = spec.model.epochs else { return nil }
  let direction = spec.objective.direction
  let directions = spec.allObjectives.map(\.direction)
  switch es.scheduler {
  case .median:
    return MedianStoppingScheduler(direction: direction, warmupEpochs: es.warmupEpochs, minTrials: es.minTrials)
  case .asha:
    return ASHAScheduler(directions: directions, minEpochs: es.minEpochs, reductionFactor: es.reductionFactor, maxEpochs: epochs)
  case .hyperband, .bohb:
    return HyperbandScheduler(directions: directions, minEpochs: es.minEpochs, reductionFactor: es.reductionFactor, maxEpochs: epochs)
  }
}

/// The sampler of an experiment: ``BOHBSampler`` (TPE with `search.tpe`) when
/// the strategy is tpe and the scheduler bohb; ``NSGA2Sampler`` over every
/// objective (`allObjectives`) when the strategy is nsga2; with several
/// objectives, tpe is multi-objective TPE (``TPESampler/init(options:directions:)``);
/// otherwise the strategy's own sampler (``makeSampler(for:direction:)``).
public func makeSampler(for spec: ExperimentSpec) -> any Sampler {
  if spec.search.strategy == .nsga2 {
    return NSGA2Sampler(directions: spec.allObjectives.map(\.direction), options: NSGA2Options(spec.search.nsga2 ?? NSGA2Spec()))
  }
  if spec.search.strategy == .tpe && spec.isMultiObjective {
    return TPESampler(options: spec.search.tpe ?? TPEOptions(), directions: spec.allObjectives.map(\.direction))
  }
  if spec.search.strategy == .tpe, let es = spec.earlyStopping, es.scheduler == .bohb, let epochs = spec.model.epochs {
    return BOHBSampler(
      options: spec.search.tpe ?? TPEOptions(), direction: spec.objective.direction,
      minEpochs: es.minEpochs, reductionFactor: es.reductionFactor, maxEpochs: epochs)
  }
  return makeSampler(for: spec.search, direction: spec.objective.direction)
}
