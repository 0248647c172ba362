/// Sorting of large `Double` columns for the KS test: an LSD radix sort on
/// order-preserving 64-bit keys (4 passes of 16 bits), several times faster
/// than the standard library's comparison sort on a million values.
enum RadixSort {
  /// Below this many values the standard library's sort is used.
  static let threshold = 4096

  /// `values` (no NaN) in ascending order.
  static func sorted(_ values: [Double]) -> [Double] {
    guard values.count >= threshold else { return values.sorted() }
    let n = values.count
    // Order-preserving keys: flip the sign bit of positives, every bit of negatives.
    var keys = values.map { v -> UInt64 in
      let bits = v.bitPattern
      return bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
    }
    var scratch = [UInt64](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 1 << 16)
    keys.withUnsafeMutableBufferPointer { keyBuffer in
      scratch.withUnsafeMutableBufferPointer { scratchBuffer in
        counts.withUnsafeMutableBufferPointer { count in
          var source = keyBuffer, target = scratchBuffer
          for pass in 0..<4 {
            let shift = UInt64(pass * 16)
            for k in 0..<count.count { count[k] = 0 }
            for key in source { count[Int((key >> shift) & 0xFFFF)] += 1 }
            var total = 0
            for k in 0..<count.count {
              let c = count[k]
              count[k] = total
              total += c
            }
            for key in source {
              let digit = Int((key >> shift) & 0xFFFF)
              target[count[digit]] = key
              count[digit] += 1
            }
            swap(&source, &target)
          }
          // Four passes: the sorted keys are back in `keys`.
        }
      }
    }
    return keys.map { key in
      Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }
  }
}
