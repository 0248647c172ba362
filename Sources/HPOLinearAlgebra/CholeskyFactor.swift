#if canImport(Glibc)
  private import Glibc
#elseif canImport(Musl)
  private import Musl
#elseif canImport(Darwin)
  private import Darwin
#endif

/// The Cholesky factorization A = L·Lᵀ of a symmetric positive definite n×n
/// matrix, from ``Matrix/cholesky()``. Factor once, then solve, take the
/// log-determinant or the inverse, as a Gaussian process does.
public struct CholeskyFactor<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
  /// L: lower triangular with a positive diagonal; its strictly upper part
  /// is zero.
  public let lower: Matrix<Scalar>

  init(lower: Matrix<Scalar>) {
    self.lower = lower
  }

  /// n, the order of A and L.
  public var order: Int { lower.rows }

  private var lapack: LinearAlgebraRoutines<Scalar> { Scalar._linearAlgebraRoutines }

  /// Solves A·X = B with the factor (LAPACK potrs). B is n×k; so is X.
  /// O(n²k).
  /// - Throws: `.dimensionMismatch` when `b.rows != order`; `.illegalArgument`
  ///   for NaN input; `.sizeOverflow`.
  public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
    let operation = "CholeskyFactor.solve(_:)"
    try checkRightHandSide(b, operation)
    let (n, nrhs) = (order, b.columns)
    if n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
    let lapack = lapack
    var x = b.elements
    let info = lower.elements.withUnsafeBufferPointer { pl in
      x.withUnsafeMutableBufferPointer { px in
        lapack.potrs(n, nrhs, pl.baseAddress!, n, px.baseAddress!, nrhs)
      }
    }
    try LinearAlgebraError.check(info, routine: lapack.lapackeName("potrs"), operation: operation) {
      .singular(pivot: $0)
    }
    return Matrix(unchecked: n, nrhs, x)
  }

  /// Solves A·x = b for one right-hand side (`b.count == order`); see
  /// ``solve(_:)-(Matrix<Scalar>)``.
  public func solve(_ b: [Scalar]) throws -> [Scalar] {
    try solve(Matrix(column: b)).elements
  }

  /// Solves the triangular system L·X = B, or Lᵀ·X = B when `transposed`
  /// (LAPACK trtrs). B is n×k; so is X. O(n²k). For a Gaussian process,
  /// `solveLower(k*)` gives v with ‖v‖² the variance reduction.
  /// - Throws: `.dimensionMismatch` when `b.rows != order`; `.singular` if a
  ///   diagonal element of L is zero; `.illegalArgument`; `.sizeOverflow`.
  public func solveLower(_ b: Matrix<Scalar>, transposed: Bool = false) throws -> Matrix<Scalar> {
    let operation = "CholeskyFactor.solveLower(_:transposed:)"
    try checkRightHandSide(b, operation)
    let (n, nrhs) = (order, b.columns)
    if n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
    let lapack = lapack
    var x = b.elements
    let info = lower.elements.withUnsafeBufferPointer { pl in
      x.withUnsafeMutableBufferPointer { px in
        lapack.trtrs(transposed, n, nrhs, pl.baseAddress!, n, px.baseAddress!, nrhs)
      }
    }
    try LinearAlgebraError.check(info, routine: lapack.lapackeName("trtrs"), operation: operation) {
      .singular(pivot: $0)
    }
    return Matrix(unchecked: n, nrhs, x)
  }

  /// Solves L·x = b (or Lᵀ·x = b) for one right-hand side; see
  /// ``solveLower(_:transposed:)-(Matrix<Scalar>,_)``.
  public func solveLower(_ b: [Scalar], transposed: Bool = false) throws -> [Scalar] {
    try solveLower(Matrix(column: b), transposed: transposed).elements
  }

  /// log det A = 2·Σ log Lᵢᵢ, accumulated in Double; 0 for n = 0. O(n).
  /// Finite for any factor from ``Matrix/cholesky()`` (its diagonal is
  /// positive), even when det A itself under- or overflows.
  public var logDeterminant: Scalar {
    var sum = 0.0
    for value in lower.diagonal { sum += log(Double(value)) }
    return Scalar(2 * sum)
  }

  /// A⁻¹ as a full symmetric n×n matrix (LAPACK potri). O(n³). Prefer
  /// ``solve(_:)-(Matrix<Scalar>)`` where a solve will do: it is cheaper and
  /// more accurate.
  /// - Throws: `.singular` if a diagonal element of L is zero;
  ///   `.illegalArgument`; `.sizeOverflow`.
  public func inverse() throws -> Matrix<Scalar> {
    let operation = "CholeskyFactor.inverse()"
    let n = order
    try checkBLASRange(n, operation: operation)
    if n == 0 { return lower }
    let lapack = lapack
    var a = lower.elements
    let info = a.withUnsafeMutableBufferPointer { pa in lapack.potri(n, pa.baseAddress!, n) }
    try LinearAlgebraError.check(info, routine: lapack.lapackeName("potri"), operation: operation) {
      .singular(pivot: $0)
    }
    for i in 0..<n {
      for j in (i + 1)..<n { a[i * n + j] = a[j * n + i] }
    }
    return Matrix(unchecked: n, n, a)
  }

  private func checkRightHandSide(_ b: Matrix<Scalar>, _ operation: String) throws {
    guard b.rows == order else {
      throw LinearAlgebraError.mismatch(
        "the factor is \(order)x\(order) so B needs \(order) rows, but B is \(b.shapeDescription)",
        operation)
    }
    try checkBLASRange(order, b.columns, operation: operation)
  }
}
