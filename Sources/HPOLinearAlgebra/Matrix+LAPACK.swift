extension Matrix {
  private static var lapack: LinearAlgebraRoutines<Scalar> { Scalar._linearAlgebraRoutines }

  /// The Cholesky factorization A = L·Lᵀ of this symmetric positive definite
  /// matrix (LAPACK potrf). Only the lower triangle is read; symmetry is the
  /// caller's promise. O(n³/3).
  /// - Throws: `.dimensionMismatch` unless square; `.notPositiveDefinite`
  ///   with the order of the first non-positive leading minor;
  ///   `.illegalArgument` for NaN input; `.sizeOverflow`.
  public func cholesky() throws -> CholeskyFactor<Scalar> {
    let operation = "Matrix.cholesky()"
    guard isSquare else {
      throw LinearAlgebraError.mismatch(
        "Cholesky needs a square matrix, got \(shapeDescription)", operation)
    }
    try checkBLASRange(rows, operation: operation)
    let n = rows
    if n == 0 { return CholeskyFactor(lower: self) }
    let lapack = Self.lapack
    var a = elements
    let info = a.withUnsafeMutableBufferPointer { pa in lapack.potrf(n, pa.baseAddress!, n) }
    try LinearAlgebraError.check(info, routine: lapack.lapackeName("potrf"), operation: operation) {
      .notPositiveDefinite(minorOrder: $0)
    }
    for i in 0..<n {
      for j in (i + 1)..<n { a[i * n + j] = 0 }
    }
    return CholeskyFactor(lower: Matrix(unchecked: n, n, a))
  }

  /// Solves A·X = B for a square, nonsingular A = `self` (LAPACK gesv: LU
  /// with partial pivoting). A is n×n, B is n×k, X is n×k. O(n³ + n²k).
  /// - Throws: `.dimensionMismatch` naming the shapes; `.singular` with the
  ///   1-based zero pivot; `.illegalArgument` for NaN input; `.sizeOverflow`.
  public func solve(_ b: Matrix) throws -> Matrix {
    let operation = "Matrix.solve(_:)"
    try checkSquareSystem(b, operation)
    let (n, nrhs) = (rows, b.columns)
    if n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
    let lapack = Self.lapack
    var a = elements
    var x = b.elements
    let info = a.withUnsafeMutableBufferPointer { pa in
      x.withUnsafeMutableBufferPointer { px in
        lapack.gesv(n, nrhs, pa.baseAddress!, n, px.baseAddress!, nrhs)
      }
    }
    try LinearAlgebraError.check(info, routine: lapack.lapackeName("gesv"), operation: operation) {
      .singular(pivot: $0)
    }
    return Matrix(unchecked: n, nrhs, x)
  }

  /// Solves A·x = b for one right-hand side; see ``solve(_:)-(Matrix)``.
  /// `b.count` must equal `rows`; the result has `rows` elements.
  public func solve(_ b: [Scalar]) throws -> [Scalar] {
    try solve(Matrix(column: b)).elements
  }

  /// Solves A·X = B for a symmetric positive definite A = `self` in one call
  /// (LAPACK posv: Cholesky, then two triangular solves). Reads only A's
  /// lower triangle. A is n×n, B is n×k. O(n³/3 + n²k). Use ``cholesky()``
  /// instead to reuse the factor for several solves or a log-determinant.
  /// - Throws: `.dimensionMismatch`; `.notPositiveDefinite`; `.illegalArgument`;
  ///   `.sizeOverflow`.
  public func solvePositiveDefinite(_ b: Matrix) throws -> Matrix {
    let operation = "Matrix.solvePositiveDefinite(_:)"
    try checkSquareSystem(b, operation)
    let (n, nrhs) = (rows, b.columns)
    if n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
    let lapack = Self.lapack
    var a = elements
    var x = b.elements
    let info = a.withUnsafeMutableBufferPointer { pa in
      x.withUnsafeMutableBufferPointer { px in
        lapack.posv(n, nrhs, pa.baseAddress!, n, px.baseAddress!, nrhs)
      }
    }
    try LinearAlgebraError.check(info, routine: lapack.lapackeName("posv"), operation: operation) {
      .notPositiveDefinite(minorOrder: $0)
    }
    return Matrix(unchecked: n, nrhs, x)
  }

  /// Solves A·x = b for SPD A and one right-hand side; see
  /// ``solvePositiveDefinite(_:)-(Matrix)``.
  public func solvePositiveDefinite(_ b: [Scalar]) throws -> [Scalar] {
    try solvePositiveDefinite(Matrix(column: b)).elements
  }

  /// Least squares by QR (LAPACK gels) for a full-rank A = `self` (m×n) and
  /// B (m×k): when m ≥ n, the X (n×k) minimizing ‖A·X − B‖₂; when m < n, the
  /// minimum-norm X solving A·X = B. O(m·n·min(m, n) + m·n·k).
  /// For rank-deficient or ill-conditioned A use ``leastSquaresSVD(_:rcond:)-(Matrix,_)``.
  /// - Throws: `.dimensionMismatch` when `b.rows != rows`; `.rankDeficient`
  ///   when R has an exactly zero diagonal element; `.illegalArgument`;
  ///   `.sizeOverflow`.
  public func leastSquares(_ b: Matrix) throws -> Matrix {
    let operation = "Matrix.leastSquares(_:)"
    try checkLeastSquares(b, operation)
    let (m, n, nrhs) = (rows, columns, b.columns)
    if m == 0 || n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
    let lapack = Self.lapack
    var a = elements
    var x = Self.paddedRightHandSide(b, rows: Swift.max(m, n))
    let info = a.withUnsafeMutableBufferPointer { pa in
      x.withUnsafeMutableBufferPointer { px in
        lapack.gels(m, n, nrhs, pa.baseAddress!, n, px.baseAddress!, nrhs)
      }
    }
    try LinearAlgebraError.check(info, routine: lapack.lapackeName("gels"), operation: operation) {
      .rankDeficient(diagonalIndex: $0)
    }
    return Matrix(unchecked: n, nrhs, Array(x[0..<(n * nrhs)]))
  }

  /// Least squares by QR for one right-hand side (`b.count == rows`); the
  /// result has `columns` elements. See ``leastSquares(_:)-(Matrix)``.
  public func leastSquares(_ b: [Scalar]) throws -> [Scalar] {
    try leastSquares(Matrix(column: b)).elements
  }

  /// Least squares by SVD (LAPACK gelsd, divide and conquer): the
  /// minimum-norm X (n×k) minimizing ‖A·X − B‖₂ for any A = `self` (m×n),
  /// rank-deficient or ill-conditioned included. Singular values
  /// σᵢ ≤ `rcond`·σ₁ are treated as zero; `nil` means machine precision.
  /// Pass e.g. `1e-10` to cut off near-singular directions.
  /// O(m·n·min(m, n)), several times the cost of ``leastSquares(_:)-(Matrix)``.
  /// - Throws: `.dimensionMismatch` when `b.rows != rows`; `.didNotConverge`;
  ///   `.illegalArgument`; `.sizeOverflow`.
  public func leastSquaresSVD(_ b: Matrix, rcond: Scalar? = nil) throws -> LeastSquaresSolution<Scalar> {
    let operation = "Matrix.leastSquaresSVD(_:rcond:)"
    try checkLeastSquares(b, operation)
    let (m, n, nrhs) = (rows, columns, b.columns)
    if m == 0 || n == 0 || nrhs == 0 {
      return LeastSquaresSolution(
        solution: Matrix(rows: n, columns: nrhs), rank: 0,
        singularValues: [Scalar](repeating: 0, count: Swift.min(m, n)))
    }
    let lapack = Self.lapack
    var a = elements
    var x = Self.paddedRightHandSide(b, rows: Swift.max(m, n))
    var s = [Scalar](repeating: 0, count: Swift.min(m, n))
    let result = a.withUnsafeMutableBufferPointer { pa in
      x.withUnsafeMutableBufferPointer { px in
        s.withUnsafeMutableBufferPointer { ps in
          lapack.gelsd(
            m, n, nrhs, pa.baseAddress!, n, px.baseAddress!, nrhs, ps.baseAddress!, rcond ?? -1)
        }
      }
    }
    let routine = lapack.lapackeName("gelsd")
    try LinearAlgebraError.check(result.info, routine: routine, operation: operation) {
      .didNotConverge(routine: routine, unconverged: $0)
    }
    return LeastSquaresSolution(
      solution: Matrix(unchecked: n, nrhs, Array(x[0..<(n * nrhs)])), rank: result.rank,
      singularValues: s)
  }

  /// Least squares by SVD for one right-hand side (`b.count == rows`); the
  /// solution is a `columns`×1 matrix (see ``LeastSquaresSolution/vector``).
  public func leastSquaresSVD(_ b: [Scalar], rcond: Scalar? = nil) throws -> LeastSquaresSolution<Scalar> {
    try leastSquaresSVD(Matrix(column: b), rcond: rcond)
  }

  private func checkSquareSystem(_ b: Matrix, _ operation: String) throws {
    guard isSquare, b.rows == rows else {
      throw LinearAlgebraError.mismatch(
        "A·X = B needs a square A (n x n) and B with n rows, but A is \(shapeDescription) "
          + "and B is \(b.shapeDescription)", operation)
    }
    try checkBLASRange(rows, b.columns, operation: operation)
  }

  private func checkLeastSquares(_ b: Matrix, _ operation: String) throws {
    guard b.rows == rows else {
      throw LinearAlgebraError.mismatch(
        "A is \(shapeDescription) so B needs \(rows) rows, but B is \(b.shapeDescription)",
        operation)
    }
    try checkBLASRange(rows, columns, b.columns, operation: operation)
  }

  /// B copied into the top of a `rows`×k zero buffer, as gels/gelsd need.
  private static func paddedRightHandSide(_ b: Matrix, rows: Int) -> [Scalar] {
    var x = [Scalar](repeating: 0, count: rows * b.columns)
    x.replaceSubrange(0..<b.elements.count, with: b.elements)
    return x
  }
}
