extension Hypervolume {
  /// Two objectives: sorted by the first loss, each point adds the rectangle
  /// between it, the reference and the lowest second loss seen so far.
  static func sweep2D(_ losses: [[Double]], _ r: [Double]) -> Double {
    let sorted = losses.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
    var volume = 0.0
    var ceiling = r[1]
    for p in sorted where p[1] < ceiling {
      volume += (r[0] - p[0]) * (ceiling - p[1])
      ceiling = p[1]
    }
    return volume
  }

  /// Three objectives (the dimension sweep of HV3D, Beume et al. 2009, with
  /// a sorted array in place of their balanced tree): points in increasing
  /// third loss; between two consecutive levels the cross-section is the
  /// area the first two losses of the points seen so far dominate, kept up to
  /// date as each point is inserted into the staircase.
  static func sweep3D(_ losses: [[Double]], _ r: [Double]) -> Double {
    let sorted = losses.sorted { $0[2] < $1[2] }
    var staircase = Staircase(reference: (r[0], r[1]))
    var volume = 0.0
    var level = sorted.first?[2] ?? r[2]
    for p in sorted {
      volume += staircase.area * (p[2] - level)
      level = p[2]
      staircase.insert(p[0], p[1])
    }
    return volume + staircase.area * (r[2] - level)
  }
}

/// The non-dominated points of a set in two objectives (losses) and the area
/// they dominate up to a reference: x strictly increasing, y strictly
/// decreasing. Inserting a point updates the area by the part it adds.
struct Staircase {
  private var xs: [Double] = []
  private var ys: [Double] = []
  private let reference: (x: Double, y: Double)
  /// The area the points dominate up to the reference.
  private(set) var area = 0.0

  init(reference: (x: Double, y: Double)) {
    self.reference = reference
  }

  /// Adds point (x, y), strictly below the reference in both coordinates:
  /// nothing changes when a point already there weakly dominates it; otherwise
  /// the points it dominates leave and the area grows by what it adds.
  mutating func insert(_ x: Double, _ y: Double) {
    // i: the first point to the right of x.
    var low = 0
    var high = xs.count
    while low < high {
      let mid = (low + high) / 2
      if xs[mid] <= x { low = mid + 1 } else { high = mid }
    }
    let i = low
    // The lowest point at or left of x: if it is no higher, (x, y) is covered.
    if i > 0 && ys[i - 1] <= y { return }
    // A point straight above (same x) is dominated and goes too.
    let start = i > 0 && xs[i - 1] == x ? i - 1 : i
    let left = start > 0 ? ys[start - 1] : reference.y
    var added = ((start < xs.count ? xs[start] : reference.x) - x) * (left - y)
    var end = start
    while end < xs.count && ys[end] >= y {
      let right = end + 1 < xs.count ? xs[end + 1] : reference.x
      added += (right - xs[end]) * (ys[end] - y)
      end += 1
    }
    xs.replaceSubrange(start..<end, with: CollectionOfOne(x))
    ys.replaceSubrange(start..<end, with: CollectionOfOne(y))
    area += added
  }
}
