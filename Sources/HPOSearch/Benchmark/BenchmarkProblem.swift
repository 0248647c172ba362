import HPOCore

/// A function to minimise over a space: the built-in test problems of
/// `hpo bench search`, or any objective given as a closure.
public struct BenchmarkProblem: Sendable {
  public var name: String
  public var space: SearchSpace
  public var direction: Direction
  /// The objective; may throw (an objective command that failed), which the
  /// search records as a failed trial.
  public var evaluate: @Sendable (Configuration) throws -> Double

  public init(
    name: String, space: SearchSpace, direction: Direction = .minimize,
    evaluate: @escaping @Sendable (Configuration) throws -> Double
  ) {
    self.name = name
    self.space = space
    self.direction = direction
    self.evaluate = evaluate
  }

  /// The built-in problems by name.
  public static func builtIn(_ name: String) -> BenchmarkProblem? {
    switch name {
    case "branin": return branin
    case "rosenbrock": return rosenbrock
    case "mixed": return mixed
    default: return nil
    }
  }

  public static let builtInNames = ["branin", "rosenbrock", "mixed"]

  /// Branin–Hoo on [−5, 10] × [0, 15]; minimum 0.397887 at three points.
  public static let branin = BenchmarkProblem(
    name: "branin",
    space: SearchSpace([
      Parameter(name: "x1", domain: .float(FloatRange(low: -5, high: 10))),
      Parameter(name: "x2", domain: .float(FloatRange(low: 0, high: 15))),
    ])
  ) { config in
    let x1 = config["x1"]?.numericValue ?? .nan
    let x2 = config["x2"]?.numericValue ?? .nan
    let b = 5.1 / (4 * Double.pi * Double.pi)
    let c = 5 / Double.pi
    let t = 1 / (8 * Double.pi)
    let a = x2 - b * x1 * x1 + c * x1 - 6
    return a * a + 10 * (1 - t) * Math.cos(x1) + 10
  }

  /// Rosenbrock in 5 dimensions on [−5, 10]⁵; minimum 0 at (1, …, 1).
  public static let rosenbrock = BenchmarkProblem(
    name: "rosenbrock",
    space: SearchSpace((0..<5).map { Parameter(name: "x\($0)", domain: .float(FloatRange(low: -5, high: 10))) })
  ) { config in
    let x = (0..<5).map { config["x\($0)"]?.numericValue ?? .nan }
    var f = 0.0
    for i in 0..<4 {
      let a = x[i + 1] - x[i] * x[i]
      let b = 1 - x[i]
      f += 100 * a * a + b * b
    }
    return f
  }

  /// A mixed space: a log-scaled learning rate, a dropout float, an integer
  /// layer count and a categorical activation, with an interaction between the
  /// learning rate and the depth. Minimum 0 at lr = 10^−2.7, dropout 0.3,
  /// 6 layers, relu.
  public static let mixed = BenchmarkProblem(
    name: "mixed",
    space: SearchSpace([
      Parameter(name: "lr", domain: .float(FloatRange(low: 1e-5, high: 1, log: true))),
      Parameter(name: "dropout", domain: .float(FloatRange(low: 0, high: 0.9))),
      Parameter(name: "layers", domain: .int(IntRange(low: 1, high: 12))),
      Parameter(name: "activation", domain: .categorical([.string("relu"), .string("tanh"), .string("sigmoid"), .string("linear")])),
    ])
  ) { config in
    let lr = config["lr"]?.numericValue ?? .nan
    let dropout = config["dropout"]?.numericValue ?? .nan
    let layers = config["layers"]?.numericValue ?? .nan
    let penalty: Double
    switch config["activation"] {
    case .string("relu"): penalty = 0
    case .string("tanh"): penalty = 0.3
    case .string("sigmoid"): penalty = 0.8
    default: penalty = 1.5
    }
    let a = Math.log(lr) / Math.log(10) + 2.5 + 0.1 * (layers - 4)
    let d = dropout - 0.3
    let l = layers - 6
    return a * a + 2 * d * d + 0.05 * l * l + penalty
  }

  /// The 6-D mixed space of `hpo bench suggest`: four floats (two log-scaled),
  /// one int and one categorical with four choices.
  public static let latencySpace = SearchSpace([
    Parameter(name: "lr", domain: .float(FloatRange(low: 1e-5, high: 1e-1, log: true))),
    Parameter(name: "weight_decay", domain: .float(FloatRange(low: 1e-6, high: 1e-2, log: true))),
    Parameter(name: "dropout", domain: .float(FloatRange(low: 0, high: 0.5))),
    Parameter(name: "momentum", domain: .float(FloatRange(low: 0.8, high: 0.99))),
    Parameter(name: "layers", domain: .int(IntRange(low: 1, high: 8))),
    Parameter(name: "optimizer", domain: .categorical([.string("sgd"), .string("adam"), .string("adamw"), .string("rmsprop")])),
  ])

  /// The objective used to fill the history of `hpo bench suggest` (a smooth
  /// function of every parameter of ``latencySpace``).
  public static func latencyObjective(_ config: Configuration) -> Double {
    let lr = Math.log(config["lr"]?.numericValue ?? 1e-3) / Math.log(10) + 3
    let wd = Math.log(config["weight_decay"]?.numericValue ?? 1e-4) / Math.log(10) + 4
    let dropout = (config["dropout"]?.numericValue ?? 0.2) - 0.2
    let momentum = (config["momentum"]?.numericValue ?? 0.9) - 0.9
    let layers = (config["layers"]?.numericValue ?? 4) - 4
    let opt: Double = config["optimizer"] == .string("adam") ? 0 : 0.5
    return lr * lr + 0.3 * wd * wd + 4 * dropout * dropout + 20 * momentum * momentum + 0.05 * layers * layers + opt
  }
}
