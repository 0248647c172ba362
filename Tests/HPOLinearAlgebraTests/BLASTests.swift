import HPOLinearAlgebra
import Testing

// A = [[1,2,3],[4,5,6]] (2x3), B = [[7,8],[9,10],[11,12]] (3x2), AB by hand.
private let a23: [[Double]] = [[1, 2, 3], [4, 5, 6]]
private let b32: [[Double]] = [[7, 8], [9, 10], [11, 12]]

@Suite("BLAS level 3 and 2")
struct BLASTests {
  @Test("gemm: A·B and every transpose combination, by hand", arguments: scalarTypes)
  func gemmKnownAnswers(_ type: any LinearAlgebraScalar.Type) throws {
    try checkGemmKnownAnswers(type)
  }

  private func checkGemmKnownAnswers<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = try matrix(t, a23)
    let b = try matrix(t, b32)
    // Small integers: exact in both precisions.
    #expect(try a * b == matrix(t, [[58, 64], [139, 154]]))
    // AᵀBᵀ = (BA)ᵀ, BA = [[39,54,69],[49,68,87],[59,82,105]].
    #expect(
      try Matrix.matmul(a, b, transposeA: true, transposeB: true)
        == matrix(t, [[39, 49, 59], [54, 68, 82], [69, 87, 105]]))
    #expect(
      try Matrix.matmul(a, a, transposeA: true)
        == matrix(t, [[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
    #expect(try Matrix.matmul(a, a, transposeB: true) == matrix(t, [[14, 32], [32, 77]]))
    #expect(try Matrix.matmul(a, b, alpha: -0.5) == matrix(t, [[-29, -32], [-69.5, -77]]))
  }

  @Test("gemm in place: alpha, beta, accumulation, buffer reuse", arguments: scalarTypes)
  func gemmInPlace(_ type: any LinearAlgebraScalar.Type) throws {
    try checkGemmInPlace(type)
  }

  private func checkGemmInPlace<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = try matrix(t, a23)
    let b = try matrix(t, b32)
    var c = try matrix(t, [[1, 1], [1, 1]])
    try c.gemm(a, b, alpha: 2, beta: 3)  // 2·AB + 3
    #expect(c == (try matrix(t, [[119, 131], [281, 311]])))
    try c.gemm(a, b, beta: 1)  // accumulate AB once more
    #expect(c == (try matrix(t, [[177, 195], [420, 465]])))
    // beta = 0 ignores the old contents, NaN included.
    var stale = Matrix<T>(rows: 2, columns: 2, repeating: .nan)
    try stale.gemm(a, b)
    #expect(stale == (try matrix(t, [[58, 64], [139, 154]])))
    // C aliasing its own inputs reads the old values: C ← C·C.
    var square = try matrix(t, [[1, 2], [3, 4]])
    try square.gemm(square, square)
    #expect(square == (try matrix(t, [[7, 10], [15, 22]])))
  }

  @Test("gemm with an empty inner dimension scales C by beta", arguments: scalarTypes)
  func gemmEmptyInner(_ type: any LinearAlgebraScalar.Type) throws {
    try checkGemmEmptyInner(type)
  }

  private func checkGemmEmptyInner<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = Matrix<T>(rows: 2, columns: 0)
    let b = Matrix<T>(rows: 0, columns: 3)
    #expect(try a * b == Matrix<T>(rows: 2, columns: 3))
    var c = Matrix<T>(rows: 2, columns: 3, repeating: 4)
    try c.gemm(a, b, beta: 0.5)
    #expect(c == Matrix<T>(rows: 2, columns: 3, repeating: 2))
    #expect(try Matrix<T>(rows: 0, columns: 2) * Matrix<T>(rows: 2, columns: 5) == Matrix<T>(rows: 0, columns: 5))
  }

  @Test("gemv with and without transpose, in place and operator", arguments: scalarTypes)
  func gemvKnownAnswers(_ type: any LinearAlgebraScalar.Type) throws {
    try checkGemvKnownAnswers(type)
  }

  private func checkGemvKnownAnswers<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = try matrix(t, a23)
    #expect(try a * vector(t, [1, 0, -1]) == vector(t, [-2, -2]))
    #expect(try a.gemv(vector(t, [1, 2]), transpose: true) == vector(t, [9, 12, 15]))
    var y = vector(t, [1, 1])
    try a.gemv(vector(t, [1, 0, -1]), into: &y, alpha: 2, beta: -1)
    #expect(y == vector(t, [-5, -5]))
    var z = vector(t, [1, 1, 1])
    try a.gemv(vector(t, [1, 2]), into: &z, transpose: true, alpha: 1, beta: 1)
    #expect(z == vector(t, [10, 13, 16]))
  }

  @Test("syrk gives the full symmetric AᵀA and AAᵀ", arguments: scalarTypes)
  func syrkKnownAnswers(_ type: any LinearAlgebraScalar.Type) throws {
    try checkSyrkKnownAnswers(type)
  }

  private func checkSyrkKnownAnswers<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = try matrix(t, a23)
    #expect(a.syrk() == (try matrix(t, [[17, 22, 27], [22, 29, 36], [27, 36, 45]])))
    #expect(a.syrk(.selfTimesTranspose, alpha: 2) == (try matrix(t, [[28, 64], [64, 154]])))
    #expect(a.syrk() == (try Matrix.matmul(a, a, transposeA: true)))
  }
}

@Suite("BLAS level 1 on arrays")
struct VectorTests {
  @Test("axpy, dot, scal, nrm2 by hand", arguments: scalarTypes)
  func levelOne(_ type: any LinearAlgebraScalar.Type) throws {
    try checkLevelOne(type)
  }

  private func checkLevelOne<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    var y = vector(t, [1, 2, 3])
    try y.axpy(2, vector(t, [4, 5, 6]))
    #expect(y == vector(t, [9, 12, 15]))
    #expect(try vector(t, [1, 2, 3]).dot(vector(t, [4, 5, 6])) == 32)
    #expect(try vector(t, [1, -2, 3]).dot(vector(t, [4, 5, -6])) == -24)
    #expect(vector(t, [3, 4]).euclideanNorm == 5)
    #expect(vector(t, [2, -4, 4]).euclideanNorm == 6)
    var x = vector(t, [1, 2, -3])
    x.scale(by: -2)
    #expect(x == vector(t, [-2, -4, 6]))
    #expect(try [T]().dot([]) == 0)
    #expect([T]().euclideanNorm == 0)
  }

  @Test("nrm2 does not overflow where the naive sum of squares would (Float)")
  func nrm2NoOverflow() {
    let x: [Float] = [1e30, 1e30]
    let norm = x.euclideanNorm
    #expect(norm.isFinite)
    #expect(abs(Double(norm) / 1.4142135623730951e30 - 1) < 1e-6)
  }
}
