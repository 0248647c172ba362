/// Hyperband's allocation of trials to brackets (Li et al. 2018), shared by the
/// scheduler that assigns them and by `hpo validate`'s budget estimate.
public enum HyperbandAllocation {
  /// Trials per cycle for brackets 0 … s_max: bracket j makes s = s_max − j
  /// halvings and gets nⱼ = ⌈(s_max + 1)·η^s / (s + 1)⌉ (Optuna's
  /// HyperbandPruner uses the same weights).
  public static func bracketTrials(largestExponent sMax: Int, reductionFactor eta: Int) -> [Int] {
    (0...max(sMax, 0)).map { j in
      let s = sMax - j
      var power = 1
      for _ in 0..<s { power *= eta }
      return ((sMax + 1) * power + s) / (s + 1)
    }
  }
}
