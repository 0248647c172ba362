import HPOLinearAlgebra
import Testing

/// Shape errors are thrown before any C call, and name the shapes.
@Suite("Dimension mismatches")
struct DimensionErrorTests {
  @Test("gemm: inner dimensions and output shape", arguments: scalarTypes)
  func gemm(_ type: any LinearAlgebraScalar.Type) throws {
    try checkGemm(type)
  }

  private func checkGemm<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = Matrix<T>(rows: 2, columns: 3)
    let inner = expectLinearAlgebraError { _ = try a * a }
    #expect(inner?.code.isMismatch(mentioning: "A is 2x3", "B is 2x3", "inner dimensions 3 and 2") == true)
    #expect(inner?.operation == "Matrix.gemm(_:_:transposeA:transposeB:alpha:beta:)")
    // Transposing one side makes it fit: Aᵀ·A is 3x3.
    #expect(try Matrix.matmul(a, a, transposeA: true).shapeDescription == "3x3")
    var c = Matrix<T>(rows: 3, columns: 3, repeating: 7)
    let output = expectLinearAlgebraError { try c.gemm(a, a, transposeB: true) }
    #expect(output?.code.isMismatch(mentioning: "is 2x2", "output C is 3x3") == true)
    #expect(c == Matrix<T>(rows: 3, columns: 3, repeating: 7))  // untouched
  }

  @Test("gemv, dot and axpy", arguments: scalarTypes)
  func vectors(_ type: any LinearAlgebraScalar.Type) throws {
    try checkVectors(type)
  }

  private func checkVectors<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = Matrix<T>(rows: 2, columns: 3)
    let x = expectLinearAlgebraError { _ = try a * [1, 2] }
    #expect(x?.code.isMismatch(mentioning: "A is 2x3", "x has 2") == true)
    var y: [T] = [0, 0, 0]
    let yError = expectLinearAlgebraError { try a.gemv([1, 2, 3], into: &y) }
    #expect(yError?.code.isMismatch(mentioning: "y has 3") == true)
    let dot = expectLinearAlgebraError { _ = try ([1, 2] as [T]).dot([1, 2, 3]) }
    #expect(dot?.code.isMismatch(mentioning: "2 elements", "3") == true)
    var z: [T] = [1, 2]
    let axpy = expectLinearAlgebraError { try z.axpy(1, [1]) }
    #expect(axpy?.code.isMismatch(mentioning: "2 elements", "x has 1") == true)
    #expect(z == [1, 2])
  }

  @Test("solvers: square coefficient matrix and matching right-hand side", arguments: scalarTypes)
  func solvers(_ type: any LinearAlgebraScalar.Type) throws {
    try checkSolvers(type)
  }

  private func checkSolvers<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let wide = Matrix<T>(rows: 2, columns: 3)
    let identity = Matrix<T>.identity(3)
    let notSquare = expectLinearAlgebraError { _ = try wide.solve(Matrix(rows: 2, columns: 1)) }
    #expect(notSquare?.code.isMismatch(mentioning: "A is 2x3", "B is 2x1") == true)
    let rhs = expectLinearAlgebraError { _ = try identity.solve([1, 2]) }
    #expect(rhs?.code.isMismatch(mentioning: "A is 3x3", "B is 2x1") == true)
    let posv = expectLinearAlgebraError { _ = try identity.solvePositiveDefinite([1]) }
    #expect(posv?.code.isMismatch(mentioning: "B is 1x1") == true)
    let chol = expectLinearAlgebraError { _ = try wide.cholesky() }
    #expect(chol?.code.isMismatch(mentioning: "square", "2x3") == true)
    let factor = try identity.cholesky()
    let solve = expectLinearAlgebraError { _ = try factor.solve([1, 2]) }
    #expect(solve?.code.isMismatch(mentioning: "3x3", "B is 2x1") == true)
    let lower = expectLinearAlgebraError { _ = try factor.solveLower(Matrix(rows: 4, columns: 2)) }
    #expect(lower?.code.isMismatch(mentioning: "B is 4x2") == true)
    let gels = expectLinearAlgebraError { _ = try wide.leastSquares([1, 2, 3]) }
    #expect(gels?.code.isMismatch(mentioning: "A is 2x3", "B is 3x1") == true)
    let gelsd = expectLinearAlgebraError { _ = try wide.leastSquaresSVD([1]) }
    #expect(gelsd?.code.isMismatch(mentioning: "B is 1x1") == true)
  }

  @Test("construction: element count and ragged rows")
  func construction() {
    let count = expectLinearAlgebraError { _ = try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
    #expect(count?.code.isMismatch(mentioning: "3 elements", "2x2") == true)
    let ragged = expectLinearAlgebraError { _ = try Matrix<Float>([[1, 2], [3]]) }
    #expect(ragged?.code.isMismatch(mentioning: "row 1 has 1") == true)
    #expect(ragged?.description.contains("dimension mismatch") == true)
  }
}
