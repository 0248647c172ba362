/// Readers of the `space` section: parameters, their domains and conditions.
extension SpecContext {
  func space(_ node: SpecNode) -> SearchSpace? {
    guard case .object(let members) = node.value.kind else {
      diagnostics.typeMismatch(node, expected: "an object of parameters {\"learning_rate\": {\"type\": \"float\", ...}}")
      return nil
    }
    if members.isEmpty {
      diagnostics.error(node, "the space has no parameters; accepted: at least one parameter")
      return nil
    }
    // Pass 1: domains. Pass 2 (needs every domain): conditions.
    var domains: [String: Domain] = [:]
    var defaults: [String: SpecNode] = [:]
    var whens: [String: SpecNode] = [:]
    var failed = false
    for m in members {
      let p = SpecNode(value: m.value, path: node.path(of: m.key))
      guard let (domain, when, defaultNode) = parameter(p) else {
        failed = true
        continue
      }
      domains[m.key] = domain
      whens[m.key] = when
      defaults[m.key] = defaultNode
    }
    var parameters: [Parameter] = []
    for m in members {
      guard let domain = domains[m.key] else { continue }
      var condition: Condition?
      if let when = whens[m.key] {
        guard let c = self.condition(when, of: m.key, domains: domains) else {
          failed = true
          continue
        }
        condition = c
      }
      var defaultValue: ParameterValue?
      if let d = defaults[m.key] {
        guard let v = ParameterValue(json: d.value), domain.contains(v) else {
          diagnostics.error(d, "\(d.shown) is not in the parameter's domain; accepted: \(describe(domain))")
          failed = true
          continue
        }
        defaultValue = v
      }
      parameters.append(Parameter(name: m.key, domain: domain, condition: condition, defaultValue: defaultValue))
    }
    if failed { return nil }
    let space = SearchSpace(parameters)
    if let cycle = firstCycle(in: space) {
      let path = node.path(of: cycle[0]) + ".when"
      let position = whens[cycle[0]]?.value.position ?? node.value.position
      diagnostics.error(path, position, "conditions form a cycle: \(cycle.joined(separator: " → ")); accepted: conditions whose parents do not depend on their children")
      return nil
    }
    return space
  }

  /// One parameter: its domain, its `when` node and its `default` node.
  private func parameter(_ node: SpecNode) -> (Domain, SpecNode?, SpecNode?)? {
    // A bare scalar is a fixed value.
    if let fixed = ParameterValue(json: node.value) {
      guard !isReserved(fixed, node) else { return nil }
      return (.fixed(fixed), nil, nil)
    }
    guard case .object = node.value.kind else {
      diagnostics.typeMismatch(node, expected: "a parameter {\"type\": \"float\" | \"int\" | \"categorical\" | \"fixed\", ...} or a fixed value")
      return nil
    }
    let types = ["float", "int", "categorical", "fixed"]
    guard let typeNode = node.value["type"].map({ SpecNode(value: $0, path: node.path(of: "type")) }) else {
      diagnostics.error(node.path(of: "type"), node.value.position, "missing required field; accepted: \(Wording.list(types.map { "\"\($0)\"" }))")
      return nil
    }
    guard case .string(let type) = typeNode.value.kind, types.contains(type) else {
      if case .string(let s) = typeNode.value.kind {
        let hint = Wording.suggestion(for: s, among: types).map { "did you mean \"\($0)\"? " } ?? ""
        diagnostics.error(typeNode, "\"\(s)\" is not a parameter type; \(hint)accepted: \(Wording.list(types.map { "\"\($0)\"" }))")
      } else {
        diagnostics.typeMismatch(typeNode, expected: "a parameter type: \(Wording.list(types.map { "\"\($0)\"" }))")
      }
      return nil
    }
    let keys: [String]
    switch type {
    case "float", "int": keys = ["type", "low", "high", "log", "step", "grid_points", "when", "default"]
    case "categorical": keys = ["type", "choices", "when", "default"]
    default: keys = ["type", "value", "when"]
    }
    guard let r = ObjectReader(node, accepting: keys, diagnostics) else { return nil }
    defer { r.finish() }
    _ = r.optional("type")
    let when = r.optional("when")
    let defaultNode = keys.contains("default") ? r.optional("default") : nil
    let domain: Domain?
    switch type {
    case "float": domain = floatDomain(r)
    case "int": domain = intDomain(r)
    case "categorical": domain = categoricalDomain(r)
    default:
      domain = r.required("value", accepted: "a string, number or boolean").flatMap { v in
        guard let value = ParameterValue(json: v.value) else {
          diagnostics.typeMismatch(v, expected: "a string, number or boolean")
          return nil
        }
        return .fixed(value)
      }
    }
    return domain.map { ($0, when, defaultNode) }
  }

  private func floatDomain(_ r: ObjectReader) -> Domain? {
    let low = r.required("low", accepted: "a number").flatMap(diagnostics.number)
    let high = r.required("high", accepted: "a number").flatMap(diagnostics.number)
    let log = r.optional("log").map(diagnostics.bool) ?? false
    let stepNode = r.optional("step")
    let step = stepNode.flatMap { diagnostics.number($0, accepted: "a number > 0") { $0 > 0 } }
    let gridNode = r.optional("grid_points")
    let gridPoints = gridNode.flatMap { diagnostics.int($0, min: 2, max: 10_000) }
    guard let low, let high, let log, stepNode == nil || step != nil, gridNode == nil || gridPoints != nil else { return nil }
    guard checkBounds(r, low: low, high: high, log: log, stepNode: stepNode) else { return nil }
    if let step, let stepNode {
      let k = (high - low) / step
      if !k.isFinite || k > 1e9 {
        diagnostics.error(stepNode, "\(stepNode.shown) gives more than 1000000000 values over \(Wording.number(low))...\(Wording.number(high)); accepted: a step of at least (high − low) / 1000000000")
        return nil
      }
      if abs(k - k.rounded()) > 1e-9 * Swift.max(1, k) {
        diagnostics.error(stepNode, "\(stepNode.shown) does not divide the range \(Wording.number(low))...\(Wording.number(high)) (\(Wording.number(high - low)) / \(stepNode.shown) = \(k)); accepted: a step that divides high − low")
        return nil
      }
    }
    return .float(FloatRange(low: low, high: high, log: log, step: step, gridPoints: gridPoints))
  }

  private func intDomain(_ r: ObjectReader) -> Domain? {
    let low = r.required("low", accepted: "an integer").flatMap { diagnostics.int($0) }
    let high = r.required("high", accepted: "an integer").flatMap { diagnostics.int($0) }
    let log = r.optional("log").map(diagnostics.bool) ?? false
    let stepNode = r.optional("step")
    let step = stepNode.map { diagnostics.int($0, min: 1) } ?? 1
    let gridNode = r.optional("grid_points")
    let gridPoints = gridNode.flatMap { diagnostics.int($0, min: 2, max: 10_000) }
    guard let low, let high, let log, let step, gridNode == nil || gridPoints != nil else { return nil }
    guard checkBounds(r, low: Double(low), high: Double(high), log: log, stepNode: stepNode) else { return nil }
    let (width, overflow) = high.subtractingReportingOverflow(low)
    if overflow || width > 1 << 53 {
      diagnostics.error(r.node.path(of: "high"), r.node.value["high"]?.position ?? r.node.value.position,
                        "the range \(low)...\(high) is too wide; accepted: high − low of at most 2^53")
      return nil
    }
    if let stepNode, width % step != 0 {
      diagnostics.error(stepNode, "\(step) does not divide the range \(low)...\(high) (\(high - low) is not a multiple of \(step)); accepted: a step that divides high − low")
      return nil
    }
    return .int(IntRange(low: low, high: high, log: log, step: step, gridPoints: gridPoints))
  }

  /// low < high, log needs low > 0, log and step exclude each other.
  private func checkBounds(_ r: ObjectReader, low: Double, high: Double, log: Bool, stepNode: SpecNode?) -> Bool {
    let node = r.node
    if low >= high {
      diagnostics.error(node.path(of: "low"), node.value["low"]?.position ?? node.value.position,
                        "low \(Wording.number(low)) is not below high \(Wording.number(high)); accepted: low < high")
      return false
    }
    if log && low <= 0 {
      diagnostics.error(node.path(of: "low"), node.value["low"]?.position ?? node.value.position,
                        "low \(Wording.number(low)) on a log scale; accepted: low > 0 with \"log\": true")
      return false
    }
    if log, let stepNode {
      diagnostics.error(stepNode, "\"step\" cannot be combined with \"log\": true; accepted: one of them")
      return false
    }
    return true
  }

  private func categoricalDomain(_ r: ObjectReader) -> Domain? {
    guard let node = r.required("choices", accepted: "a non-empty array of distinct strings, numbers or booleans") else { return nil }
    guard case .array(let items) = node.value.kind else {
      diagnostics.typeMismatch(node, expected: "an array of strings, numbers or booleans")
      return nil
    }
    if items.isEmpty {
      diagnostics.error(node, "no choices; accepted: a non-empty array of distinct strings, numbers or booleans")
      return nil
    }
    var choices: [ParameterValue] = []
    for (i, item) in items.enumerated() {
      let itemNode = SpecNode(value: item, path: node.path(at: i))
      guard let v = ParameterValue(json: item) else {
        diagnostics.typeMismatch(itemNode, expected: "a string, number or boolean")
        return nil
      }
      guard !isReserved(v, itemNode) else { return nil }
      // 2 and 2.0 are one choice: a message carries both as 2.
      if let first = choices.firstIndex(where: { $0.wholeNumbersAsInt == v.wholeNumbersAsInt }) {
        diagnostics.error(itemNode, "\(itemNode.shown) is a duplicate of choice \(first); accepted: distinct choices")
        return nil
      }
      choices.append(v)
    }
    return .categorical(choices)
  }

  /// Whether `value` is one of the strings messages use for non-finite numbers (`"nan"`,
  /// `"inf"`, `"-inf"`): such a string would reach a worker as a number, so it is refused
  /// (reported on `node`).
  private func isReserved(_ value: ParameterValue, _ node: SpecNode) -> Bool {
    guard case .string(let text) = value, ["nan", "inf", "-inf"].contains(text) else { return false }
    diagnostics.error(
      node,
      "\(node.shown) is reserved: messages carry the numbers NaN and ±infinity as the strings \"nan\", \"inf\" and \"-inf\", so it would arrive as a number; accepted: any other string")
    return true
  }

  /// `"when": {"parent": value | [values], ...}`.
  private func condition(_ node: SpecNode, of name: String, domains: [String: Domain]) -> Condition? {
    guard case .object(let members) = node.value.kind, !members.isEmpty else {
      diagnostics.typeMismatch(node, expected: "an object {\"parent\": value or [values]}")
      return nil
    }
    var requirements: [Condition.Requirement] = []
    for m in members {
      let memberNode = SpecNode(value: m.value, path: node.path(of: m.key))
      if m.key == name {
        diagnostics.error(memberNode.path, m.keyPosition, "a parameter cannot depend on itself; accepted: another parameter of the space")
        return nil
      }
      guard let parent = domains[m.key] else {
        let hint = Wording.suggestion(for: m.key, among: Array(domains.keys).sorted()).map { "did you mean \"\($0)\"? " } ?? ""
        diagnostics.error(memberNode.path, m.keyPosition, "\"\(m.key)\" is not a parameter of the space; \(hint)accepted: \(Wording.list(domains.keys.sorted().filter { $0 != name }))")
        return nil
      }
      let rawValues: [JSONValue]
      if case .array(let items) = m.value.kind { rawValues = items } else { rawValues = [m.value] }
      if rawValues.isEmpty {
        diagnostics.error(memberNode, "no values; accepted: a value of \(m.key) or a non-empty array of them")
        return nil
      }
      var values: [ParameterValue] = []
      for raw in rawValues {
        guard let v = ParameterValue(json: raw), parent.contains(v) else {
          diagnostics.error(memberNode, "\(raw.compactText) is a value \(m.key) can never take; accepted: \(describe(parent))")
          return nil
        }
        values.append(v)
      }
      requirements.append(Condition.Requirement(parent: m.key, values: values))
    }
    return Condition(requirements)
  }

  /// A cycle of condition dependencies (first name repeated at the end), if any.
  private func firstCycle(in space: SearchSpace) -> [String]? {
    var state: [String: Int] = [:]  // 1 visiting, 2 done
    var stack: [String] = []
    func visit(_ name: String) -> [String]? {
      if state[name] == 2 { return nil }
      if state[name] == 1 {
        let start = stack.firstIndex(of: name)!
        return Array(stack[start...]) + [name]
      }
      state[name] = 1
      stack.append(name)
      for parent in space[name]?.condition?.parents ?? [] {
        if let cycle = visit(parent) { return cycle }
      }
      stack.removeLast()
      state[name] = 2
      return nil
    }
    for p in space.parameters {
      if let cycle = visit(p.name) { return cycle }
    }
    return nil
  }

  /// What a domain accepts, for messages.
  func describe(_ domain: Domain) -> String {
    switch domain {
    case .float(let r):
      return "a number from \(Wording.number(r.low)) to \(Wording.number(r.high))" + (r.step.map { " in steps of \(Wording.number($0))" } ?? "")
    case .int(let r):
      return "an integer from \(r.low) to \(r.high)" + (r.step > 1 ? " in steps of \(r.step)" : "")
    case .categorical(let choices): return Wording.list(choices.map(\.description))
    case .fixed(let v): return v.description
    }
  }
}
