/// Level-1 BLAS on plain arrays used as vectors (unit stride).
extension Array where Element: LinearAlgebraScalar {
  /// The dot product `xᵀy` (BLAS dot). O(n); 0 for empty arrays.
  /// - Throws: `.dimensionMismatch` when the counts differ; `.sizeOverflow`.
  public func dot(_ other: [Element]) throws -> Element {
    let operation = "Array.dot(_:)"
    guard count == other.count else {
      throw LinearAlgebraError.mismatch(
        "x has \(count) elements but y has \(other.count)", operation)
    }
    try checkBLASRange(count, operation: operation)
    if isEmpty { return 0 }
    let blas = Element._linearAlgebraRoutines
    return withUnsafeBufferPointer { px in
      other.withUnsafeBufferPointer { py in blas.dot(count, px.baseAddress!, py.baseAddress!) }
    }
  }

  /// `self ← alpha·x + self`, in place (BLAS axpy). O(n).
  /// - Throws: `.dimensionMismatch` when the counts differ; `.sizeOverflow`.
  public mutating func axpy(_ alpha: Element, _ x: [Element]) throws {
    let operation = "Array.axpy(_:_:)"
    guard count == x.count else {
      throw LinearAlgebraError.mismatch(
        "y (self) has \(count) elements but x has \(x.count)", operation)
    }
    try checkBLASRange(count, operation: operation)
    if isEmpty { return }
    let blas = Element._linearAlgebraRoutines
    let n = count
    x.withUnsafeBufferPointer { px in
      withUnsafeMutableBufferPointer { py in blas.axpy(n, alpha, px.baseAddress!, py.baseAddress!) }
    }
  }

  /// `self ← alpha·self`, in place (BLAS scal). O(n).
  /// - Precondition: `count <= Int32.max`.
  public mutating func scale(by alpha: Element) {
    precondition(count <= Int(Int32.max), "vector too long for BLAS")
    if isEmpty { return }
    let blas = Element._linearAlgebraRoutines
    let n = count
    withUnsafeMutableBufferPointer { px in blas.scal(n, alpha, px.baseAddress!) }
  }

  /// The Euclidean norm ‖x‖₂ (BLAS nrm2, which avoids overflow for large
  /// elements). O(n); 0 for an empty array.
  /// - Precondition: `count <= Int32.max`.
  public var euclideanNorm: Element {
    precondition(count <= Int(Int32.max), "vector too long for BLAS")
    if isEmpty { return 0 }
    let blas = Element._linearAlgebraRoutines
    return withUnsafeBufferPointer { px in blas.nrm2(count, px.baseAddress!) }
  }
}
