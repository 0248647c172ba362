import HPOLinearAlgebra
import Testing

// Intel MKL's LAPACKE_dgesv example (row-major): A·X = B with the solution
// MKL prints to two decimals.
private let mklA: [[Double]] = [
  [6.80, -6.05, -0.45, 8.32, -9.67],
  [-2.11, -3.30, 2.58, 2.71, -5.14],
  [5.66, 5.36, -2.70, 4.35, -7.26],
  [5.97, -4.44, 0.27, -7.17, 6.08],
  [8.23, 1.08, 9.04, 2.14, -6.87],
]
private let mklB: [[Double]] = [
  [4.02, -1.56, 9.81],
  [6.19, 4.00, -4.09],
  [-8.22, -8.67, -4.57],
  [-7.57, 1.75, -8.61],
  [-3.03, 2.86, 8.99],
]
private let mklX: [[Double]] = [
  [-0.80, -0.39, 0.96],
  [-0.70, -0.55, 0.22],
  [0.59, 0.84, 1.90],
  [1.32, -0.10, 5.36],
  [0.57, 0.11, 4.04],
]

@Suite("General solve (gesv)")
struct SolveTests {
  @Test("the MKL dgesv example, to its printed two decimals", arguments: scalarTypes)
  func mklExample(_ type: any LinearAlgebraScalar.Type) throws {
    try checkMKLExample(type)
  }

  private func checkMKLExample<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let a = try matrix(t, mklA)
    let b = try matrix(t, mklB)
    let x = try a.solve(b)
    expectClose(x, mklX, tolerance: 0.005 + 1e-3)
    // And the residual A·X - B is at rounding level.
    var residual = b
    try residual.gemm(a, x, alpha: 1, beta: -1)
    let scale = Double(b.elements.euclideanNorm)
    #expect(Double(residual.elements.euclideanNorm) < tolerance(t) * scale)
  }

  @Test("a small system with an exact solution", arguments: scalarTypes)
  func exactSystem(_ type: any LinearAlgebraScalar.Type) throws {
    try checkExactSystem(type)
  }

  private func checkExactSystem<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    // [[1,2],[3,4]]·x = [5,6] ⇒ x = [-4, 4.5].
    let a = try matrix(t, [[1, 2], [3, 4]])
    expectClose(try a.solve(vector(t, [5, 6])), [-4, 4.5], tolerance: tolerance(t))
    // The input is not modified (value semantics around LAPACK's in-place work).
    #expect(a == (try matrix(t, [[1, 2], [3, 4]])))
  }

  @Test("exactly singular matrices throw singular with LAPACK's pivot", arguments: scalarTypes)
  func singular(_ type: any LinearAlgebraScalar.Type) throws {
    try checkSingular(type)
  }

  private func checkSingular<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let dependentRows = try matrix(t, [[1, 2], [2, 4]])
    let first = expectLinearAlgebraError { _ = try dependentRows.solve(vector(t, [1, 1])) }
    #expect(first?.code == .singular(pivot: 2))
    #expect(first?.description.contains("leastSquaresSVD") == true)
    let zeroColumn = try matrix(t, [[1, 0, 2], [3, 0, 4], [5, 0, 6]])
    let second = expectLinearAlgebraError { _ = try zeroColumn.solve(vector(t, [1, 2, 3])) }
    #expect(second?.code == .singular(pivot: 2))
  }
}

@Suite("Least squares (gels, gelsd)")
struct LeastSquaresTests {
  @Test("an exact line fit: y = 2 + 3x through four points", arguments: scalarTypes)
  func exactFit(_ type: any LinearAlgebraScalar.Type) throws {
    try checkExactFit(type)
  }

  private func checkExactFit<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let design = try matrix(t, [[1, 0], [1, 1], [1, 2], [1, 3]])
    let y = vector(t, [2, 5, 8, 11])
    expectClose(try design.leastSquares(y), [2, 3], tolerance: tolerance(t))
    let svd = try design.leastSquaresSVD(y)
    expectClose(svd.vector, [2, 3], tolerance: tolerance(t))
    #expect(svd.rank == 2)
  }

  @Test("an overdetermined fit with a closed form (Strang: C = 5, D = -3)", arguments: scalarTypes)
  func overdetermined(_ type: any LinearAlgebraScalar.Type) throws {
    try checkOverdetermined(type)
  }

  private func checkOverdetermined<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    // Points (0,6), (1,0), (2,0): normal equations [[3,3],[3,5]]·[C,D] = [6,0]
    // give C = 5, D = -3. Two right-hand sides at once: the exact line
    // 2 + 3t, and Strang's points.
    let design = try matrix(t, [[1, 0], [1, 1], [1, 2]])
    let b = try matrix(t, [[2, 6], [5, 0], [8, 0]])
    let expected: [[Double]] = [[2, 5], [3, -3]]
    expectClose(try design.leastSquares(b), expected, tolerance: tolerance(t))
    expectClose(try design.leastSquaresSVD(b).solution, expected, tolerance: tolerance(t))
    // The residual (1, -2, 1) is orthogonal to the columns.
    let x = try design.leastSquares(vector(t, [6, 0, 0]))
    var residual = vector(t, [6, 0, 0])
    try residual.axpy(-1, design * x)
    expectClose(residual, [1, -2, 1], tolerance: tolerance(t))
    expectClose(try design.gemv(residual, transpose: true), [0, 0], tolerance: tolerance(t))
  }

  @Test("underdetermined: the minimum-norm solution", arguments: scalarTypes)
  func underdetermined(_ type: any LinearAlgebraScalar.Type) throws {
    try checkUnderdetermined(type)
  }

  private func checkUnderdetermined<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    // x₁ + x₂ = 2 (and = 4): the shortest solutions are (1, 1) and (2, 2).
    let a = try matrix(t, [[1, 1]])
    let b = try matrix(t, [[2, 4]])
    expectClose(try a.leastSquares(b), [[1, 2], [1, 2]], tolerance: tolerance(t))
    expectClose(try a.leastSquaresSVD(b).solution, [[1, 2], [1, 2]], tolerance: tolerance(t))
  }

  @Test("rank deficiency: QR throws, SVD gives the minimum-norm solution", arguments: scalarTypes)
  func rankDeficient(_ type: any LinearAlgebraScalar.Type) throws {
    try checkRankDeficient(type)
  }

  private func checkRankDeficient<T: LinearAlgebraScalar>(_ t: T.Type) throws {
    let zeroColumn = try matrix(t, [[1, 0], [1, 0], [1, 0]])
    let y = vector(t, [1, 2, 3])
    let error = expectLinearAlgebraError { _ = try zeroColumn.leastSquares(y) }
    #expect(error?.code == .rankDeficient(diagonalIndex: 2))
    let svd = try zeroColumn.leastSquaresSVD(y)
    expectClose(svd.vector, [2, 0], tolerance: tolerance(t))
    #expect(svd.rank == 1)
    expectClose(svd.singularValues, [(3.0).squareRoot(), 0], tolerance: tolerance(t))
    #expect(svd.conditionNumber == .infinity)
    // Two identical columns: x₁ + x₂ = 2 has the minimum-norm answer (1, 1).
    let duplicated = try matrix(t, [[1, 1], [1, 1], [1, 1]])
    let collinear = try duplicated.leastSquaresSVD(vector(t, [2, 2, 2]), rcond: 1e-5)
    expectClose(collinear.vector, [1, 1], tolerance: tolerance(t))
    #expect(collinear.rank == 1)
  }

  @Test("rcond cuts off an ill-conditioned direction")
  func illConditioned() throws {
    // Columns differ by 1e-9: full rank in exact arithmetic, condition ~1e9.
    let a = try Matrix<Double>([[1, 1], [1, 1 + 1e-9], [1, 1]])
    let b: [Double] = [2, 2 + 1e-9, 2]  // exactly fit by (1, 1)
    let cut = try a.leastSquaresSVD(b, rcond: 1e-6)
    #expect(cut.rank == 1)
    expectClose(cut.vector, [1, 1], tolerance: 1e-6)
    let full = try a.leastSquaresSVD(b)
    #expect(full.rank == 2)
    #expect(full.conditionNumber > 1e8)
  }
}
