import HPOCore

/// Every trial's parameter values as numbers, one contiguous column per
/// parameter: the unit coordinate of a numeric value, the index of a
/// categorical choice, or NaN where the parameter is absent (inactive) or its
/// value is not in the domain (a history from an older space).
struct ObservationTable: Sendable {
  /// Column-major: `values[p * rowCount + t]` for parameter entry `p` and
  /// history index `t`; fixed parameters have columns of NaN.
  let values: [Double]
  let rowCount: Int

  @inline(__always)
  subscript(p: Int, t: Int) -> Double { values[p * rowCount + t] }

  init(layout: SpaceLayout, history: [TrialRecord]) {
    let n = history.count
    rowCount = n
    let entries = layout.entries
    let names = entries.map(\.name)
    let lengths = names.map(\.utf8.count)
    var values = [Double](repeating: .nan, count: entries.count * n)
    // Walking each configuration's own storage and matching names through a
    // table by UTF-8 length (most names of a space differ in length; the rest
    // are found by binary search) avoids hashing every name of every trial.
    // Numeric values are stored raw here and transformed per column below.
    let maxLength = lengths.max() ?? 0
    var byLength = [Int](repeating: -1, count: maxLength + 1)
    for (p, length) in lengths.enumerated() { byLength[length] = byLength[length] == -1 ? p : -2 }
    let sorted = names.enumerated().map { (name: $0.element, entry: $0.offset) }.sorted { $0.name < $1.name }
    values.withUnsafeMutableBufferPointer { out in
      history.withUnsafeBufferPointer { trials in
        for t in 0..<n {
          for (key, value) in trials[t].configuration.values {
            let length = key.utf8.count
            guard length <= maxLength else { continue }
            var p = byLength[length]
            if p >= 0 {
              guard names[p] == key else { continue }
            } else if p == -2 {
              // Names sharing this length: binary search among all names, sorted.
              var (lo, hi) = (0, sorted.count)
              while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid].name < key { lo = mid + 1 } else { hi = mid }
              }
              guard lo < sorted.count, sorted[lo].name == key else { continue }
              p = sorted[lo].entry
            } else {
              continue
            }
            switch entries[p].kind {
            case .numeric(let scale):
              if let x = scale.numeric(value) { out[p * n + t] = x }
            case .categorical(let choices):
              if let k = Self.index(of: value, in: choices) { out[p * n + t] = Double(k) }
            case .fixed:
              break
            }
          }
        }
      }
      for (p, entry) in entries.enumerated() {
        guard case .numeric(let scale) = entry.kind else { continue }
        let column = UnsafeMutableBufferPointer(rebasing: out[(p * n)..<(p * n + n)])
        if scale.isLog {
          for t in 0..<n where !column[t].isNaN { column[t] = Math.log(column[t]) }
        }
        let low = scale.tLow
        let inverseWidth = 1 / (scale.tHigh - scale.tLow)
        for t in 0..<n {
          let u = (column[t] - low) * inverseWidth
          column[t] = u < 0 ? 0 : (u > 1 ? 1 : u)
        }
      }
    }
    self.values = values
  }

  /// The index of `value` among `choices`; strings are compared by length first.
  @inline(__always)
  static func index(of value: ParameterValue, in choices: [ParameterValue]) -> Int? {
    guard case .string(let s) = value else { return choices.firstIndex(of: value) }
    let length = s.utf8.count
    for (k, c) in choices.enumerated() {
      if case .string(let cs) = c, cs.utf8.count == length, cs == s { return k }
    }
    return nil
  }
}
