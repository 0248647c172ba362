/// Loops over a row-major matrix held as raw bytes of `Float` or `Double`,
/// written once per element type so that they run at full speed whatever
/// generic code calls them.
enum RawMatrix {
  /// Per column: the smallest and largest non-NaN value and how many there are.
  static func columnRanges(
    _ bytes: UnsafeRawBufferPointer, type: DataType, rows: Int, columns: Int
  ) -> (min: [Double], max: [Double], count: [Int]) {
    switch type {
    case .float32: return ranges(bytes.bindMemory(to: Float.self), rows: rows, columns: columns)
    case .float64: return ranges(bytes.bindMemory(to: Double.self), rows: rows, columns: columns)
    }
  }

  private static func ranges<T: BinaryFloatingPoint>(
    _ values: UnsafeBufferPointer<T>, rows: Int, columns: Int
  ) -> (min: [Double], max: [Double], count: [Int]) {
    var low = [T](repeating: .infinity, count: columns)
    var high = [T](repeating: -.infinity, count: columns)
    var nan = [Int](repeating: 0, count: columns)
    var i = 0
    for _ in 0..<rows {
      for j in 0..<columns {
        let v = values[i]
        if v < low[j] { low[j] = v }
        if v > high[j] { high[j] = v }
        if v.isNaN { nan[j] += 1 }
        i += 1
      }
    }
    return (low.map { Double($0) }, high.map { Double($0) }, nan.map { rows - $0 })
  }

  /// Moves the rows without NaN to the front, keeping their order, and applies
  /// the same selection to `labels` and `lines`. Returns the rows kept.
  static func dropRowsWithNaN(
    _ bytes: UnsafeMutableRawBufferPointer, type: DataType, rows: Int, columns: Int,
    labels: inout [Double], lines: inout [Int]
  ) -> Int {
    switch type {
    case .float32:
      return drop(bytes.bindMemory(to: Float.self), rows: rows, columns: columns, labels: &labels, lines: &lines)
    case .float64:
      return drop(bytes.bindMemory(to: Double.self), rows: rows, columns: columns, labels: &labels, lines: &lines)
    }
  }

  private static func drop<T: BinaryFloatingPoint>(
    _ values: UnsafeMutableBufferPointer<T>, rows: Int, columns: Int,
    labels: inout [Double], lines: inout [Int]
  ) -> Int {
    var kept = 0
    for r in 0..<rows {
      let start = r * columns
      var hasNaN = false
      for j in 0..<columns where values[start + j].isNaN {
        hasNaN = true
        break
      }
      if hasNaN { continue }
      if kept != r {
        for j in 0..<columns { values[kept * columns + j] = values[start + j] }
        labels[kept] = labels[r]
        lines[kept] = lines[r]
      }
      kept += 1
    }
    labels.removeLast(rows - kept)
    lines.removeLast(rows - kept)
    return kept
  }
}

extension RawMatrix {
  /// Column `j` as `Double`s, NaN included.
  static func column(
    _ bytes: UnsafeRawBufferPointer, type: DataType, rows: Int, columns: Int, _ j: Int
  ) -> [Double] {
    func gather<T: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<T>) -> [Double] {
      [Double](unsafeUninitializedCapacity: rows) { out, count in
        var i = j
        for r in 0..<rows {
          out[r] = Double(values[i])
          i += columns
        }
        count = rows
      }
    }
    switch type {
    case .float32: return gather(bytes.bindMemory(to: Float.self))
    case .float64: return gather(bytes.bindMemory(to: Double.self))
    }
  }

  /// Replaces NaN in column j with `fill[j]`, then maps x to (x − shift[j]) / scale[j],
  /// computed in `Double` and rounded once to the element type.
  static func transform(
    _ bytes: UnsafeMutableRawBufferPointer, type: DataType, rows: Int, columns: Int,
    fill: [Double]?, shift: [Double]?, scale: [Double]?
  ) {
    func apply<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
      let fillT = fill.map { $0.map { T($0) } }
      let shiftD = shift ?? Array(repeating: 0, count: columns)
      let divisor = scale ?? Array(repeating: 1, count: columns)
      var i = 0
      for _ in 0..<rows {
        for j in 0..<columns {
          var v = values[i]
          if v.isNaN, let fillT { v = fillT[j] }
          if shift != nil || scale != nil { v = T((Double(v) - shiftD[j]) / divisor[j]) }
          values[i] = v
          i += 1
        }
      }
    }
    switch type {
    case .float32: apply(bytes.bindMemory(to: Float.self))
    case .float64: apply(bytes.bindMemory(to: Double.self))
    }
  }
}
