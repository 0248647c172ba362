import HPOCore

/// Optimiser of an iterative model (`optimizer`).
public enum OptimizerKind: String, Sendable, Equatable, CaseIterable {
  /// Mini-batch SGD with (heavy-ball) momentum: v ← μ·v + g, w ← w − η·v.
  case sgd
  /// Adam (β₁ 0.9, β₂ 0.999, ε 1e-8, bias-corrected).
  case adam
  /// Full-batch L-BFGS (history 10, Armijo backtracking); softmax only.
  /// One epoch is one L-BFGS iteration; `learning_rate`, `momentum`,
  /// `batch_size` and `schedule` are not used.
  case lbfgs
}

/// Hidden-layer nonlinearity (`activation`).
public enum Activation: String, Sendable, Equatable, CaseIterable {
  /// max(0, z).
  case relu
  /// tanh(z).
  case tanh
  /// The exact GELU, z·Φ(z) = z·(1 + erf(z/√2))/2.
  case gelu
}

/// Learning-rate schedule over the whole run (`schedule`).
public enum LearningRateSchedule: String, Sendable, Equatable, CaseIterable {
  /// η at every step.
  case constant
  /// η·(1 + cos(π·t/T))/2 at step t of T = epochs × steps per epoch.
  case cosine
  /// η, then η/10 from epoch ⌊E/2⌋ and η/100 from epoch ⌊3E/4⌋ (0-based, E epochs).
  case step
}

/// Weight initialisation (`init`); biases start at zero.
public enum WeightInitialization: String, Sendable, Equatable, CaseIterable {
  /// Normal with variance 2/fan_in.
  case he
  /// Uniform on ±√(6/(fan_in + fan_out)) (Glorot).
  case xavier
}

/// Every hyperparameter a model reads, resolved: the configuration's values,
/// and this type's defaults for any it leaves out.
///
/// Defaults (chosen to train well on standardised features): ridge `alpha`
/// 1; softmax `optimizer` adam, `learning_rate` 0.01 (adam) or 0.1 (sgd),
/// `batch_size` 64; mlp `optimizer` adam, `learning_rate` 0.003 (adam) or
/// 0.05 (sgd), `hidden_units` 128, `layers` 1, `activation` relu, `init` he
/// (xavier for tanh), `dropout` 0, `batch_size` 64; both `l2` 1e-4,
/// `momentum` 0.9, `schedule` constant. The L2 penalty is (l2/2)·‖W‖² on
/// weights (not biases), added to the mean loss of each batch.
public struct Hyperparameters: Sendable, Equatable {
  public var alpha: Double = 1
  public var learningRate: Double = 0.003
  public var l2: Double = 1e-4
  public var optimizer: OptimizerKind = .adam
  public var momentum: Double = 0.9
  public var batchSize: Int = 64
  public var schedule: LearningRateSchedule = .constant
  public var hiddenUnits: Int = 128
  public var layers: Int = 1
  public var activation: Activation = .relu
  public var dropout: Double = 0
  public var initialization: WeightInitialization = .he
  /// Widths of the hidden layers, first to last, overriding `hiddenUnits` ×
  /// `layers` (mlp only). A search configuration cannot express this; it is
  /// for direct callers (e.g. a 256-128 benchmark network). `nil` by default.
  public var hiddenLayerSizes: [Int]? = nil

  /// The hidden-layer widths a model of `kind` uses.
  public func hiddenLayers(for kind: ModelKind) -> [Int] {
    guard kind == .mlp else { return [] }
    return hiddenLayerSizes ?? [Int](repeating: hiddenUnits, count: layers)
  }

  /// The mlp defaults (adam, learning rate 0.003, one hidden layer of 128).
  /// ``resolve(kind:configuration:)`` with an empty configuration gives each
  /// kind's own defaults.
  public init() {}

  /// Epochs an iterative model trains when neither the call nor the model
  /// spec says.
  public static let defaultEpochs = 30

  /// Resolves `configuration` for a model of `kind`.
  ///
  /// Integer hyperparameters accept integral floats (`64.0`), since JSON
  /// round trips may produce them; floats accept integers.
  /// - Throws: `.unknownHyperparameter` for a name `kind` does not read,
  ///   `.invalidHyperparameter` naming the value and what is accepted,
  ///   `.unsupported` for the `function` kind.
  public static func resolve(kind: ModelKind, configuration: Configuration) throws(ModelError) -> Hyperparameters {
    guard let rules = kind.hyperparameters else {
      throw ModelError(.unsupported, "a \(kind.rawValue) model is evaluated, not trained; HPOModels trains ridge, softmax and mlp")
    }
    for (name, value) in configuration.sorted {
      guard let rule = rules[name] else {
        throw ModelError(
          .unknownHyperparameter,
          "\"\(name)\" is not a hyperparameter of \(kind.rawValue); accepted: \(Wording.list(rules.keys.sorted().map { "\"\($0)\"" }))")
      }
      guard rule.accepts(integral(value, rule)) else {
        throw ModelError(
          .invalidHyperparameter,
          "\(kind.rawValue)'s \(name) = \(value) is not accepted; accepted: \(rule.summary)")
      }
    }
    var h = Hyperparameters()
    let c = configuration
    func number(_ name: String) -> Double? { c[name]?.numericValue }
    func integer(_ name: String) -> Int? { number(name).map { Int($0) } }
    func text(_ name: String) -> String? { if case .string(let s)? = c[name] { return s } else { return nil } }

    h.alpha = number("alpha") ?? 1
    h.optimizer = text("optimizer").flatMap(OptimizerKind.init(rawValue:)) ?? .adam
    switch (kind, h.optimizer) {
    case (.softmax, .sgd): h.learningRate = 0.1
    case (.softmax, _): h.learningRate = 0.01
    case (_, .sgd): h.learningRate = 0.05
    default: h.learningRate = 0.003
    }
    h.learningRate = number("learning_rate") ?? h.learningRate
    h.l2 = number("l2") ?? h.l2
    h.momentum = number("momentum") ?? h.momentum
    h.batchSize = integer("batch_size") ?? h.batchSize
    h.schedule = text("schedule").flatMap(LearningRateSchedule.init(rawValue:)) ?? .constant
    h.hiddenUnits = integer("hidden_units") ?? h.hiddenUnits
    h.layers = kind == .mlp ? (integer("layers") ?? h.layers) : 0
    h.activation = text("activation").flatMap(Activation.init(rawValue:)) ?? .relu
    h.dropout = number("dropout") ?? 0
    h.initialization = text("init").flatMap(WeightInitialization.init(rawValue:))
      ?? (h.activation == .tanh ? .xavier : .he)
    return h
  }

  /// `value` as the rule's type expects: an integral float for an integer
  /// rule becomes `.int`.
  private static func integral(_ value: ParameterValue, _ rule: HyperparameterRule) -> ParameterValue {
    if case .integer = rule, case .float(let f) = value, f == f.rounded(), abs(f) < 1e15 { return .int(Int(f)) }
    return value
  }

  /// The values a model of `kind` uses, as a complete configuration (every
  /// hyperparameter the kind reads, in name order): what checkpoints store.
  /// With ``hiddenLayerSizes`` set, `hidden_units` is the first width and
  /// `layers` the count (the checkpoint keeps the exact widths).
  public func configuration(for kind: ModelKind) -> Configuration {
    var c = Configuration()
    switch kind {
    case .function, .command: break
    case .ridge: c["alpha"] = .float(alpha)
    case .softmax, .mlp:
      c["learning_rate"] = .float(learningRate)
      c["l2"] = .float(l2)
      c["optimizer"] = .string(optimizer.rawValue)
      c["momentum"] = .float(momentum)
      c["batch_size"] = .int(batchSize)
      c["schedule"] = .string(schedule.rawValue)
      if kind == .mlp {
        c["hidden_units"] = .int(hiddenLayerSizes?.first ?? hiddenUnits)
        c["layers"] = .int(hiddenLayerSizes?.count ?? layers)
        c["activation"] = .string(activation.rawValue)
        c["dropout"] = .float(dropout)
        c["init"] = .string(initialization.rawValue)
      }
    }
    return c
  }
}
