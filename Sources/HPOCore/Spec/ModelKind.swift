/// Model families a worker can train.
public enum ModelKind: String, Sendable, Codable, CaseIterable {
  /// Ridge regression, closed form (also a linear classifier baseline).
  case ridge
  /// Multinomial logistic regression.
  case softmax
  /// Multi-layer perceptron.
  case mlp
  /// A built-in function of the configuration instead of training (for tests
  /// and benchmarks of the search and the coordinator); see ``BuiltinFunction``.
  case function
  /// The user's own training command, in any language (see ``CommandSpec``).
  case command

  /// Whether the model trains in epochs (and so can report per epoch and be stopped early).
  /// A function may run in epochs when `model.epochs` is given.
  public var isIterative: Bool { self == .softmax || self == .mlp }

  /// The hyperparameters the model reads from a configuration, with what each
  /// accepts; `nil` when any name is accepted (functions).
  public var hyperparameters: [String: HyperparameterRule]? {
    let optimisation: [String: HyperparameterRule] = [
      "learning_rate": .positive,
      "l2": .nonNegative,
      "momentum": .fraction,
      "batch_size": .integer(min: 1, max: nil),
      "schedule": .choice(["constant", "cosine", "step"]),
    ]
    switch self {
    case .function, .command:
      return nil
    case .ridge:
      return ["alpha": .nonNegative]
    case .softmax:
      return optimisation.merging(["optimizer": .choice(["sgd", "adam", "lbfgs"])]) { a, _ in a }
    case .mlp:
      return optimisation.merging([
        "optimizer": .choice(["sgd", "adam"]),
        "hidden_units": .integer(min: 1, max: nil),
        "layers": .integer(min: 1, max: 4),
        "activation": .choice(["relu", "tanh", "gelu"]),
        "dropout": .fraction,
        "init": .choice(["he", "xavier"]),
      ]) { a, _ in a }
    }
  }
}

/// What values a model accepts for one hyperparameter.
public enum HyperparameterRule: Sendable, Equatable {
  /// A number > 0.
  case positive
  /// A number ≥ 0.
  case nonNegative
  /// A number in [0, 1).
  case fraction
  /// An integer in [min, max] (max unbounded when `nil`).
  case integer(min: Int, max: Int?)
  /// One of these strings.
  case choice([String])

  /// What the rule accepts, for error messages ("an integer from 1 to 4").
  public var summary: String {
    switch self {
    case .positive: return "a number > 0"
    case .nonNegative: return "a number ≥ 0"
    case .fraction: return "a number in [0, 1)"
    case .integer(let min, let max?): return "an integer from \(min) to \(max)"
    case .integer(let min, nil): return "an integer ≥ \(min)"
    case .choice(let values): return Wording.list(values.map { "\"\($0)\"" })
    }
  }

  /// Whether the single value `v` is acceptable.
  public func accepts(_ v: ParameterValue) -> Bool {
    switch (self, v) {
    case (.positive, _): return (v.numericValue ?? -1) > 0
    case (.nonNegative, _): return (v.numericValue ?? -1) >= 0
    case (.fraction, _): return v.numericValue.map { $0 >= 0 && $0 < 1 } ?? false
    case (.integer(let min, let max), .int(let i)): return i >= min && i <= (max ?? Int.max)
    case (.choice(let values), .string(let s)): return values.contains(s)
    default: return false
    }
  }
}

/// Functions the `function` model kind evaluates. Each reads its variables
/// from the configuration by name and is minimised.
public enum BuiltinFunction: String, Sendable, Codable, CaseIterable {
  /// Branin-Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15]; minimum 0.397887.
  case branin
  /// Rosenbrock over every numeric parameter whose name starts with `x`
  /// (in name order); minimum 0 at (1, …, 1).
  case rosenbrock
  /// Σ xᵢ² over every numeric parameter; minimum 0.
  case sphere
  /// Sleeps `seconds` (a parameter, default 0.1) then returns `value` (a
  /// parameter, default the trial number): measures the coordinator alone.
  case sleep
}
