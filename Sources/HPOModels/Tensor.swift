import HPOLinearAlgebra

/// A checkpointed tensor's elements in their own precision, compared bit
/// for bit (so NaN payloads and −0 round-trip and compare exactly).
enum TensorStorage: Sendable, Equatable {
  case float32([Float])
  case float64([Double])

  var count: Int {
    switch self {
    case .float32(let v): return v.count
    case .float64(let v): return v.count
    }
  }

  static func == (a: TensorStorage, b: TensorStorage) -> Bool {
    switch (a, b) {
    case (.float32(let x), .float32(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
    case (.float64(let x), .float64(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
    default: return false
    }
  }
}

/// A rows×columns matrix as stored in a checkpoint.
struct Tensor: Sendable, Equatable {
  var rows: Int
  var columns: Int
  var storage: TensorStorage

  init<S: ModelScalar>(_ m: Matrix<S>) {
    rows = m.rows
    columns = m.columns
    storage = S.storage(m.elements)
  }

  init(rows: Int, columns: Int, storage: TensorStorage) {
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// A `Double` vector as a 1×n tensor.
  init(vector: [Double]) {
    self.init(rows: 1, columns: vector.count, storage: .float64(vector))
  }

  /// The tensor as a matrix of `S`, or `nil` when it holds the other precision.
  func matrix<S: ModelScalar>(_ type: S.Type = S.self) -> Matrix<S>? {
    guard let values = S.values(storage), values.count == rows * columns else { return nil }
    // The count was checked just above, the only way Matrix's initialiser fails.
    return try? Matrix(rows: rows, columns: columns, elements: values)
  }

  /// The elements as `Double`s (exact for both precisions).
  var doubles: [Double] {
    switch storage {
    case .float32(let v): return v.map(Double.init)
    case .float64(let v): return v
    }
  }
}
