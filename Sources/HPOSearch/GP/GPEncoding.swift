import HPOCore

/// Configurations as points of [0, 1]^D for the GP: a numeric parameter is its
/// unit coordinate (log scale for log parameters, lattices continuous and
/// snapped when decoded), a categorical parameter is one-hot over its choices.
/// Inactive conditional parameters encode as 0.5 (numeric) or all zeros.
struct GPEncoding {
  enum Slot {
    case numeric(entry: Int, dimension: Int, scale: NumericScale)
    case categorical(entry: Int, first: Int, count: Int)
  }

  let slots: [Slot]
  let dimensions: Int
  /// Dimensions that are continuous (numeric), optimised by gradient.
  let numericDimensions: [Int]

  init(_ layout: SpaceLayout) {
    var slots: [Slot] = []
    var dimension = 0
    var numeric: [Int] = []
    for i in layout.searched {
      switch layout.entries[i].kind {
      case .numeric(let scale):
        slots.append(.numeric(entry: i, dimension: dimension, scale: scale))
        numeric.append(dimension)
        dimension += 1
      case .categorical(let choices):
        slots.append(.categorical(entry: i, first: dimension, count: choices.count))
        dimension += choices.count
      case .fixed:
        break
      }
    }
    self.slots = slots
    dimensions = dimension
    numericDimensions = numeric
  }

  /// Row `t` of the observation table as a point (appended to `out`).
  func encode(_ table: ObservationTable, row t: Int, into out: inout [Double]) {
    for slot in slots {
      switch slot {
      case .numeric(let entry, _, _):
        let u = table[entry, t]
        out.append(u.isNaN ? 0.5 : u)
      case .categorical(let entry, _, let count):
        let k = table[entry, t]
        for c in 0..<count { out.append(!k.isNaN && Int(k) == c ? 1 : 0) }
      }
    }
  }

  /// The configuration at `point`: values snapped into their domains, the
  /// argmax of each one-hot block, inactive parameters left out.
  func decode(_ point: [Double], layout: SpaceLayout) -> Configuration {
    var values: [Int: ParameterValue] = [:]
    for slot in slots {
      switch slot {
      case .numeric(let entry, let dimension, let scale):
        values[entry] = scale.parameterValue(scale.nearestValue(toUnit: point[dimension]))
      case .categorical(let entry, let first, let count):
        guard case .categorical(let choices) = layout.entries[entry].kind else { continue }
        var best = 0
        for c in 1..<Swift.max(count, 1) where point[first + c] > point[first + best] { best = c }
        values[entry] = choices[best]
      }
    }
    var config = Configuration()
    for i in layout.order where layout.isActive(i, in: config) {
      if case .fixed(let v) = layout.entries[i].kind {
        config.values[layout.entries[i].name] = v
      } else if let v = values[i] {
        config.values[layout.entries[i].name] = v
      }
    }
    return config
  }
}
