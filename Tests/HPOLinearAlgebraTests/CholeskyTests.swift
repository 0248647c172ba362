#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import HPOLinearAlgebra
import Testing

// The classic SPD example: A = L·Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]],
// det A = (2·1·3)² = 36.
private let spd: [[Double]] = [[4, 12, -16], [12, 37, -43], [-16, -43, 98]]
private let spdFactor: [[Double]] = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]

@Suite("Cholesky")
struct CholeskyTests {
  @Test("factor, solve, triangular solves, log-determinant, inverse", arguments: scalarTypes)
  func knownFactor(_ type: any LinearAlgebraScalar.Type) throws {
    try checkKnownFactor(type)
  }

  private func checkKnownFactor<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let tol = tolerance(t)
    let a = try matrix(t, spd)
    let factor = try a.cholesky()
    #expect(factor.order == 3)
    expectClose(factor.lower, spdFactor, tolerance: tol)
    // x = [1, 2, 3] ⇒ b = A·x = [-20, -43, 192].
    expectClose(try factor.solve(vector(t, [-20, -43, 192])), [1, 2, 3], tolerance: tol)
    expectClose(
      try factor.solve(matrix(t, [[-20, 4], [-43, 12], [192, -16]])),
      [[1, 1], [2, 0], [3, 0]], tolerance: tol)
    // L·[1,1,1] = [2,7,0] and Lᵀ·[1,1,1] = [0,6,3].
    expectClose(try factor.solveLower(vector(t, [2, 7, 0])), [1, 1, 1], tolerance: tol)
    expectClose(
      try factor.solveLower(vector(t, [0, 6, 3]), transposed: true), [1, 1, 1], tolerance: tol)
    // log det A = log 36 = 3.58351893845611.
    expectClose([factor.logDeterminant], [3.58351893845611], tolerance: tol)
    let inverse = try factor.inverse()
    expectClose(try a * inverse, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], tolerance: tol * 100)
    #expect(inverse == inverse.transposed())
    // posv agrees with potrf + potrs.
    expectClose(try a.solvePositiveDefinite(vector(t, [-20, -43, 192])), [1, 2, 3], tolerance: tol)
  }

  @Test("only the lower triangle is read")
  func lowerTriangleOnly() throws {
    var a = try matrix(Double.self, spd)
    a[0, 1] = 1000
    a[0, 2] = .nan
    a[1, 2] = -7
    expectClose(try a.cholesky().lower, spdFactor, tolerance: 1e-12)
  }

  @Test("indefinite and singular matrices throw notPositiveDefinite", arguments: scalarTypes)
  func notPositiveDefinite(_ type: any LinearAlgebraScalar.Type) throws {
    try checkNotPositiveDefinite(type)
  }

  private func checkNotPositiveDefinite<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    // [[1,2],[2,1]]: eigenvalues 3 and -1; minor 2 is 1 - 4 < 0.
    let indefinite = try matrix(t, [[1, 2], [2, 1]])
    #expect(expectLinearAlgebraError { _ = try indefinite.cholesky() }?.code == .notPositiveDefinite(minorOrder: 2))
    let negative = try matrix(t, [[-1, 0], [0, 1]])
    #expect(expectLinearAlgebraError { _ = try negative.cholesky() }?.code == .notPositiveDefinite(minorOrder: 1))
    // Positive semidefinite but singular: 1 - 1·1 = 0 is not positive.
    let singular = try matrix(t, [[1, 1], [1, 1]])
    #expect(expectLinearAlgebraError { _ = try singular.cholesky() }?.code == .notPositiveDefinite(minorOrder: 2))
    let error = expectLinearAlgebraError {
      _ = try indefinite.solvePositiveDefinite(vector(t, [1, 1]))
    }
    #expect(error?.code == .notPositiveDefinite(minorOrder: 2))
    #expect(error?.description.contains("jitter") == true)
    #expect(error?.description.contains("Matrix.solvePositiveDefinite(_:)") == true)
  }

  @Test("jitter on the diagonal makes a singular kernel matrix factorable")
  func jitter() throws {
    var k = try matrix(Double.self, [[1, 1], [1, 1]])
    k.addToDiagonal(1e-6)
    let factor = try k.cholesky()
    // det = (1+ε)² - 1 = 2ε + ε².
    #expect(abs(factor.logDeterminant - log(2e-6 + 1e-12)) < 1e-6)
  }

  @Test("NaN input is reported as LAPACKE's illegal argument")
  func nanInput() throws {
    let a = try Matrix<Double>([[Double.nan]])
    let error = expectLinearAlgebraError { _ = try a.cholesky() }
    #expect(error?.code == .illegalArgument(position: 4, routine: "LAPACKE_dpotrf"))
    #expect(error?.description.contains("NaN") == true)
  }

  @Test("the 0x0 matrix factors trivially")
  func empty() throws {
    let factor = try Matrix<Float>(rows: 0, columns: 0).cholesky()
    #expect(factor.order == 0)
    #expect(factor.logDeterminant == 0)
    #expect(try factor.solve([Float]()) == [])
  }
}
