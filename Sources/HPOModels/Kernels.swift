import HPOCore
import HPOLinearAlgebra

/// Elementwise loops of the network layers, on a matrix's contiguous
/// storage. Everything O(rows·columns) that is not a gemm lives here; all of
/// it is vectorisable straight-line code over whole batches (never a loop
/// per sample calling into BLAS).
enum Kernels {
  /// Every row of `z` ← `bias` (a 1×n matrix): the `beta = 1` start of
  /// z = x·W + b.
  static func broadcastRows<S: ModelScalar>(_ bias: Matrix<S>, into z: inout Matrix<S>) {
    let n = z.columns
    let rows = z.rows
    bias.elements.withUnsafeBufferPointer { b in
      z.modifyElements { storage in
        storage.withUnsafeMutableBufferPointer { out in
          guard let base = out.baseAddress, let source = b.baseAddress else { return }
          for i in 0..<rows { (base + i * n).update(from: source, count: n) }
        }
      }
    }
  }

  /// h ← f(z) elementwise. Shapes equal.
  static func activate<S: ModelScalar>(_ f: Activation, _ z: Matrix<S>, into h: inout Matrix<S>) {
    z.elements.withUnsafeBufferPointer { zp in
      h.modifyElements { storage in
        storage.withUnsafeMutableBufferPointer { hp in
          let count = zp.count
          switch f {
          case .relu:
            if let h = hp.baseAddress, let z = zp.baseAddress { S.relu(z, into: h, count: count) }
          case .tanh:
            for i in 0..<count { hp[i] = S.tanh(zp[i]) }
          case .gelu:
            let invSqrt2 = S(0.70710678118654752440)
            for i in 0..<count {
              let x = zp[i]
              hp[i] = S(0.5) * x * (1 + S.erf(x * invSqrt2))
            }
          }
        }
      }
    }
  }

  /// delta ← delta ⊙ f′(z), with h = f(z) available (tanh uses it).
  static func multiplyByDerivative<S: ModelScalar>(
    _ f: Activation, z: Matrix<S>, h: Matrix<S>, delta: inout Matrix<S>
  ) {
    z.elements.withUnsafeBufferPointer { zp in
      h.elements.withUnsafeBufferPointer { hp in
        delta.modifyElements { storage in
          storage.withUnsafeMutableBufferPointer { dp in
            let count = dp.count
            switch f {
            case .relu:
              if let d = dp.baseAddress, let z = zp.baseAddress { S.reluDerivative(z, delta: d, count: count) }
            case .tanh:
              for i in 0..<count { dp[i] *= 1 - hp[i] * hp[i] }
            case .gelu:
              let invSqrt2 = S(0.70710678118654752440)
              let invSqrt2Pi = S(0.39894228040143267794)
              for i in 0..<count {
                let x = zp[i]
                let cdf = S(0.5) * (1 + S.erf(x * invSqrt2))
                let pdf = invSqrt2Pi * S.exp(-S(0.5) * x * x)
                dp[i] *= cdf + x * pdf
              }
            }
          }
        }
      }
    }
  }

  /// a ← a ⊙ m elementwise. Shapes equal.
  static func multiply<S: ModelScalar>(_ a: inout Matrix<S>, by m: Matrix<S>) {
    m.elements.withUnsafeBufferPointer { mp in
      a.modifyElements { storage in
        storage.withUnsafeMutableBufferPointer { ap in
          for i in 0..<ap.count { ap[i] *= mp[i] }
        }
      }
    }
  }

  /// out ← a ⊙ m elementwise. Shapes equal.
  static func product<S: ModelScalar>(_ a: Matrix<S>, _ m: Matrix<S>, into out: inout Matrix<S>) {
    a.elements.withUnsafeBufferPointer { ap in
      m.elements.withUnsafeBufferPointer { mp in
        out.modifyElements { storage in
          storage.withUnsafeMutableBufferPointer { op in
            for i in 0..<op.count { op[i] = ap[i] * mp[i] }
          }
        }
      }
    }
  }

  /// Fills `mask` with inverted-dropout factors: 0 with probability `rate`,
  /// else 1/(1 − rate). One draw of `rng` per element, in row-major order.
  static func dropoutMask<S: ModelScalar>(_ mask: inout Matrix<S>, rate: Double, rng: inout SeededGenerator) {
    let keep = S(1 / (1 - rate))
    // Drop when the 64-bit draw falls below rate·2⁶⁴.
    let threshold = UInt64(min(rate * 0x1p64, 0x1p64 - 2048))
    mask.modifyElements { storage in
      storage.withUnsafeMutableBufferPointer { mp in
        for i in 0..<mp.count { mp[i] = rng.next() < threshold ? 0 : keep }
      }
    }
  }

  /// Row-wise softmax of `z` into `p`; returns nothing. Stable (subtracts
  /// each row's maximum).
  static func softmaxRows<S: ModelScalar>(_ z: Matrix<S>, into p: inout Matrix<S>) {
    let k = z.columns
    z.elements.withUnsafeBufferPointer { zp in
      p.modifyElements { storage in
        storage.withUnsafeMutableBufferPointer { pp in
          for i in 0..<z.rows {
            let row = i * k
            var m = zp[row]
            for j in 1..<k where zp[row + j] > m { m = zp[row + j] }
            var sum = S(0)
            for j in 0..<k {
              let e = S.exp(zp[row + j] - m)
              pp[row + j] = e
              sum += e
            }
            let inv = 1 / sum
            for j in 0..<k { pp[row + j] *= inv }
          }
        }
      }
    }
  }

  /// Softmax cross-entropy of logits `z` against class `labels`: fills
  /// `p` with the probabilities and `delta` with ∂L/∂z = (p − onehot)/normalizer,
  /// and returns Σ −log p(label) over the rows (in `Double`; the caller
  /// divides). log p is taken from the logits, so it is finite even where p
  /// underflows.
  static func softmaxCrossEntropy<S: ModelScalar>(
    logits z: Matrix<S>, labels: [Int], normalizer: Int, probabilities p: inout Matrix<S>,
    delta: inout Matrix<S>
  ) -> Double {
    let k = z.columns
    let scale = S(1 / Double(normalizer))
    var total = 0.0
    z.elements.withUnsafeBufferPointer { zp in
      p.modifyElements { storage in
        storage.withUnsafeMutableBufferPointer { pp in
          delta.modifyElements { deltaStorage in
            deltaStorage.withUnsafeMutableBufferPointer { dp in
              for i in 0..<z.rows {
                let row = i * k
                var m = zp[row]
                for j in 1..<k where zp[row + j] > m { m = zp[row + j] }
                var sum = S(0)
                for j in 0..<k {
                  let e = S.exp(zp[row + j] - m)
                  pp[row + j] = e
                  sum += e
                }
                let inv = 1 / sum
                for j in 0..<k {
                  pp[row + j] *= inv
                  dp[row + j] = pp[row + j] * scale
                }
                let y = labels[i]
                dp[row + y] -= scale
                total -= Double(zp[row + y] - m) - Double(S.log(sum))
              }
            }
          }
        }
      }
    }
    return total
  }

  /// Half squared error of single-output predictions `z` (rows×1) against
  /// `targets`: fills `delta` with (z − t)/normalizer and returns
  /// Σ (z − t)²/2 in `Double`.
  static func halfSquaredError<S: ModelScalar>(
    predictions z: Matrix<S>, targets: [S], normalizer: Int, delta: inout Matrix<S>
  ) -> Double {
    let scale = S(1 / Double(normalizer))
    var total = 0.0
    z.elements.withUnsafeBufferPointer { zp in
      delta.modifyElements { storage in
        storage.withUnsafeMutableBufferPointer { dp in
          for i in 0..<zp.count {
            let r = zp[i] - targets[i]
            dp[i] = r * scale
            total += Double(r) * Double(r) / 2
          }
        }
      }
    }
    return total
  }

  /// Copies rows `order[range]` of `source` (n×d) into `destination`
  /// (range.count × d), in that order.
  static func gatherRows<S: ModelScalar>(
    _ source: Matrix<S>, order: [Int], range: Range<Int>, into destination: inout Matrix<S>
  ) {
    let d = source.columns
    source.elements.withUnsafeBufferPointer { sp in
      destination.modifyElements { storage in
        storage.withUnsafeMutableBufferPointer { dp in
          guard let s = sp.baseAddress, let o = dp.baseAddress else { return }
          for (t, i) in order[range].enumerated() { (o + t * d).update(from: s + i * d, count: d) }
        }
      }
    }
  }

  /// Whether every element is finite.
  static func allFinite<S: ModelScalar>(_ m: Matrix<S>) -> Bool {
    m.elements.withUnsafeBufferPointer { p in
      var ok = true
      for v in p where !v.isFinite { ok = false }
      return ok
    }
  }
}
