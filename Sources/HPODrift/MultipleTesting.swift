/// Family-wise error control across features.
public enum MultipleTesting {
  /// Holm's step-down adjusted p-values, in the order of `p`: the k-th
  /// smallest of m p-values becomes max over j ≤ k of min(1, (m − j + 1)·p₍ⱼ₎)
  /// (statsmodels' `multipletests(method="holm")`). Rejecting where the
  /// adjusted p-value is under α keeps the chance of any false rejection at
  /// most α, whatever the dependence between the tests.
  public static func holm(_ p: [Double]) -> [Double] {
    let order = p.indices.sorted { p[$0] < p[$1] || (p[$0] == p[$1] && $0 < $1) }
    var adjusted = [Double](repeating: 1, count: p.count)
    var running = 0.0
    for (rank, index) in order.enumerated() {
      running = max(running, min(1, Double(p.count - rank) * p[index]))
      adjusted[index] = running
    }
    return adjusted
  }
}
