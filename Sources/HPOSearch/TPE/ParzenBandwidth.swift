/// Optuna's kernel bandwidths for one dimension of a Parzen estimator, in unit
/// coordinates: each kernel's σ is the larger gap to its sorted neighbours
/// (the ends of [0, 1] count as neighbours), the outermost kernels take their
/// inner gap (`consider_endpoints = false`), and every σ is clipped to
/// [1 / min(100, n + 2), 1] (the "magic clip", n observations plus the prior).
enum ParzenBandwidth {
  /// Writes the σ of each of the `mu.count` observation kernels into `sigma`.
  /// `order` is scratch space of at least `mu.count` elements.
  static func neighbourSigmas(
    _ mu: UnsafeBufferPointer<Double>, into sigma: UnsafeMutableBufferPointer<Double>,
    scratch order: inout [UInt64], considerEndpoints: Bool = false, minSigma: Double, maxSigma: Double = 1
  ) {
    let n = mu.count
    guard n > 0 else { return }
    sortedOrder(mu, into: &order)
    order.withUnsafeBufferPointer { order in
      @inline(__always) func at(_ k: Int) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        return mu[Int(truncatingIfNeeded: order[k] & 0xFFFF_FFFF)]
      }
      for k in 0..<n {
        var s = Swift.max(at(k) - at(k - 1), at(k + 1) - at(k))
        if !considerEndpoints, n >= 2 {
          if k == 0 { s = at(1) - at(0) } else if k == n - 1 { s = at(n - 1) - at(n - 2) }
        }
        sigma[Int(truncatingIfNeeded: order[k] & 0xFFFF_FFFF)] = Swift.min(Swift.max(s, minSigma), maxSigma)
      }
    }
  }

  /// Indices of `mu` in ascending order (stable), each packed in the low 32
  /// bits of `order[k]` under a 24-bit quantised key: values closer than 2⁻²⁴
  /// may come out in index order, which changes no gap by more than 6·10⁻⁸,
  /// far below the smallest bandwidth (10⁻²).
  static func sortedOrder(_ mu: UnsafeBufferPointer<Double>, into order: inout [UInt64]) {
    let n = mu.count
    if order.count < n { order = [UInt64](repeating: 0, count: n) }
    order.withUnsafeMutableBufferPointer { order in
      for i in 0..<n {
        let u = Swift.min(Swift.max(mu[i], 0), 1)
        let key = UInt64(u * 16_777_215.0)
        order[i] = key << 40 | UInt64(i)
      }
      if n <= 48 {
        // Insertion sort: packed keys are distinct (they carry the index), so it is stable.
        for i in 1..<Swift.max(n, 1) {
          let v = order[i]
          var j = i - 1
          while j >= 0 && order[j] > v {
            order[j + 1] = order[j]
            j -= 1
          }
          order[j + 1] = v
        }
        return
      }
      // LSD radix sort on the three key bytes (bits 40–63), stable.
      var tmp = [UInt64](repeating: 0, count: n)
      tmp.withUnsafeMutableBufferPointer { tmp in
        var src = UnsafeMutableBufferPointer(rebasing: order[0..<n])
        var dst = tmp
        var counts = [Int](repeating: 0, count: 256)
        counts.withUnsafeMutableBufferPointer { counts in
          for pass in 0..<3 {
            let shift = UInt64(40 + 8 * pass)
            for b in 0..<256 { counts[b] = 0 }
            for i in 0..<n { counts[Int(truncatingIfNeeded: (src[i] >> shift) & 0xFF)] += 1 }
            var total = 0
            for b in 0..<256 {
              let c = counts[b]
              counts[b] = total
              total += c
            }
            for i in 0..<n {
              let v = src[i]
              let b = Int(truncatingIfNeeded: (v >> shift) & 0xFF)
              dst[counts[b]] = v
              counts[b] += 1
            }
            swap(&src, &dst)
          }
        }
        // Three passes leave the sorted data in `tmp`.
        _ = UnsafeMutableBufferPointer(rebasing: order[0..<n]).update(fromContentsOf: tmp)
      }
    }
  }
}
