import HPOLinearAlgebra

/// A sum over the members of a gang: every member passes its buffer (the
/// same length on all) and gets back the element-wise sum of all of them,
/// the same bits on every member. HPOWorker passes a ring all-reduce;
/// HPOModels never talks to peers itself.
public typealias AllReduceSum = (inout [Double]) throws -> Void

extension RidgeSolver {
  /// The same model as ``fit(_:_:alpha:)`` over the rows of every member of
  /// a gang, each holding only its own: two sums over the gang, then the
  /// same solve on every member.
  ///
  /// 1. The row count and the column sums of X and Y → the global means.
  /// 2. XcᵀXc and XcᵀYc of this member's rows, centred on the global means
  ///    (explicitly, in blocks: exact for any means) → the global products.
  /// 3. Cholesky of XcᵀXc + αI; when it fails or is ill-conditioned, SVD
  ///    least squares of that d×d system (the rows are not all here for the
  ///    stacked form ``fit(_:_:alpha:)`` uses).
  ///
  /// The result equals ``fit(_:_:alpha:)`` on all the rows up to the order
  /// of floating-point summation. A member may hold no rows (n = 0).
  /// - Throws: as ``fit(_:_:alpha:)``; `.invalidData` when the gang holds
  ///   no rows at all; any error of `allReduce`, as it is.
  public static func fitDataParallel(
    _ x: Matrix<Double>, _ y: Matrix<Double>, alpha: Double, allReduce: AllReduceSum
  ) throws -> Solution {
    guard x.rows == y.rows, x.columns > 0, y.columns > 0 else {
      throw ModelError(.invalidData, "ridge needs n×d features and n×t targets with d, t ≥ 1; got \(x.shapeDescription) and \(y.shapeDescription)")
    }
    guard alpha >= 0, alpha.isFinite else {
      throw ModelError(.invalidHyperparameter, "ridge's alpha = \(alpha) is not accepted; accepted: a number ≥ 0")
    }
    let (d, t) = (x.columns, y.columns)
    var sums = [Double](repeating: 0, count: 1 + d + t)
    sums[0] = Double(x.rows)
    if x.rows > 0 {
      let ones = [Double](repeating: 1, count: x.rows)
      do {
        sums.replaceSubrange(1...d, with: try x.gemv(ones, transpose: true))
        sums.replaceSubrange((1 + d)...(d + t), with: try y.gemv(ones, transpose: true))
      } catch {
        throw ModelError.wrapping(error)
      }
    }
    try allReduce(&sums)
    let n = sums[0]
    guard n >= 1 else { throw ModelError(.invalidData, "ridge needs at least one row; the gang holds none") }
    let xMean = sums[1...d].map { $0 / n }
    let yMean = sums[(1 + d)...].map { $0 / n }
    guard xMean.allSatisfy(\.isFinite), yMean.allSatisfy(\.isFinite) else {
      throw ModelError(.invalidData, "ridge input contains NaN or infinite values")
    }
    do {
      let (gram, rhs) = try centredBlocks(x, y, xMean: xMean, yMean: yMean)
      var products = gram.elements + rhs.elements
      try allReduce(&products)
      let total = try Matrix(rows: d, columns: d, elements: Array(products[0..<(d * d)]))
      let totalRHS = try Matrix(rows: d, columns: t, elements: Array(products[(d * d)...]))
      return try solve(gram: total, rhs: totalRHS, alpha: alpha, xMean: xMean, yMean: yMean) { () throws -> Matrix<Double> in
        var system = total
        system.addToDiagonal(alpha)
        return try system.leastSquaresSVD(totalRHS).solution
      }
    } catch {
      throw ModelError.wrapping(error)
    }
  }
}
