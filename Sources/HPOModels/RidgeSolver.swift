import HPOLinearAlgebra

/// Ridge regression in closed form, in `Double`:
/// minimise ‖Y − X·W − 1·bᵀ‖² + α‖W‖² with an unpenalised intercept b.
///
/// X and Y are centred on their column means (which handles the intercept:
/// b = ȳ − x̄ᵀW), then (XcᵀXc + αI)·W = XcᵀYc is solved by Cholesky (BLAS
/// syrk and gemm, LAPACK potrf/potrs). XcᵀXc is formed without copying X
/// when that is numerically safe (see ``cancellationLimit``). When the factorisation fails or its
/// pivots show the system is ill-conditioned (estimated reciprocal condition
/// below ``conditionLimit``), the same problem is solved by SVD least squares
/// (LAPACK gelsd) on the stacked system [Xc; √α·I]·W = [Yc; 0], which also
/// gives the minimum-norm solution for α = 0 and rank-deficient X. This is
/// scikit-learn's `Ridge(fit_intercept=True)` objective.
public enum RidgeSolver {
  /// How a solution was computed.
  public enum Method: String, Sendable, Equatable {
    case cholesky, svd
  }

  /// A fitted linear model.
  public struct Solution: Sendable, Equatable {
    /// W, features × targets.
    public var coefficients: Matrix<Double>
    /// b, one per target.
    public var intercepts: [Double]
    public var method: Method
  }

  /// Below this estimated reciprocal condition number of XcᵀXc + αI the
  /// Cholesky solution is replaced by the SVD one.
  public static let conditionLimit = 1e-12

  /// Fits W and b for n×d `x` and n×t `y` with penalty `alpha` ≥ 0.
  /// O(n·d² + d³ + n·d·t).
  /// - Throws: `.invalidData` for mismatched or empty inputs, a negative or
  ///   non-finite alpha, or non-finite values; `.linearAlgebra` if the SVD
  ///   fails to converge.
  public static func fit(_ x: Matrix<Double>, _ y: Matrix<Double>, alpha: Double) throws(ModelError) -> Solution {
    guard x.rows == y.rows, x.rows > 0, x.columns > 0, y.columns > 0 else {
      throw ModelError(.invalidData, "ridge needs n×d features and n×t targets with n, d, t ≥ 1; got \(x.shapeDescription) and \(y.shapeDescription)")
    }
    guard alpha >= 0, alpha.isFinite else {
      throw ModelError(.invalidHyperparameter, "ridge's alpha = \(alpha) is not accepted; accepted: a number ≥ 0")
    }
    let (n, d, t) = (x.rows, x.columns, y.columns)
    do {
      let ones = [Double](repeating: 1, count: n)
      let xMean = try x.gemv(ones, transpose: true).map { $0 / Double(n) }
      let yMean = try y.gemv(ones, transpose: true).map { $0 / Double(n) }
      guard xMean.allSatisfy(\.isFinite), yMean.allSatisfy(\.isFinite) else {
        throw ModelError(.invalidData, "ridge input contains NaN or infinite values")
      }
      let (gram, rhs) = try centredNormalEquations(x, y, xMean: xMean, yMean: yMean)
      return try solve(gram: gram, rhs: rhs, alpha: alpha, xMean: xMean, yMean: yMean) { () throws -> Matrix<Double> in
        let xc = centred(x, xMean)
        let yc = centred(y, yMean)
        var stacked = Matrix<Double>(rows: n + d, columns: d)
        var target = Matrix<Double>(rows: n + d, columns: t)
        let root = alpha.squareRoot()
        stacked.modifyElements { e in
          e.replaceSubrange(0..<(n * d), with: xc.elements)
          for j in 0..<d { e[(n + j) * d + j] = root }
        }
        target.modifyElements { e in e.replaceSubrange(0..<(n * t), with: yc.elements) }
        return try stacked.leastSquaresSVD(target).solution
      }
    } catch {
      throw ModelError.wrapping(error)
    }
  }

  /// W and b from the centred normal equations XcᵀXc (`gram`) and XcᵀYc
  /// (`rhs`) and the column means: Cholesky of XcᵀXc + αI, or `svd()` when
  /// that matrix is not positive definite or is ill-conditioned.
  static func solve(
    gram: Matrix<Double>, rhs: Matrix<Double>, alpha: Double, xMean: [Double], yMean: [Double],
    svd: () throws -> Matrix<Double>
  ) throws -> Solution {
    let (d, t) = (gram.rows, rhs.columns)
    var gram = gram
    gram.addToDiagonal(alpha)
    var coefficients: Matrix<Double>
    var method = Method.cholesky
    // A Gram matrix that is not positive definite (collinear features) is solved by SVD instead,
    // and the method used is reported.
    if let factor = try? gram.cholesky(), reciprocalCondition(factor.lower) >= conditionLimit {
      coefficients = try factor.solve(rhs)
    } else {
      method = .svd
      coefficients = try svd()
    }
    var intercepts = yMean
    let w = coefficients.elements
    for k in 0..<t {
      var dotProduct = 0.0
      for j in 0..<d { dotProduct += xMean[j] * w[j * t + k] }
      intercepts[k] -= dotProduct
    }
    return Solution(coefficients: coefficients, intercepts: intercepts, method: method)
  }

  /// Centring loses about log₁₀(ρ) digits of XcᵀXc when it is formed as
  /// XᵀX − n·x̄x̄ᵀ, where ρ = Σx²/Σ(x − x̄)² of the worst column. Up to this
  /// ρ the cheaper form is used (at most 4 of 16 digits lost); beyond it X
  /// is centred explicitly, block by block.
  static let cancellationLimit = 1e4

  /// XcᵀXc and XcᵀYc, with Xc, Yc centred on the given means. One syrk and
  /// one gemm over X when centring does not cancel badly (no copy of X);
  /// otherwise centred blocks of 2048 rows, accumulated.
  static func centredNormalEquations(
    _ x: Matrix<Double>, _ y: Matrix<Double>, xMean: [Double], yMean: [Double]
  ) throws -> (Matrix<Double>, Matrix<Double>) {
    let (n, d, t) = (Double(x.rows), x.columns, y.columns)
    var gram = x.syrk(.transposeTimesSelf)
    var rhs = try Matrix.matmul(x, y, transposeA: true)
    var worst = 1.0
    for j in 0..<d {
      let raw = gram[j, j]
      let centredValue = raw - n * xMean[j] * xMean[j]
      worst = max(worst, centredValue > 0 ? raw / centredValue : (raw > 0 ? .infinity : 1))
    }
    if worst <= cancellationLimit {
      gram.modifyElements { g in
        for i in 0..<d {
          for j in 0..<d { g[i * d + j] -= n * xMean[i] * xMean[j] }
        }
      }
      rhs.modifyElements { r in
        for i in 0..<d {
          for k in 0..<t { r[i * t + k] -= n * xMean[i] * yMean[k] }
        }
      }
      return (gram, rhs)
    }
    return try centredBlocks(x, y, xMean: xMean, yMean: yMean)
  }

  /// XcᵀXc and XcᵀYc with X and Y centred explicitly, in blocks of 2048
  /// rows (exact for any means, the rows' own or not); zeros for no rows.
  static func centredBlocks(
    _ x: Matrix<Double>, _ y: Matrix<Double>, xMean: [Double], yMean: [Double]
  ) throws -> (Matrix<Double>, Matrix<Double>) {
    let (d, t) = (x.columns, y.columns)
    var gram = Matrix<Double>(rows: d, columns: d)
    var rhs = Matrix<Double>(rows: d, columns: t)
    let blockRows = 2048
    var start = 0
    while start < x.rows {
      let rows = min(blockRows, x.rows - start)
      let xb = centred(x, xMean, rows: start..<(start + rows))
      let yb = centred(y, yMean, rows: start..<(start + rows))
      let part = xb.syrk(.transposeTimesSelf)
      gram.modifyElements { g in for i in g.indices { g[i] += part.elements[i] } }
      try rhs.gemm(xb, yb, transposeA: true, beta: 1)
      start += rows
    }
    return (gram, rhs)
  }

  /// (min Lᵢᵢ / max Lᵢᵢ)², an estimate of 1/cond(A) from A's Cholesky factor.
  static func reciprocalCondition(_ lower: Matrix<Double>) -> Double {
    let diagonal = lower.diagonal
    guard let low = diagonal.min(), let high = diagonal.max(), high > 0 else { return 0 }
    let ratio = low / high
    return ratio * ratio
  }

  /// Rows `rows` of `m` (all by default) minus `means`, as a new matrix.
  static func centred(_ m: Matrix<Double>, _ means: [Double], rows: Range<Int>? = nil) -> Matrix<Double> {
    let range = rows ?? 0..<m.rows
    let d = m.columns
    var out = Matrix<Double>(rows: range.count, columns: d)
    m.elements.withUnsafeBufferPointer { p in
      means.withUnsafeBufferPointer { mp in
        out.modifyElements { e in
          e.withUnsafeMutableBufferPointer { o in
            for (r, i) in range.enumerated() {
              for j in 0..<d { o[r * d + j] = p[i * d + j] - mp[j] }
            }
          }
        }
      }
    }
    return out
  }
}
