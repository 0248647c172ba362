import HPOLinearAlgebra

/// A Gaussian-process regressor with a Matérn-5/2 ARD kernel,
/// k(x, x′) = s·m(r), m(r) = (1 + √5·r + 5r²/3)·e^(−√5·r), r² = Σ_d λ_d (x_d − x′_d)²,
/// and Gaussian noise ν, as Optuna's GPSampler: the hyperparameters (inverse
/// squared length scales λ, signal variance s, noise ν ≥ 10⁻⁶) maximise the log
/// marginal likelihood plus Optuna's log prior, by L-BFGS on their logarithms
/// with the analytic gradient. Inputs are in [0, 1]; targets standardised.
struct GaussianProcess {
  static let minimumNoise = 1e-6
  static let sqrt5 = 2.236_067_977_499_789_8

  /// Training inputs, row-major n × d.
  let x: [Double]
  let n: Int
  let d: Int
  private(set) var lambda: [Double]
  private(set) var scale: Double
  private(set) var noise: Double
  /// K⁻¹y, and K⁻¹ (row-major), of the training data with the fitted hyperparameters.
  private(set) var alpha: [Double] = []
  private(set) var inverse: [Double] = []

  /// Length scales 1/√λ.
  var lengthScales: [Double] { lambda.map { 1 / $0.squareRoot() } }

  /// Fits the hyperparameters to (x, y) from `starts` initial points (the
  /// first: every λ = 1, s = 1, ν = 1, Optuna's defaults; later ones shorten
  /// the length scales), keeping the best. `nil` when no fit succeeds.
  static func fit(x: [Double], n: Int, d: Int, y: [Double], starts: Int = 2, maxIterations: Int = 60) -> GaussianProcess? {
    let objective = MarginalLikelihood(x: x, n: n, d: d, y: y)
    var lower = [Double](repeating: -9, count: d + 2)
    var upper = [Double](repeating: 9, count: d + 2)
    lower[d] = -9; upper[d] = 6
    lower[d + 1] = -14; upper[d + 1] = 3
    var best: (x: [Double], value: Double)?
    for start in 0..<Swift.max(starts, 1) {
      var rho = [Double](repeating: Math.log(Double(1 + 7 * start)), count: d + 2)
      rho[d] = 0
      rho[d + 1] = start == 0 ? Math.log(1 - 0.99 * minimumNoise) : Math.log(0.01)
      let lbfgs = LBFGS(maxIterations: maxIterations, gradientTolerance: 1e-3)
      let result = lbfgs.minimize(rho, lower: lower, upper: upper) { p, g in objective.evaluate(p, gradient: &g) }
      if result.value.isFinite, best.map({ result.value < $0.value }) ?? true { best = result }
    }
    guard let best else { return nil }
    let p = MarginalLikelihood.parameters(best.x, d: d)
    var gp = GaussianProcess(x: x, n: n, d: d, lambda: p.lambda, scale: p.scale, noise: p.noise)
    guard gp.condition(on: y) else { return nil }
    return gp
  }

  init(x: [Double], n: Int, d: Int, lambda: [Double], scale: Double, noise: Double) {
    self.x = x
    self.n = n
    self.d = d
    self.lambda = lambda
    self.scale = scale
    self.noise = noise
  }

  /// The same hyperparameters on other data (pending points added); call
  /// ``condition(on:)`` before predicting.
  func withData(x: [Double], n: Int) -> GaussianProcess {
    GaussianProcess(x: x, n: n, d: d, lambda: lambda, scale: scale, noise: noise)
  }

  /// Computes α = K⁻¹y and K⁻¹ for targets `y`; false if K is not positive definite.
  mutating func condition(on y: [Double]) -> Bool {
    var k = [Double](repeating: 0, count: n * n)
    Self.covariance(x, n: n, d: d, lambda: lambda, scale: scale, noise: noise, into: &k)
    // A kernel matrix that is not positive definite (duplicate points, extreme length scales)
    // makes these fail: the caller then keeps its previous fit or falls back (documented there).
    guard let matrix = try? Matrix(rows: n, columns: n, elements: k),
      let factor = try? matrix.cholesky(),
      let a = try? factor.solve(y),
      let inv = try? factor.inverse()
    else { return false }
    alpha = a
    inverse = inv.elements
    return true
  }

  /// Writes K = s·m(r) + ν·I for the rows of `x`.
  static func covariance(_ x: [Double], n: Int, d: Int, lambda: [Double], scale: Double, noise: Double, into k: inout [Double]) {
    x.withUnsafeBufferPointer { xp in
      lambda.withUnsafeBufferPointer { lp in
        k.withUnsafeMutableBufferPointer { kp in
          for a in 0..<n {
            kp[a * n + a] = scale + noise
            for b in 0..<a {
              var q = 0.0
              for j in 0..<d {
                let t = xp[a * d + j] - xp[b * d + j]
                q += lp[j] * t * t
              }
              let r = (q * 5).squareRoot()
              let v = scale * (1 + r + r * r / 3) * Math.exp(-r)
              kp[a * n + b] = v
              kp[b * n + a] = v
            }
          }
        }
      }
    }
  }

  /// Posterior means and latent variances at `count` points (row-major,
  /// count × d), through one BLAS product K*·K⁻¹.
  func predictBatch(_ points: [Double], count m: Int) -> (means: [Double], variances: [Double]) {
    var kStar = [Double](repeating: 0, count: m * n)
    points.withUnsafeBufferPointer { pp in
      x.withUnsafeBufferPointer { xp in
        lambda.withUnsafeBufferPointer { lp in
          kStar.withUnsafeMutableBufferPointer { kp in
            for c in 0..<m {
              for i in 0..<n {
                var q = 0.0
                for j in 0..<d {
                  let t = pp[c * d + j] - xp[i * d + j]
                  q += lp[j] * t * t
                }
                let r = (q * 5).squareRoot()
                kp[c * n + i] = scale * (1 + r + r * r / 3) * Math.exp(-r)
              }
            }
          }
        }
      }
    }
    var means = [Double](repeating: 0, count: m)
    var variances = [Double](repeating: scale, count: m)
    // Shapes are consistent by construction; a failure leaves the prior (mean 0, variance = scale).
    guard let kMatrix = try? Matrix(rows: m, columns: n, elements: kStar),
      let inv = try? Matrix(rows: n, columns: n, elements: inverse),
      let product = try? kMatrix * inv,
      let mu = try? kMatrix * alpha
    else { return (means, variances) }
    means = mu
    product.elements.withUnsafeBufferPointer { vp in
      kStar.withUnsafeBufferPointer { kp in
        for c in 0..<m {
          var quad = 0.0
          for i in 0..<n { quad += kp[c * n + i] * vp[c * n + i] }
          variances[c] = Swift.max(scale - quad, 1e-12 * scale)
        }
      }
    }
    return (means, variances)
  }

  /// Posterior mean and latent variance at `point` (d values), with their
  /// gradients with respect to the point when `gradient` is requested.
  func predict(
    _ point: UnsafeBufferPointer<Double>, kStar: inout [Double], kInvKStar: inout [Double],
    meanGradient: UnsafeMutableBufferPointer<Double>?, varianceGradient: UnsafeMutableBufferPointer<Double>?
  ) -> (mean: Double, variance: Double) {
    var mean = 0.0
    x.withUnsafeBufferPointer { xp in
      lambda.withUnsafeBufferPointer { lp in
        alpha.withUnsafeBufferPointer { ap in
          kStar.withUnsafeMutableBufferPointer { kp in
            for i in 0..<n {
              var q = 0.0
              for j in 0..<d {
                let t = point[j] - xp[i * d + j]
                q += lp[j] * t * t
              }
              let r = (q * 5).squareRoot()
              let v = scale * (1 + r + r * r / 3) * Math.exp(-r)
              kp[i] = v
              mean += v * ap[i]
            }
          }
        }
      }
    }
    var quad = 0.0
    inverse.withUnsafeBufferPointer { ip in
      kStar.withUnsafeBufferPointer { kp in
        kInvKStar.withUnsafeMutableBufferPointer { out in
          for a in 0..<n {
            var s = 0.0
            let row = ip.baseAddress! + a * n
            for b in 0..<n { s += row[b] * kp[b] }
            out[a] = s
            quad += kp[a] * s
          }
        }
      }
    }
    let variance = Swift.max(scale - quad, 1e-12 * scale)
    if let mg = meanGradient, let vg = varianceGradient {
      for j in 0..<d {
        mg[j] = 0
        vg[j] = 0
      }
      x.withUnsafeBufferPointer { xp in
        lambda.withUnsafeBufferPointer { lp in
          alpha.withUnsafeBufferPointer { ap in
            kInvKStar.withUnsafeBufferPointer { cp in
              for i in 0..<n {
                var q = 0.0
                for j in 0..<d {
                  let t = point[j] - xp[i * d + j]
                  q += lp[j] * t * t
                }
                let r = (q * 5).squareRoot()
                // dk/dq = −(5/6)·s·(1 + r)·e^(−r) with r = √(5q); dq/dx_j = 2λ_j (x_j − X_ij).
                let dkdq = -(5.0 / 6.0) * scale * (1 + r) * Math.exp(-r)
                let wm = dkdq * ap[i]
                let wv = -2 * dkdq * cp[i]
                for j in 0..<d {
                  let g = 2 * lp[j] * (point[j] - xp[i * d + j])
                  mg[j] += wm * g
                  vg[j] += wv * g
                }
              }
            }
          }
        }
      }
    }
    return (mean, variance)
  }
}

/// −(log marginal likelihood + Optuna's log prior) of the GP hyperparameters
/// ρ = (log λ₁…log λ_d, log s, log(ν − ν_min)), with its gradient.
struct MarginalLikelihood {
  let x: [Double]
  let n: Int
  let d: Int
  let y: [Double]
  /// Squared differences per pair a > b and dimension, pair-major.
  private let squares: [Double]

  init(x: [Double], n: Int, d: Int, y: [Double]) {
    self.x = x
    self.n = n
    self.d = d
    self.y = y
    var sq = [Double](repeating: 0, count: n * (n - 1) / 2 * d)
    var p = 0
    for a in 0..<n {
      for b in 0..<a {
        for j in 0..<d {
          let t = x[a * d + j] - x[b * d + j]
          sq[p * d + j] = t * t
        }
        p += 1
      }
    }
    squares = sq
  }

  static func parameters(_ rho: [Double], d: Int) -> (lambda: [Double], scale: Double, noise: Double) {
    (rho[0..<d].map { Math.exp($0) }, Math.exp(rho[d]), GaussianProcess.minimumNoise + Math.exp(rho[d + 1]))
  }

  func evaluate(_ rho: [Double], gradient: inout [Double]) -> Double {
    let (lambda, scale, noise) = Self.parameters(rho, d: d)
    let pairs = n * (n - 1) / 2
    var k = [Double](repeating: 0, count: n * n)
    var dkdq = [Double](repeating: 0, count: pairs)
    squares.withUnsafeBufferPointer { sp in
      lambda.withUnsafeBufferPointer { lp in
        k.withUnsafeMutableBufferPointer { kp in
          dkdq.withUnsafeMutableBufferPointer { gp in
            var p = 0
            for a in 0..<n {
              kp[a * n + a] = scale + noise
              for b in 0..<a {
                var q = 0.0
                for j in 0..<d { q += lp[j] * sp[p * d + j] }
                let r = (q * 5).squareRoot()
                let e = Math.exp(-r)
                let v = scale * (1 + r + r * r / 3) * e
                kp[a * n + b] = v
                kp[b * n + a] = v
                gp[p] = -(5.0 / 6.0) * scale * (1 + r) * e
                p += 1
              }
            }
          }
        }
      }
    }
    // A kernel that is not positive definite scores +∞: the hyperparameter search skips it.
    guard let matrix = try? Matrix(rows: n, columns: n, elements: k),
      let factor = try? matrix.cholesky(),
      let alpha = try? factor.solve(y),
      let inverse = try? factor.inverse()
    else { return .infinity }
    var quad = 0.0
    for i in 0..<n { quad += y[i] * alpha[i] }
    let logLikelihood = -0.5 * quad - 0.5 * factor.logDeterminant - 0.5 * Double(n) * Math.log(2 * Double.pi)

    // ∂LML/∂θ = ½ Σ_ab W_ab ∂K_ab/∂θ with W = ααᵀ − K⁻¹.
    var gLambda = [Double](repeating: 0, count: d)
    var gScale = 0.0
    var gNoise = 0.0
    inverse.elements.withUnsafeBufferPointer { ip in
      alpha.withUnsafeBufferPointer { ap in
        squares.withUnsafeBufferPointer { sp in
          dkdq.withUnsafeBufferPointer { gp in
            k.withUnsafeBufferPointer { kp in
              gLambda.withUnsafeMutableBufferPointer { gl in
                var p = 0
                for a in 0..<n {
                  let waa = ap[a] * ap[a] - ip[a * n + a]
                  gScale += 0.5 * waa * scale
                  gNoise += 0.5 * waa
                  for b in 0..<a {
                    let w = ap[a] * ap[b] - ip[a * n + b]
                    // Both (a, b) and (b, a): the ½ cancels.
                    gScale += w * kp[a * n + b]
                    let c = w * gp[p]
                    for j in 0..<d { gl[j] += c * sp[p * d + j] }
                    p += 1
                  }
                }
              }
            }
          }
        }
      }
    }
    // Optuna's prior: −Σ(0.1/λ + 0.1λ) + Gamma(2, 1) on s + Gamma(1.1, 30) on ν.
    var logPrior = 0.0
    for j in 0..<d { logPrior -= 0.1 / lambda[j] + 0.1 * lambda[j] }
    logPrior += Math.log(scale) - scale
    logPrior += 0.1 * Math.log(noise) - 30 * noise
    for j in 0..<d {
      gradient[j] = -(gLambda[j] * lambda[j] + 0.1 / lambda[j] - 0.1 * lambda[j])
    }
    gradient[d] = -(gScale + 1 - scale)
    let dNoise = noise - GaussianProcess.minimumNoise
    gradient[d + 1] = -(gNoise + 0.1 / noise - 30) * dNoise
    return -(logLikelihood + logPrior)
  }
}
