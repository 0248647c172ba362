import HPOLinearAlgebra
import Testing

/// Both precisions; tests taking this run once per scalar type.
let scalarTypes: [any LinearAlgebraScalar.Type] = [Float.self, Double.self]

/// A tolerance for results that go through a factorization: loose for Float.
func tolerance<T: LinearAlgebraScalar>(_: T.Type) -> Double {
  T.self == Float.self ? 1e-4 : 1e-10
}

/// A matrix from Double literals (exactly representable in both precisions
/// where tests need exact answers).
func matrix<T: LinearAlgebraScalar>(_: T.Type, _ rows: [[Double]]) throws -> Matrix<T> {
  try Matrix<T>(rows.map { $0.map { T($0) } })
}

func vector<T: LinearAlgebraScalar>(_: T.Type, _ values: [Double]) -> [T] {
  values.map { T($0) }
}

/// Expects `actual` to equal `expected` element-wise within `tolerance`.
func expectClose<T: LinearAlgebraScalar>(
  _ actual: [T], _ expected: [Double], tolerance: Double,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let values = actual.map { Double($0) }
  let close =
    values.count == expected.count
    && zip(values, expected).allSatisfy { abs($0 - $1) <= tolerance }
  #expect(close, "got \(values), expected \(expected) ± \(tolerance)", sourceLocation: sourceLocation)
}

/// Expects `actual` to have the given rows within `tolerance`.
func expectClose<T: LinearAlgebraScalar>(
  _ actual: Matrix<T>, _ expected: [[Double]], tolerance: Double,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let columns = expected.first?.count ?? 0
  #expect(
    actual.rows == expected.count && actual.columns == columns,
    "shape \(actual.shapeDescription), expected \(expected.count)x\(columns)",
    sourceLocation: sourceLocation)
  expectClose(actual.elements, expected.flatMap { $0 }, tolerance: tolerance, sourceLocation: sourceLocation)
}

/// Runs `body`, expecting it to throw a LinearAlgebraError; returns it.
func expectLinearAlgebraError(
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> LinearAlgebraError? {
  do {
    try body()
    Issue.record("expected a LinearAlgebraError, nothing was thrown", sourceLocation: sourceLocation)
  } catch let error as LinearAlgebraError {
    return error
  } catch {
    Issue.record("expected a LinearAlgebraError, got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}

extension LinearAlgebraError.Code {
  /// Whether this is a dimension mismatch whose text contains every fragment.
  func isMismatch(mentioning fragments: String...) -> Bool {
    guard case .dimensionMismatch(let text) = self else { return false }
    return fragments.allSatisfy { text.contains($0) }
  }
}
