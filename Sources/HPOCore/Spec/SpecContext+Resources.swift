extension SpecContext {
  /// The largest gang (`resources.workers_per_trial`).
  static let maxWorkersPerTrial = 256
  /// The model kinds a gang of more than one worker trains.
  static let gangKinds: Set<ModelKind> = [.function, .ridge, .softmax, .mlp]

  /// `resources`: `{"slots_per_trial": K, "workers_per_trial": N}`. K from 1
  /// to 1024, more than one only for a command (a built-in model trains on one
  /// thread). N from 1 to 256, more than one only for the kinds a gang can
  /// train (``gangKinds``: not a command, whose own program decides how it
  /// trains), and never with K above 1.
  func resources(_ node: SpecNode, kind: ModelKind?) -> ResourcesSpec? {
    guard let r = ObjectReader(
      node, accepting: ["slots_per_trial", "workers_per_trial"], diagnostics,
      what: "an object {\"slots_per_trial\": ..., \"workers_per_trial\": ...}")
    else {
      return nil
    }
    defer { r.finish() }
    var slots = 1
    if let slotsNode = r.optional("slots_per_trial") {
      guard let k = diagnostics.int(slotsNode, min: 1, max: 1024) else { return nil }
      if k > 1, let kind, kind != .command {
        diagnostics.error(slotsNode, "\(kind.rawValue) trains on one thread per trial; accepted: 1, or model kind \"command\" for a command that uses \(k) cores")
        return nil
      }
      slots = k
    }
    var workers: Int?
    if let workersNode = r.optional("workers_per_trial") {
      guard let n = diagnostics.int(workersNode, min: 1, max: Self.maxWorkersPerTrial) else { return nil }
      if n > 1, let kind, !Self.gangKinds.contains(kind) {
        diagnostics.error(workersNode, "model kind \(kind.rawValue) cannot be trained by a gang of workers (its own program decides how it trains); accepted: 1, or model kind \"ridge\", \"softmax\", \"mlp\" or \"function\" (gangs of 2 to \(Self.maxWorkersPerTrial))")
        return nil
      }
      if n > 1, slots > 1 {
        diagnostics.error(workersNode, "a gang of \(n) workers takes one slot on each; accepted: 1 with slots_per_trial \(slots), or slots_per_trial 1")
        return nil
      }
      workers = n
    }
    return ResourcesSpec(slotsPerTrial: slots, workersPerTrial: workers)
  }

  /// A gang's members each hold their own training shards: N at most `data.shards`.
  func checkGang(_ spec: ExperimentSpec) {
    let n = spec.workersPerTrial
    guard n > 1 else { return }
    if case .fixed(.int(let batch))? = spec.space["batch_size"]?.domain, batch < n,
      spec.model.kind == .softmax || spec.model.kind == .mlp, spec.space["optimizer"]?.domain != .fixed(.string("lbfgs"))
    {
      // Each member takes a share of every global batch.
      diagnostics.error(
        "resources.workers_per_trial", position("resources", "workers_per_trial"),
        "a gang of \(n) workers splits each batch between its members, but batch_size is \(batch); accepted: workers_per_trial from 1 to \(batch), or a batch_size of \(n) or more")
    }
    guard let data = spec.data, n > data.shards else { return }
    diagnostics.error(
      "resources.workers_per_trial", position("resources", "workers_per_trial"),
      "a gang of \(n) workers needs at least \(n) training shards, one or more for each member; data.shards is \(data.shards); accepted: workers_per_trial from 1 to \(data.shards), or data.shards of \(n) or more")
  }
}
