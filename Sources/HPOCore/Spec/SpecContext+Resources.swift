extension SpecContext {
  /// `resources`: `{"slots_per_trial": K}`, K from 1 to 1024; more than one
  /// slot only for a command (a built-in model trains on one thread).
  func resources(_ node: SpecNode, kind: ModelKind?) -> ResourcesSpec? {
    guard let r = ObjectReader(node, accepting: ["slots_per_trial"], diagnostics, what: "an object {\"slots_per_trial\": ...}") else {
      return nil
    }
    defer { r.finish() }
    guard let slotsNode = r.optional("slots_per_trial") else { return ResourcesSpec() }
    guard let slots = diagnostics.int(slotsNode, min: 1, max: 1024) else { return nil }
    if slots > 1, let kind, kind != .command {
      diagnostics.error(slotsNode, "\(kind.rawValue) trains on one thread per trial; accepted: 1, or model kind \"command\" for a command that uses \(slots) cores")
      return nil
    }
    return ResourcesSpec(slotsPerTrial: slots)
  }
}
