/// The result of ``Matrix/leastSquaresSVD(_:rcond:)-(Matrix,_)``.
public struct LeastSquaresSolution<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
  /// The minimum-norm least-squares solution X, n×k for an m×n A and m×k B.
  public let solution: Matrix<Scalar>
  /// The effective rank of A: the number of singular values above
  /// `rcond`·σ₁.
  public let rank: Int
  /// A's singular values in decreasing order, `min(m, n)` of them.
  public let singularValues: [Scalar]

  /// The first column of ``solution``: x for a vector right-hand side
  /// (empty when the solution has no columns).
  public var vector: [Scalar] {
    solution.columns == 0 ? [] : solution.column(0)
  }

  /// The 2-norm condition number σ₁/σₘᵢₙ (infinite when A is singular, 0 for
  /// an empty A).
  public var conditionNumber: Scalar {
    guard let first = singularValues.first, let last = singularValues.last else { return 0 }
    return last == 0 ? .infinity : first / last
  }
}
