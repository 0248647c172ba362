import HPOCore

/// What decides drift: the family-wise false-alarm rate and the smallest
/// effect worth a flag (`validation.drift` in a spec, `--alpha` and
/// `--min-effect` on `hpo drift`).
///
/// A feature (or the model's output) drifts when one of its tests has a
/// Holm-corrected p-value under ``alpha`` **and** an effect size over
/// ``minEffect``: the KS distance for numeric values, the total-variation
/// distance for categories, the difference of the missing rates. On data drawn
/// from the training distribution, the chance that any feature is flagged is
/// then at most ``alpha``, however many features there are.
public struct DriftSettings: Sendable, Equatable, Codable {
  /// The default false-alarm rate.
  public static let defaultAlpha = DriftSpec.defaultAlpha
  /// The default smallest effect: 0.05 of KS or total-variation distance (a
  /// 0.125σ shift of a normal mean; a doubled variance is 0.083; one category
  /// going from 10 % to 20 % of the rows is 0.1).
  public static let defaultMinEffect = DriftSpec.defaultMinEffect
  /// Accepted alphas: (0, ``maximumAlpha``].
  public static let maximumAlpha = 0.5

  /// The family-wise false-alarm rate, in (0, 0.5].
  public var alpha: Double
  /// The smallest effect size that counts as drift, in [0, 1].
  public var minEffect: Double
  /// Whether an inconclusive check (too few rows for the stated power) fails
  /// the drift gate of `hpo run` (else it passes with a warning).
  public var requirePower: Bool

  public init(alpha: Double = defaultAlpha, minEffect: Double = defaultMinEffect, requirePower: Bool = false) {
    self.alpha = alpha
    self.minEffect = minEffect
    self.requirePower = requirePower
  }

  /// The settings of a spec's `validation.drift`.
  public init(_ spec: DriftSpec) {
    self.init(alpha: spec.alpha, minEffect: spec.minEffect, requirePower: spec.requirePower)
  }

  enum CodingKeys: String, CodingKey {
    case alpha
    case minEffect = "min_effect"
    case requirePower = "require_power"
  }

  /// Why `alpha` is refused, or nil.
  public static func alphaProblem(_ alpha: Double) -> String? {
    alpha.isFinite && alpha > 0 && alpha <= maximumAlpha
      ? nil : "\(alpha) is not accepted; accepted: a false-alarm rate in (0, \(maximumAlpha)], e.g. 0.05 or 0.01"
  }

  /// Why `minEffect` is refused, or nil.
  public static func minEffectProblem(_ minEffect: Double) -> String? {
    minEffect.isFinite && minEffect >= 0 && minEffect <= 1
      ? nil : "\(minEffect) is not accepted; accepted: an effect size from 0 to 1 (KS or total-variation distance), e.g. 0.05"
  }
}
