/// A dense matrix of `Float` or `Double`, stored row-major in one contiguous
/// array: element (i, j) is `elements[i * columns + j]`.
///
/// A value type with copy-on-write storage, so it is `Sendable` and copies are
/// cheap until mutated. Equality is exact, element by element. Shapes may be
/// empty (0 rows or 0 columns). Index errors trap like `Array`'s; shape errors
/// in operations throw ``LinearAlgebraError``.
public struct Matrix<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
  /// Number of rows, ≥ 0.
  public internal(set) var rows: Int
  /// Number of columns, ≥ 0.
  public internal(set) var columns: Int
  /// The row-major elements; `elements.count == rows * columns` always.
  public internal(set) var elements: [Scalar]

  /// A `rows`×`columns` matrix from row-major `elements`.
  /// - Throws: `.dimensionMismatch` if a dimension is negative or
  ///   `elements.count != rows * columns`. O(1) beyond the array copy.
  public init(rows: Int, columns: Int, elements: [Scalar]) throws {
    guard rows >= 0, columns >= 0, elements.count == rows * columns else {
      throw LinearAlgebraError.mismatch(
        "\(elements.count) elements cannot fill a \(rows)x\(columns) matrix",
        "Matrix.init(rows:columns:elements:)")
    }
    self.init(unchecked: rows, columns, elements)
  }

  /// A `rows`×`columns` matrix with every element `value` (zeros by default).
  /// - Precondition: `rows >= 0` and `columns >= 0`. O(rows·columns).
  public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    self.init(unchecked: rows, columns, [Scalar](repeating: value, count: rows * columns))
  }

  /// A matrix from an array of rows; `[]` is the 0×0 matrix.
  /// - Throws: `.dimensionMismatch` if the rows differ in length (ragged).
  public init(_ rowArrays: [[Scalar]]) throws {
    let columns = rowArrays.first?.count ?? 0
    if let bad = rowArrays.firstIndex(where: { $0.count != columns }) {
      throw LinearAlgebraError.mismatch(
        "row 0 has \(columns) elements but row \(bad) has \(rowArrays[bad].count)",
        "Matrix.init(_:)")
    }
    self.init(unchecked: rowArrays.count, columns, rowArrays.flatMap { $0 })
  }

  /// A column vector: a `vector.count`×1 matrix.
  public init(column vector: [Scalar]) {
    self.init(unchecked: vector.count, 1, vector)
  }

  /// A square matrix with `diagonal` on its diagonal and zeros elsewhere.
  public init(diagonal: [Scalar]) {
    let n = diagonal.count
    self.init(rows: n, columns: n)
    for i in 0..<n { elements[i * n + i] = diagonal[i] }
  }

  /// The n×n identity matrix. Precondition: `n >= 0`.
  public static func identity(_ n: Int) -> Matrix {
    Matrix(diagonal: [Scalar](repeating: 1, count: n))
  }

  init(unchecked rows: Int, _ columns: Int, _ elements: [Scalar]) {
    self.rows = rows
    self.columns = columns
    self.elements = elements
  }

  /// Whether `rows == columns`.
  public var isSquare: Bool { rows == columns }

  /// The shape as text, `"<rows>x<columns>"`, as error messages print it.
  public var shapeDescription: String { "\(rows)x\(columns)" }

  /// Element (row, column), 0-based. Traps when out of range. O(1).
  public subscript(row: Int, column: Int) -> Scalar {
    get {
      precondition(contains(row, column), "index (\(row), \(column)) outside \(shapeDescription)")
      return elements[row * columns + column]
    }
    set {
      precondition(contains(row, column), "index (\(row), \(column)) outside \(shapeDescription)")
      elements[row * columns + column] = newValue
    }
  }

  private func contains(_ row: Int, _ column: Int) -> Bool {
    row >= 0 && row < rows && column >= 0 && column < columns
  }

  /// Row `i` as an array of `columns` elements. Traps when out of range.
  public func row(_ i: Int) -> [Scalar] {
    precondition(i >= 0 && i < rows, "row \(i) outside \(shapeDescription)")
    return Array(elements[(i * columns)..<((i + 1) * columns)])
  }

  /// Column `j` as an array of `rows` elements. Traps when out of range. O(rows).
  public func column(_ j: Int) -> [Scalar] {
    precondition(j >= 0 && j < columns, "column \(j) outside \(shapeDescription)")
    return (0..<rows).map { elements[$0 * columns + j] }
  }

  /// The main diagonal, `min(rows, columns)` elements.
  public var diagonal: [Scalar] {
    (0..<Swift.min(rows, columns)).map { elements[$0 * columns + $0] }
  }

  /// The transpose, a `columns`×`rows` matrix. O(rows·columns).
  public func transposed() -> Matrix {
    var result = [Scalar](repeating: 0, count: elements.count)
    for i in 0..<rows {
      for j in 0..<columns { result[j * rows + i] = elements[i * columns + j] }
    }
    return Matrix(unchecked: columns, rows, result)
  }

  /// Adds `value` to every diagonal element, in place (e.g. ridge's λI or a
  /// Gaussian process's jitter). O(min(rows, columns)).
  public mutating func addToDiagonal(_ value: Scalar) {
    for i in 0..<Swift.min(rows, columns) { elements[i * columns + i] += value }
  }

  /// Gives `body` in-place access to the row-major elements, for refilling a
  /// matrix on a hot path without reallocating. The shape stays fixed.
  /// - Precondition: `body` leaves `elements.count` unchanged (traps otherwise).
  public mutating func modifyElements<R>(_ body: (inout [Scalar]) throws -> R) rethrows -> R {
    let count = elements.count
    defer { precondition(elements.count == count, "modifyElements changed the element count") }
    return try body(&elements)
  }
}

extension Matrix: CustomStringConvertible {
  /// The shape and the rows on one line, e.g. `"2x2 [[1.0, 2.0], [3.0, 4.0]]"`.
  public var description: String {
    let body = (0..<rows).map { "\(row($0))" }.joined(separator: ", ")
    return "\(shapeDescription) [\(body)]"
  }
}
