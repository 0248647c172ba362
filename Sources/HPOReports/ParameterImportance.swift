import Foundation
import HPOCore

/// How much of the spread of the objective each parameter explains on its
/// own: a main-effect-only ("fANOVA-lite") variance decomposition, made
/// robust and honest for small searches.
///
/// Method, per searched parameter, over the complete trials with a finite
/// objective:
/// 1. The objective is replaced by its rank (average ranks for ties), so a
///    few diverged trials cannot dominate.
/// 2. The trials are grouped into bins of the parameter: one per choice
///    (categorical), one per distinct value when there are at most 10, else
///    B = min(10, max(2, n/5)) quantile bins (of the log value for log
///    parameters); trials where the parameter is inactive form one more bin.
/// 3. The score is the bias-corrected share of the rank variance explained by
///    the per-bin means: ε² = (SS_between − (B−1)·MS_within) / SS_total,
///    clamped at 0 (η² = SS_between/SS_total would grow with B even for a
///    parameter that does nothing).
///
/// Limits: interactions between parameters are ignored (a parameter that
/// matters only together with another scores low), the trials are not a
/// uniform sample of the space when a model-based sampler chose them (regions
/// it liked are over-represented), and with fewer than 10 trials the scores
/// are mostly noise — the report says so.
public enum ParameterImportance {
  /// One parameter's score.
  public struct Score: Sendable, Equatable {
    public var name: String
    /// ε², from 0 (explains nothing beyond chance) to 1.
    public var score: Double
    /// η², uncorrected.
    public var etaSquared: Double
    public var bins: Int
  }

  /// The fewest complete trials the scores are computed for.
  public static let minimumTrials = 5

  /// Scores of the non-fixed parameters of `space`, highest first (ties by
  /// name); empty with fewer than ``minimumTrials`` trials.
  public static func scores(space: SearchSpace, trials: [(Configuration, Double)], lowerIsBetter: Bool) -> [Score] {
    let usable = trials.filter { $0.1.isFinite }
    guard usable.count >= minimumTrials else { return [] }
    let ranks = averageRanks(usable.map { lowerIsBetter ? $0.1 : -$0.1 })
    var out: [Score] = []
    for parameter in space.parameters {
      if case .fixed = parameter.domain { continue }
      let groups = bins(parameter, usable.map { $0.0[parameter.name] })
      out.append(score(name: parameter.name, groups: groups, ranks: ranks))
    }
    return out.sorted { ($0.score, $1.name) > ($1.score, $0.name) }
  }

  static func score(name: String, groups: [Int], ranks: [Double]) -> Score {
    let n = Double(ranks.count)
    let mean = ranks.reduce(0, +) / n
    var sums: [Int: (Double, Int)] = [:]
    for (g, r) in zip(groups, ranks) { sums[g, default: (0, 0)] = (sums[g, default: (0, 0)].0 + r, sums[g, default: (0, 0)].1 + 1) }
    let b = sums.count
    let total = ranks.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    // Summed in bin order: a dictionary's order differs between instances, and
    // a different order changes the last bits (the report must be reproducible).
    let between = sums.keys.sorted().reduce(0.0) { acc, g in
      let s = sums[g]!
      let m = s.0 / Double(s.1)
      return acc + Double(s.1) * (m - mean) * (m - mean)
    }
    guard total > 0, b > 1 else { return Score(name: name, score: 0, etaSquared: 0, bins: b) }
    let within = total - between
    let corrected = ranks.count > b ? (between - Double(b - 1) * within / (n - Double(b))) / total : 0
    return Score(name: name, score: Swift.max(0, corrected), etaSquared: between / total, bins: b)
  }

  /// A bin index per trial; −1 for "inactive".
  static func bins(_ parameter: Parameter, _ values: [ParameterValue?]) -> [Int] {
    switch parameter.domain {
    case .categorical(let choices):
      return values.map { v in v.flatMap { choices.firstIndex(of: $0) } ?? -1 }
    case .float, .int:
      let log: Bool
      if case .float(let r) = parameter.domain { log = r.log } else if case .int(let r) = parameter.domain { log = r.log } else { log = false }
      let xs = values.map { v -> Double? in
        guard let x = v?.numericValue else { return nil }
        return log && x > 0 ? Foundation.log(x) : x
      }
      let present = xs.compactMap { $0 }
      let distinct = Array(Set(present)).sorted()
      if distinct.count <= 10 {
        return xs.map { x in x.flatMap { distinct.firstIndex(of: $0) } ?? -1 }
      }
      let count = Swift.min(10, Swift.max(2, present.count / 5))
      let sorted = present.sorted()
      let edges = (1..<count).map { sorted[Int(Double(sorted.count - 1) * Double($0) / Double(count))] }
      return xs.map { x in
        guard let x else { return -1 }
        return edges.firstIndex(where: { x <= $0 }) ?? edges.count
      }
    case .fixed:
      return values.map { _ in 0 }
    }
  }

  /// 1-based ranks of `values` (ascending), ties sharing their average rank.
  static func averageRanks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
      let average = Double(i + j) / 2 + 1
      for k in i...j { ranks[order[k]] = average }
      i = j + 1
    }
    return ranks
  }
}
