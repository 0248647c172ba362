import HPOCore
import HPOWire

extension CoordinatorClient {
  /// Submits (or, with `resume`, resumes) an experiment. The reply says
  /// whether the coordinator accepted it, and why not.
  public func submit(_ spec: ExperimentSpec, baseDirectory: String, resume: Bool) throws -> SubmitReply {
    try request(.submit(SubmitRequest(spec: spec, baseDirectory: baseDirectory, resume: resume))) { m in
      if case .submitted(let r) = m { return r }
      return nil
    }
  }

  /// The state of every experiment, or of `experiment` alone (with its
  /// trials when `includeTrials`). Asking changes nothing, so the request is
  /// sent again every ``CoordinatorClient/resendInterval`` without a reply: a
  /// coordinator frozen or cut off for a while is followed again once it is back.
  /// `abortReason` is asked while the reply is awaited (see ``request(_:resendEvery:abortReason:_:)``).
  /// - Throws: ``ClientError/unknownExperiment(_:)`` when `experiment` is named and unknown;
  ///   ``ClientError/aborted(_:)``.
  public func status(
    of experiment: String? = nil, includeTrials: Bool = false, abortReason: () -> String? = { nil }
  ) throws -> StatusReply {
    let message = WireMessage.statusRequest(StatusRequest(experiment: experiment, includeTrials: includeTrials))
    let reply = try request(message, resendEvery: resendInterval, abortReason: abortReason) { m -> StatusReply? in
      if case .status(let s) = m { return s }
      return nil
    }
    if let experiment, reply.experiments.isEmpty { throw ClientError.unknownExperiment(experiment) }
    return reply
  }

  /// Every trial of `experiment`, in number order.
  /// - Throws: ``ClientError/unknownExperiment(_:)``.
  public func trials(of experiment: String) throws -> [TrialSummary] {
    guard let trials = try status(of: experiment, includeTrials: true).experiments.first?.trials else {
      throw ClientError.unknownExperiment(experiment)
    }
    return trials
  }

  /// Cancels `experiment`: no new trials; running ones stop at their next
  /// report. The reply says whether the coordinator accepted it, and why not.
  public func cancel(_ experiment: String) throws -> SubmitReply {
    try request(.cancel(CancelRequest(experiment: experiment))) { m in
      if case .submitted(let r) = m { return r }
      return nil
    }
  }
}

extension CoordinatorClient {
  /// Up to 256 KiB of trial `trial`'s log from byte `offset`. Asking changes
  /// nothing, so the request is sent again without a reply, as for ``status(of:includeTrials:)``.
  public func log(of experiment: String, trial: Int, offset: Int) throws -> LogReply {
    try request(.logRequest(LogRequest(experiment: experiment, trial: trial, offset: offset)), resendEvery: resendInterval) { m in
      if case .logReply(let r) = m, r.experiment == experiment, r.trial == trial { return r }
      return nil
    }
  }
}
