/// A floating-point type the BLAS/LAPACK routines exist for: `Float` (the
/// `s` routines) and `Double` (the `d` routines).
///
/// Conformance is closed: ``LinearAlgebraRoutines`` cannot be built outside
/// this module, so only `Float` and `Double` conform. Use `Float` where speed
/// matters (OpenBLAS sgemm runs about twice as fast as dgemm) and `Double`
/// where conditioning matters (Gaussian processes, ridge on raw features).
public protocol LinearAlgebraScalar: BinaryFloatingPoint, Sendable {
  /// The precision's BLAS/LAPACKE routines. An implementation detail of this
  /// module; opaque to callers.
  static var _linearAlgebraRoutines: LinearAlgebraRoutines<Self> { get }
}

/// The BLAS/LAPACKE routines of one precision, as a table of internal
/// closures. Opaque outside this module; it exists so that generic code on
/// ``Matrix`` dispatches to `cblas_s*`/`cblas_d*` without any pointer type in
/// the public API. All matrices are row-major; every `ld*` is a row length.
public struct LinearAlgebraRoutines<Scalar>: Sendable {
  typealias Pointer = UnsafePointer<Scalar>
  typealias MutablePointer = UnsafeMutablePointer<Scalar>

  /// `"s"` or `"d"`, for routine names in errors.
  let prefix: String
  /// C ← alpha·op(A)·op(B) + beta·C; (transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc).
  let gemm: @Sendable (
    Bool, Bool, Int, Int, Int, Scalar, Pointer, Int, Pointer, Int, Scalar, MutablePointer, Int
  ) -> Void
  /// y ← alpha·op(A)·x + beta·y; (trans, rows, columns, alpha, A, lda, x, beta, y).
  let gemv: @Sendable (Bool, Int, Int, Scalar, Pointer, Int, Pointer, Scalar, MutablePointer) -> Void
  /// y ← alpha·x + y; (n, alpha, x, y).
  let axpy: @Sendable (Int, Scalar, Pointer, MutablePointer) -> Void
  /// xᵀy; (n, x, y).
  let dot: @Sendable (Int, Pointer, Pointer) -> Scalar
  /// x ← alpha·x; (n, alpha, x).
  let scal: @Sendable (Int, Scalar, MutablePointer) -> Void
  /// ‖x‖₂; (n, x).
  let nrm2: @Sendable (Int, Pointer) -> Scalar
  /// Lower triangle of C ← alpha·op(A)ᵀ·op(A)-style product; (trans, n, k, alpha, A, lda, C, ldc).
  /// trans: C = alpha·AᵀA (A is k×n); otherwise C = alpha·AAᵀ (A is n×k). beta = 0.
  let syrk: @Sendable (Bool, Int, Int, Scalar, Pointer, Int, MutablePointer, Int) -> Void
  /// Lower Cholesky in place; (n, A, lda) → info.
  let potrf: @Sendable (Int, MutablePointer, Int) -> Int
  /// Solve with a lower Cholesky factor; (n, nrhs, L, lda, B, ldb) → info.
  let potrs: @Sendable (Int, Int, Pointer, Int, MutablePointer, Int) -> Int
  /// Inverse from a lower Cholesky factor, lower triangle; (n, L, lda) → info.
  let potri: @Sendable (Int, MutablePointer, Int) -> Int
  /// SPD solve using the lower triangle; (n, nrhs, A, lda, B, ldb) → info.
  let posv: @Sendable (Int, Int, MutablePointer, Int, MutablePointer, Int) -> Int
  /// Lower-triangular non-unit solve, L or Lᵀ; (trans, n, nrhs, L, lda, B, ldb) → info.
  let trtrs: @Sendable (Bool, Int, Int, Pointer, Int, MutablePointer, Int) -> Int
  /// LU solve; (n, nrhs, A, lda, B, ldb) → info.
  let gesv: @Sendable (Int, Int, MutablePointer, Int, MutablePointer, Int) -> Int
  /// QR least squares; (m, n, nrhs, A, lda, B, ldb) → info.
  let gels: @Sendable (Int, Int, Int, MutablePointer, Int, MutablePointer, Int) -> Int
  /// SVD least squares; (m, n, nrhs, A, lda, B, ldb, S, rcond) → (info, rank).
  let gelsd: @Sendable (
    Int, Int, Int, MutablePointer, Int, MutablePointer, Int, MutablePointer, Scalar
  ) -> (info: Int, rank: Int)

  /// The C name of a LAPACKE routine of this precision, e.g. `LAPACKE_dpotrf`.
  func lapackeName(_ stem: String) -> String { "LAPACKE_\(prefix)\(stem)" }
}

/// Runs `body` with a pointer to one LAPACK integer (whatever width the
/// header's `lapack_int` has) and returns `body`'s result and the integer.
func withLAPACKInteger<I: FixedWidthInteger>(
  _ body: (UnsafeMutablePointer<I>) -> Int
) -> (info: Int, value: Int) {
  var value: I = 0
  let info = body(&value)
  return (info, Int(value))
}

/// Runs `body` with scratch space for `count` LAPACK integers (e.g. pivots).
func withLAPACKIntegers<I: FixedWidthInteger>(
  count: Int, _ body: (UnsafeMutablePointer<I>) -> Int
) -> Int {
  var buffer = [I](repeating: 0, count: Swift.max(1, count))
  return buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
