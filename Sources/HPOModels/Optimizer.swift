import HPOCore
import HPOLinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The state of a first-order optimiser over a list of parameter tensors:
/// SGD's velocities, or Adam's first and second moments and step count.
/// Part of a checkpoint, so a resumed run continues exactly.
struct OptimizerState<S: ModelScalar>: Sendable, Equatable {
  var kind: OptimizerKind
  /// SGD: velocity v; Adam: first moment m. Same shapes as the parameters.
  var first: [Matrix<S>]
  /// Adam: second moment; empty for SGD.
  var second: [Matrix<S>]
  /// Updates applied so far (Adam's bias correction uses it).
  var step: Int

  static var beta1: Double { 0.9 }
  static var beta2: Double { 0.999 }
  static var epsilon: Double { 1e-8 }

  /// A fresh state (zero moments) for `parameters`. L-BFGS keeps its own
  /// state (``LBFGSState``), so it gets none here.
  init(kind: OptimizerKind, parameters: [Matrix<S>]) {
    self.kind = kind
    let zeros = parameters.map { Matrix<S>(rows: $0.rows, columns: $0.columns) }
    first = kind == .lbfgs ? [] : zeros
    second = kind == .adam ? zeros : []
    step = 0
  }

  init(kind: OptimizerKind, first: [Matrix<S>], second: [Matrix<S>], step: Int) {
    self.kind = kind
    self.first = first
    self.second = second
    self.step = step
  }

  /// Applies one update with `gradients` at `learningRate`, in place.
  /// `decay` (the L2 coefficient) adds decay·w to the gradient of the
  /// weight tensors (even indices) inside the same pass, instead of a
  /// separate pass over the weights.
  ///
  /// SGD: v ← μ·v + g; w ← w − η·v. Adam: m ← β₁m + (1−β₁)g,
  /// v ← β₂v + (1−β₂)g², w ← w − η_t·m/(√v + ε) with
  /// η_t = η·√(1−β₂ᵗ)/(1−β₁ᵗ). One fused, vectorisable pass per tensor.
  @_specialize(where S == Float)
  @_specialize(where S == Double)
  mutating func update(
    parameters: inout [Matrix<S>], gradients: [Matrix<S>], learningRate: Double, momentum: Double,
    decay: Double = 0
  ) {
    step += 1
    switch kind {
    case .sgd:
      let (lr, mu) = (S(learningRate), S(momentum))
      for t in parameters.indices {
        gradients[t].elements.withUnsafeBufferPointer { g in
          first[t].modifyElements { vs in
            vs.withUnsafeMutableBufferPointer { v in
              parameters[t].modifyElements { ws in
                ws.withUnsafeMutableBufferPointer { w in
                  guard let wp = w.baseAddress, let vp = v.baseAddress, let gp = g.baseAddress else { return }
                  Self.sgdKernel(wp, vp, gp, w.count, lr: lr, momentum: mu, decay: t % 2 == 0 ? S(decay) : 0)
                }
              }
            }
          }
        }
      }
    case .adam:
      let t = Double(step)
      let corrected = learningRate * (1 - pow(Self.beta2, t)).squareRoot() / (1 - pow(Self.beta1, t))
      let constants = AdamConstants(
        lr: S(corrected), b1: S(Self.beta1), b2: S(Self.beta2), c1: 1 - S(Self.beta1), c2: 1 - S(Self.beta2),
        eps: S(Self.epsilon))
      for k in parameters.indices {
        gradients[k].elements.withUnsafeBufferPointer { g in
          first[k].modifyElements { ms in
            ms.withUnsafeMutableBufferPointer { m in
              second[k].modifyElements { vs in
                vs.withUnsafeMutableBufferPointer { v in
                  parameters[k].modifyElements { ws in
                    ws.withUnsafeMutableBufferPointer { w in
                      guard let wp = w.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress,
                        let gp = g.baseAddress
                      else { return }
                      Self.adamKernel(wp, mp, vp, gp, w.count, constants, decay: k % 2 == 0 ? S(decay) : 0)
                    }
                  }
                }
              }
            }
          }
        }
      }
    case .lbfgs:
      preconditionFailure("L-BFGS does not take mini-batch steps")
    }
  }
}

struct AdamConstants<S: ModelScalar> {
  var lr, b1, b2, c1, c2, eps: S
}

extension OptimizerState {
  /// v ← μ·v + (g + λw); w ← w − η·v over `count` elements (a plain loop
  /// the compiler vectorises: pointers and constants are locals).
  @inline(__always)
  static func sgdKernel(
    _ w: UnsafeMutablePointer<S>, _ v: UnsafeMutablePointer<S>, _ g: UnsafePointer<S>, _ count: Int,
    lr: S, momentum: S, decay: S
  ) {
    for i in 0..<count {
      let vi = momentum * v[i] + (g[i] + decay * w[i])
      v[i] = vi
      w[i] -= lr * vi
    }
  }

  /// One Adam update over `count` elements. `v` is never negative, so
  /// `v.magnitude.squareRoot()` equals `v.squareRoot()`; written so, the
  /// compiler knows no libm error path is needed and vectorises the square root.
  @inline(__always)
  static func adamKernel(
    _ w: UnsafeMutablePointer<S>, _ m: UnsafeMutablePointer<S>, _ v: UnsafeMutablePointer<S>,
    _ g: UnsafePointer<S>, _ count: Int, _ k: AdamConstants<S>, decay: S
  ) {
    let (lr, b1, b2, c1, c2, eps) = (k.lr, k.b1, k.b2, k.c1, k.c2, k.eps)
    for i in 0..<count {
      let gi = g[i] + decay * w[i]
      let mi = b1 * m[i] + c1 * gi
      let vi = b2 * v[i] + c2 * gi * gi
      m[i] = mi
      v[i] = vi
      w[i] -= lr * mi / (vi.magnitude.squareRoot() + eps)
    }
  }
}

/// The learning rate of `schedule` at a step of a run of `totalEpochs`
/// epochs of `stepsPerEpoch` steps; see ``LearningRateSchedule``.
func scheduledLearningRate(
  _ base: Double, schedule: LearningRateSchedule, epoch: Int, step: Int, totalEpochs: Int, stepsPerEpoch: Int
) -> Double {
  switch schedule {
  case .constant:
    return base
  case .cosine:
    let total = Double(max(1, totalEpochs * stepsPerEpoch))
    return base * 0.5 * (1 + cos(Double.pi * min(Double(step), total) / total))
  case .step:
    var rate = base
    if epoch >= max(1, totalEpochs / 2) { rate *= 0.1 }
    if epoch >= max(1, (3 * totalEpochs) / 4) { rate *= 0.1 }
    return rate
  }
}
