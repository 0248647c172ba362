/// What went wrong in a linear-algebra call, and what to do about it.
///
/// Every BLAS/LAPACK entry point of this module checks shapes in Swift before
/// calling C and maps LAPACK's `info` to a ``Code``; nothing here traps on bad
/// input data. Integers inside a code are LAPACK's own, 1-based.
public struct LinearAlgebraError: Error, Equatable, CustomStringConvertible {
  /// The kind of failure.
  public enum Code: Equatable, Sendable {
    /// Operand shapes do not fit together; the string names the shapes.
    case dimensionMismatch(String)
    /// Cholesky failed: the leading minor of this order (1-based) is not
    /// positive, so the matrix is not symmetric positive definite.
    case notPositiveDefinite(minorOrder: Int)
    /// A zero pivot (LU) or zero diagonal (triangular factor) at this 1-based
    /// position: the matrix is exactly singular.
    case singular(pivot: Int)
    /// QR least squares found a zero diagonal element of R at this 1-based
    /// position: the coefficient matrix does not have full rank.
    case rankDeficient(diagonalIndex: Int)
    /// The SVD in `routine` did not converge; `unconverged` off-diagonal
    /// elements of an intermediate bidiagonal form did not reach zero.
    case didNotConverge(routine: String, unconverged: Int)
    /// `routine` rejected its argument at `position` (LAPACKE numbering, the
    /// matrix layout is argument 1). LAPACKE reports a NaN in an input matrix
    /// this way.
    case illegalArgument(position: Int, routine: String)
    /// `routine` could not allocate its workspace or transposition buffer.
    case outOfMemory(routine: String)
    /// A dimension does not fit the 32-bit integers of BLAS/LAPACK.
    case sizeOverflow(String)
  }

  /// The kind of failure.
  public let code: Code
  /// The public operation that failed, e.g. `"Matrix.cholesky()"`.
  public let operation: String

  /// Creates an error for `operation` (the public call that failed).
  public init(_ code: Code, operation: String) {
    self.code = code
    self.operation = operation
  }

  /// One paragraph: the operation, what went wrong, and what to do.
  public var description: String {
    switch code {
    case .dimensionMismatch(let detail):
      return "\(operation): dimension mismatch: \(detail). Check the operand shapes "
        + "(rows x columns) and the transpose flags."
    case .notPositiveDefinite(let order):
      return "\(operation): the matrix is not symmetric positive definite (its leading minor "
        + "of order \(order) is not positive). If it should be SPD (a covariance, kernel or "
        + "normal-equations matrix), it is numerically singular or not symmetric: add a small "
        + "jitter to the diagonal (addToDiagonal), check symmetry, or use solve(_:) or "
        + "leastSquaresSVD(_:) instead."
    case .singular(let pivot):
      return "\(operation): the matrix is exactly singular (zero pivot at position \(pivot), "
        + "1-based), so there is no unique solution. Look for duplicated or linearly dependent "
        + "rows/columns, or use leastSquaresSVD(_:) for the minimum-norm solution."
    case .rankDeficient(let index):
      return "\(operation): the coefficient matrix does not have full rank (R(\(index),\(index)) "
        + "of its QR factorization is zero, 1-based). Use leastSquaresSVD(_:), which handles "
        + "rank deficiency, or remove dependent columns."
    case .didNotConverge(let routine, let unconverged):
      return "\(operation): \(routine) did not converge (\(unconverged) off-diagonal elements of "
        + "the bidiagonal form stayed nonzero). Check the input for Inf or an extreme dynamic "
        + "range, rescale the columns, or use Double instead of Float."
    case .illegalArgument(let position, let routine):
      return "\(operation): \(routine) rejected argument \(position) (LAPACKE numbering). LAPACKE "
        + "reports a NaN in an input matrix this way: check the inputs for NaN. If there is "
        + "none, this is a bug in HPOLinearAlgebra; please report it."
    case .outOfMemory(let routine):
      return "\(operation): \(routine) could not allocate its workspace. Reduce the problem "
        + "size or free memory."
    case .sizeOverflow(let detail):
      return "\(operation): \(detail) exceeds the 32-bit BLAS/LAPACK integer range "
        + "(\(Int32.max)). Split the problem into smaller blocks."
    }
  }
}

extension LinearAlgebraError {
  /// Throws unless `info` is 0. Negative values are LAPACKE's argument and
  /// memory errors; positive ones are mapped by `positive`.
  static func check(
    _ info: Int, routine: String, operation: String, positive: (Int) -> Code
  ) throws {
    if info == 0 { return }
    if info > 0 { throw LinearAlgebraError(positive(info), operation: operation) }
    // LAPACK_WORK_MEMORY_ERROR (-1010), LAPACK_TRANSPOSE_MEMORY_ERROR (-1011).
    if info == -1010 || info == -1011 {
      throw LinearAlgebraError(.outOfMemory(routine: routine), operation: operation)
    }
    throw LinearAlgebraError(.illegalArgument(position: -info, routine: routine), operation: operation)
  }

  /// A `.dimensionMismatch(detail)` error for `operation`, to throw.
  static func mismatch(_ detail: String, _ operation: String) -> LinearAlgebraError {
    LinearAlgebraError(.dimensionMismatch(detail), operation: operation)
  }
}

/// Throws `.sizeOverflow` when any of `values` exceeds `Int32.max`.
func checkBLASRange(_ values: Int..., operation: String) throws {
  for value in values where value > Int(Int32.max) {
    throw LinearAlgebraError(.sizeOverflow("a dimension of \(value)"), operation: operation)
  }
}
