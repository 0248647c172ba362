/// Which symmetric product ``Matrix/syrk(_:alpha:)`` forms.
public enum SymmetricProduct: Sendable, Equatable {
  /// AᵀA, a `columns`×`columns` matrix (the Gram matrix; XᵀX for ridge).
  case transposeTimesSelf
  /// AAᵀ, a `rows`×`rows` matrix.
  case selfTimesTranspose
}

extension Matrix {
  private typealias Routines = LinearAlgebraRoutines<Scalar>
  private static var blas: Routines { Scalar._linearAlgebraRoutines }

  /// General matrix multiply in place (BLAS gemm), reusing this matrix's
  /// storage as C: `self ← alpha·op(A)·op(B) + beta·self`, where op(X) is X or
  /// Xᵀ per the flags. With `beta == 0` the old contents are ignored (NaN
  /// included); `beta == 1` accumulates. The hot-path form: no allocation when
  /// `self`'s storage is uniquely referenced.
  ///
  /// Shapes: op(A) is m×k, op(B) is k×n, `self` is m×n. O(m·n·k).
  /// - Throws: `.dimensionMismatch` naming the shapes when they do not fit;
  ///   `.sizeOverflow` past `Int32.max`.
  public mutating func gemm(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
    alpha: Scalar = 1, beta: Scalar = 0
  ) throws {
    let operation = "Matrix.gemm(_:_:transposeA:transposeB:alpha:beta:)"
    let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
    let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
    guard k == kb else {
      throw LinearAlgebraError.mismatch(
        "op(A) is \(m)x\(k) (A is \(a.shapeDescription), transposeA: \(transposeA)) but op(B) "
          + "is \(kb)x\(n) (B is \(b.shapeDescription), transposeB: \(transposeB)); "
          + "inner dimensions \(k) and \(kb) differ", operation)
    }
    guard rows == m, columns == n else {
      throw LinearAlgebraError.mismatch(
        "op(A)·op(B) is \(m)x\(n) but the output C is \(shapeDescription)", operation)
    }
    try checkBLASRange(m, n, k, a.columns, b.columns, operation: operation)
    if m == 0 || n == 0 { return }
    if k == 0 {
      // BLAS would not be called with k == 0 through empty buffers; C ← beta·C.
      for i in elements.indices { elements[i] = beta == 0 ? 0 : beta * elements[i] }
      return
    }
    let blas = Self.blas
    a.elements.withUnsafeBufferPointer { pa in
      b.elements.withUnsafeBufferPointer { pb in
        elements.withUnsafeMutableBufferPointer { pc in
          blas.gemm(
            transposeA, transposeB, m, n, k, alpha, pa.baseAddress!, a.columns,
            pb.baseAddress!, b.columns, beta, pc.baseAddress!, n)
        }
      }
    }
  }

  /// The product `alpha·op(A)·op(B)` as a new m×n matrix (BLAS gemm).
  /// Shapes: op(A) is m×k, op(B) is k×n. O(m·n·k).
  /// - Throws: `.dimensionMismatch` naming the shapes; `.sizeOverflow`.
  public static func matmul(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
    alpha: Scalar = 1
  ) throws -> Matrix {
    let m = transposeA ? a.columns : a.rows
    let n = transposeB ? b.rows : b.columns
    var c = Matrix(rows: m, columns: n)
    try c.gemm(a, b, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: 0)
    return c
  }

  /// The product A·B (m×k times k×n gives m×n), via ``matmul(_:_:transposeA:transposeB:alpha:)``.
  /// - Throws: `.dimensionMismatch` when `a.columns != b.rows`.
  public static func * (a: Matrix, b: Matrix) throws -> Matrix {
    try matmul(a, b)
  }

  /// Matrix-vector multiply in place (BLAS gemv): `y ← alpha·op(A)·x + beta·y`
  /// with A = `self`, op(A) = A or Aᵀ. With `beta == 0` the old `y` is ignored.
  ///
  /// Shapes: op(A) is m×n, `x.count == n`, `y.count == m`. O(m·n).
  /// - Throws: `.dimensionMismatch` naming the shapes; `.sizeOverflow`.
  public func gemv(
    _ x: [Scalar], into y: inout [Scalar], transpose: Bool = false,
    alpha: Scalar = 1, beta: Scalar = 0
  ) throws {
    let operation = "Matrix.gemv(_:into:transpose:alpha:beta:)"
    let (m, n) = transpose ? (columns, rows) : (rows, columns)
    guard x.count == n, y.count == m else {
      throw LinearAlgebraError.mismatch(
        "op(A) is \(m)x\(n) (A is \(shapeDescription), transpose: \(transpose)), so x needs "
          + "\(n) elements and y \(m), but x has \(x.count) and y has \(y.count)", operation)
    }
    try checkBLASRange(rows, columns, operation: operation)
    if m == 0 { return }
    if n == 0 {
      for i in y.indices { y[i] = beta == 0 ? 0 : beta * y[i] }
      return
    }
    let blas = Self.blas
    elements.withUnsafeBufferPointer { pa in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
          blas.gemv(
            transpose, rows, columns, alpha, pa.baseAddress!, columns, px.baseAddress!, beta,
            py.baseAddress!)
        }
      }
    }
  }

  /// `alpha·op(A)·x` as a new array (BLAS gemv); op(A) is m×n, `x.count == n`,
  /// the result has m elements. O(m·n).
  /// - Throws: `.dimensionMismatch` naming the shapes; `.sizeOverflow`.
  public func gemv(_ x: [Scalar], transpose: Bool = false, alpha: Scalar = 1) throws -> [Scalar] {
    var y = [Scalar](repeating: 0, count: transpose ? columns : rows)
    try gemv(x, into: &y, transpose: transpose, alpha: alpha, beta: 0)
    return y
  }

  /// The product A·x (m×n times n elements gives m elements), via gemv.
  /// - Throws: `.dimensionMismatch` when `x.count != a.columns`.
  public static func * (a: Matrix, x: [Scalar]) throws -> [Scalar] {
    try a.gemv(x)
  }

  /// The symmetric product `alpha·AᵀA` or `alpha·AAᵀ` (BLAS syrk), returned
  /// as a full symmetric matrix (BLAS computes one triangle; it is mirrored).
  /// About half the flops of the equivalent gemm: O(columns²·rows) for AᵀA.
  /// - Precondition: both dimensions ≤ `Int32.max`.
  public func syrk(_ product: SymmetricProduct = .transposeTimesSelf, alpha: Scalar = 1) -> Matrix {
    precondition(rows <= Int(Int32.max) && columns <= Int(Int32.max), "matrix too large for BLAS")
    let transpose = product == .transposeTimesSelf
    let (n, k) = transpose ? (columns, rows) : (rows, columns)
    var c = Matrix(rows: n, columns: n)
    if n == 0 || k == 0 { return c }
    let blas = Self.blas
    elements.withUnsafeBufferPointer { pa in
      c.elements.withUnsafeMutableBufferPointer { pc in
        blas.syrk(transpose, n, k, alpha, pa.baseAddress!, columns, pc.baseAddress!, n)
      }
    }
    for i in 0..<n {
      for j in (i + 1)..<n { c.elements[i * n + j] = c.elements[j * n + i] }
    }
    return c
  }
}
