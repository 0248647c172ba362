import HPOCore

/// A mixture of product kernels over one group of parameters, in unit
/// coordinates (Optuna's `_ParzenEstimator`): one kernel per observation plus a
/// prior kernel (centred, σ = 1, weight 1), truncated to [0, 1].
///
/// Per dimension, a kernel is a truncated normal (continuous parameters and
/// large lattices, evaluated as a density), a truncated normal integrated over
/// the lattice value's bin (small lattices: ints, stepped floats), or an
/// Aitchison–Aitken-style categorical kernel: `prior/n_kernels` on every choice
/// plus 1 on the observed one, normalised.
///
/// Storage is dimension-major and contiguous, so evaluating a candidate against
/// thousands of kernels is a few tight, vectorisable loops and one log-sum-exp.
struct ParzenEstimator {
  /// How one dimension is modelled.
  enum Column: Sendable {
    /// Truncated normal density; a lattice scale snaps samples onto its values.
    case density(NumericScale?)
    /// Truncated normal mass over the bin of each lattice value.
    case mass(NumericScale)
    /// Categorical kernel over `count` choices.
    case categorical(Int)
  }

  /// Lattices with at most this many values are evaluated by bin mass.
  static let massLatticeLimit = 32

  static func column(for kind: SpaceLayout.Kind) -> Column? {
    switch kind {
    case .numeric(let s):
      if s.isLattice && s.count <= massLatticeLimit { return .mass(s) }
      return .density(s.isLattice ? s : nil)
    case .categorical(let choices): return .categorical(choices.count)
    case .fixed: return nil
    }
  }

  let columns: [Column]
  let kernelCount: Int
  /// Kernel weights, normalised, cumulative (for sampling).
  private var cumulative: [Double]
  /// Per kernel: log weight and every dimension's normalising terms.
  private var logConst: [Double]
  /// Numeric columns: kernel centres and widths.
  private var mu: [[Double]]
  private var sigma: [[Double]]
  private var invSigma: [[Double]]
  /// Mass columns: each kernel's (μ, σ) pair id, and the distinct pairs.
  private var pairId: [[Int32]]
  private var pairMu: [[Double]]
  private var pairSigma: [[Double]]
  /// Categorical columns: observed choice per kernel (−1 for the prior) and
  /// the log probabilities of hitting or missing it.
  private var observed: [[Int32]]
  private var hitLog: [Double]
  private var missLog: [Double]
  private var priorShare: [Double]
  private var hasPrior: Bool
  /// Density columns' centres and inverse widths, flattened dimension-major
  /// (`densityColumns.count × kernelCount`) for the fused evaluation loop.
  private var densityColumns: [Int] = []
  private var densityMu: [Float] = []
  private var densityInv: [Float] = []
  /// `logConst` in single precision, for the evaluation loops.
  private var logConstF: [Float] = []

  /// Builds the estimator from `n` observations (`values[j][i]`: unit
  /// coordinate or choice index of observation `i` in column `j`) with
  /// unnormalised `weights`, plus the prior kernel.
  /// Without `sampling`, the estimator only evaluates densities (g) and drops
  /// what only sampling needs, keeping the peak memory of a suggestion low.
  init(columns: [Column], values: [[Double]], weights: [Double], settings: ParzenSettings = .optuna, sampling: Bool = true) {
    let priorWeight = settings.priorWeight
    let n = weights.count
    let k = n + 1
    self.columns = columns
    kernelCount = k
    hasPrior = true
    let d = columns.count

    var w = weights
    w.append(priorWeight)
    var total = 0.0
    for x in w { total += x }
    var logConst = [Double](repeating: 0, count: k)
    var cumulative = [Double](repeating: 0, count: k)
    var running = 0.0
    for i in 0..<k {
      running += w[i] / total
      cumulative[i] = running
      logConst[i] = Math.log(w[i] / total)
    }
    cumulative[k - 1] = 1

    mu = Array(repeating: [], count: d)
    sigma = Array(repeating: [], count: d)
    invSigma = Array(repeating: [], count: d)
    pairId = Array(repeating: [], count: d)
    pairMu = Array(repeating: [], count: d)
    pairSigma = Array(repeating: [], count: d)
    observed = Array(repeating: [], count: d)
    hitLog = Array(repeating: 0, count: d)
    missLog = Array(repeating: 0, count: d)
    priorShare = Array(repeating: 0, count: d)

    var scratch: [UInt64] = []
    // Product of σ·Z over density columns, folded into one log per kernel.
    var product = [Double](repeating: 1, count: k)
    var densityCount = 0
    for j in 0..<d {
      switch columns[j] {
      case .density, .mass:
        var m = [Double](repeating: 0.5, count: k)
        var s = [Double](repeating: 1, count: k)
        m.withUnsafeMutableBufferPointer { mp in
          values[j].withUnsafeBufferPointer { vp in
            _ = UnsafeMutableBufferPointer(rebasing: mp[0..<n]).update(fromContentsOf: vp[0..<n])
          }
        }
        // With the prior among the neighbours (hyperopt's heuristic) its
        // centre takes part in the gaps; its own width stays 1.
        let sorted = settings.priorAmongNeighbours ? k : n
        m.withUnsafeBufferPointer { mp in
          s.withUnsafeMutableBufferPointer { sp in
            ParzenBandwidth.neighbourSigmas(
              UnsafeBufferPointer(rebasing: mp[0..<sorted]),
              into: UnsafeMutableBufferPointer(rebasing: sp[0..<sorted]), scratch: &scratch,
              considerEndpoints: settings.considerEndpoints, minSigma: settings.minimumSigma(observations: n),
              maxSigma: settings.maximumSigma)
          }
        }
        s[k - 1] = 1
        if case .density = columns[j] {
          densityCount += 1
          var inv = [Double](repeating: 1, count: k)
          Self.normalise(m, s, into: &inv, product: &product)
          invSigma[j] = inv
          if densityCount % 16 == 0 {
            for i in 0..<k {
              logConst[i] -= Math.log(product[i])
              product[i] = 1
            }
          }
        } else {
          let (ids, pm, ps) = Self.distinctPairs(m, s, sortedOrder: scratch, observations: sorted)
          var logZ = [Double](repeating: 0, count: pm.count)
          for p in pm.indices {
            logZ[p] = Math.logNormalMass(-pm[p] / ps[p], (1 - pm[p]) / ps[p])
          }
          for i in 0..<k { logConst[i] -= logZ[Int(ids[i])] }
          pairId[j] = ids
          pairMu[j] = pm
          pairSigma[j] = ps
        }
        mu[j] = m
        sigma[j] = s
      case .categorical(let choices):
        var obs = [Int32](repeating: -1, count: k)
        for i in 0..<n { obs[i] = Int32(values[j][i]) }
        let share = priorWeight / Double(k)
        let rowSum = Double(choices) * share + 1
        hitLog[j] = Math.log((share + 1) / rowSum)
        missLog[j] = Math.log(share / rowSum)
        priorShare[j] = share
        // The prior kernel is uniform; its observed index −1 always "misses".
        logConst[k - 1] += -Math.log(Double(choices)) - missLog[j]
        observed[j] = obs
      }
    }
    let constant = Double(densityCount) * Math.logSqrt2Pi
    for i in 0..<k {
      logConst[i] -= Math.log(product[i]) + constant
    }
    self.logConst = logConst
    self.cumulative = cumulative
    for j in 0..<d {
      if case .density = columns[j] { densityColumns.append(j) }
    }
    let nd = densityColumns.count
    densityMu = [Float](repeating: 0, count: nd * k)
    densityInv = [Float](repeating: 0, count: nd * k)
    for (q, j) in densityColumns.enumerated() {
      for i in 0..<k {
        densityMu[q * k + i] = Float(mu[j][i])
        densityInv[q * k + i] = Float(invSigma[j][i])
      }
    }
    logConstF = logConst.map { Float($0) }
    invSigma = Array(repeating: [], count: d)
    if !sampling {
      mu = Array(repeating: [], count: d)
      sigma = Array(repeating: [], count: d)
      self.logConst = []
      self.cumulative = []
    }
  }

  /// For each kernel: 1/σ, and σ·Z multiplied into `product`, where Z is the
  /// kernel's mass inside [0, 1]. Z is computed only for kernels within 6σ of
  /// an end (elsewhere 1 − Z < 10⁻⁹, below the approximation's own error).
  private static func normalise(_ m: [Double], _ s: [Double], into inv: inout [Double], product: inout [Double]) {
    let k = m.count
    m.withUnsafeBufferPointer { mp in
      s.withUnsafeBufferPointer { sp in
        inv.withUnsafeMutableBufferPointer { ip in
          product.withUnsafeMutableBufferPointer { pp in
            let mpp = mp.baseAddress!, spp = sp.baseAddress!, ipp = ip.baseAddress!, ppp = pp.baseAddress!
            for i in 0..<k {
              let invS = 1 / spp[i]
              ipp[i] = invS
              ppp[i] *= spp[i]
            }
            // Z = 1 − Φ(−a) − Φ(−b), a and b the distances to the ends in σ;
            // each tail only where it exceeds 10⁻⁹.
            for i in 0..<k {
              let a = mpp[i] * ipp[i]
              let b = (1 - mpp[i]) * ipp[i]
              if a < 6 || b < 6 {
                var z = 1.0
                if a < 6 { z -= Math.fastNormalCDF(-a) }
                if b < 6 { z -= Math.fastNormalCDF(-b) }
                ppp[i] *= z
              }
            }
          }
        }
      }
    }
  }

  /// Kernel ids by distinct (μ, σ). Walks the observations in sorted order
  /// (`sortedOrder`, packed as by ``ParzenBandwidth``), where equal centres
  /// are adjacent and take at most three distinct widths; the prior comes last.
  private static func distinctPairs(
    _ m: [Double], _ s: [Double], sortedOrder: [UInt64], observations n: Int
  ) -> ([Int32], [Double], [Double]) {
    var ids = [Int32](repeating: 0, count: m.count)
    var pm: [Double] = []
    var ps: [Double] = []
    var runStart = 0
    var runMu = Double.nan
    for r in 0..<n {
      let i = Int(truncatingIfNeeded: sortedOrder[r] & 0xFFFF_FFFF)
      if m[i] != runMu {
        runMu = m[i]
        runStart = pm.count
      }
      var id = -1
      for p in runStart..<pm.count where ps[p] == s[i] {
        id = p
        break
      }
      if id < 0 {
        id = pm.count
        pm.append(m[i])
        ps.append(s[i])
      }
      ids[i] = Int32(id)
    }
    ids[m.count - 1] = Int32(pm.count)
    pm.append(m[m.count - 1])
    ps.append(s[m.count - 1])
    return (ids, pm, ps)
  }

  // MARK: Sampling

  /// `m` candidates drawn from the mixture: `unit[j][c]` is the unit
  /// coordinate (numeric, snapped onto the lattice) or choice index, and
  /// `value[j][c]` the numeric value in the parameter's own scale.
  struct Candidates {
    var count: Int
    var unit: [[Double]]
    var value: [[Double]]
  }

  func sample(_ m: Int, using g: inout SeededGenerator) -> Candidates {
    let d = columns.count
    var unit = Array(repeating: [Double](repeating: 0, count: m), count: d)
    var value = unit
    for c in 0..<m {
      let r = g.nextUnit()
      var i = 0
      while i < kernelCount - 1 && cumulative[i] <= r { i += 1 }
      for j in 0..<d {
        switch columns[j] {
        case .density(let scale):
          let u = Self.truncatedNormal(mu[j][i], sigma[j][i], using: &g)
          if let scale {
            let x = scale.nearestValue(toUnit: u)
            value[j][c] = x
            unit[j][c] = scale.unit(of: x)
          } else {
            unit[j][c] = u
          }
        case .mass(let scale):
          let u = Self.truncatedNormal(mu[j][i], sigma[j][i], using: &g)
          let x = scale.nearestValue(toUnit: u)
          value[j][c] = x
          unit[j][c] = scale.unit(of: x)
        case .categorical(let choices):
          let obs = Int(observed[j][i])
          let r = g.nextUnit()
          if obs < 0 {
            unit[j][c] = Double(Swift.min(Int(r * Double(choices)), choices - 1))
          } else {
            let share = priorShare[j]
            let t = r * (Double(choices) * share + 1)
            unit[j][c] = t < 1 ? Double(obs) : Double(Swift.min(Int((t - 1) / share), choices - 1))
          }
        }
      }
    }
    return Candidates(count: m, unit: unit, value: value)
  }

  /// A draw from N(μ, σ²) truncated to [0, 1], by rejection (acceptance is at
  /// least a third, since μ lies in [0, 1] and σ ≤ 1).
  private static func truncatedNormal(_ mu: Double, _ sigma: Double, using g: inout SeededGenerator) -> Double {
    for _ in 0..<128 {
      let x = mu + sigma * g.normal()
      if x >= 0 && x <= 1 { return x }
    }
    return Swift.min(Swift.max(mu, 0), 1)
  }

  // MARK: Density

  /// log p(candidate) for every candidate.
  func logDensity(_ cands: Candidates) -> [Double] {
    let k = kernelCount
    let d = columns.count
    var result = [Double](repeating: 0, count: cands.count)
    // Per mass column: the log mass table of each distinct candidate value.
    var massTables: [[Int: [Double]]] = Array(repeating: [:], count: d)
    for j in 0..<d {
      guard case .mass(let scale) = columns[j] else { continue }
      for c in 0..<cands.count {
        let x = cands.value[j][c]
        let key = Int(((x - scale.low) / scale.step!).rounded())
        if massTables[j][key] != nil { continue }
        let (a, b) = scale.binEdges(of: x)
        let pm = pairMu[j]
        let ps = pairSigma[j]
        massTables[j][key] = (0..<pm.count).map { p in
          Math.logNormalMass((a - pm[p]) / ps[p], (b - pm[p]) / ps[p])
        }
      }
    }
    let nd = densityColumns.count
    // The kernel sums run in single precision, four lanes wide: a candidate's
    // log density comes out within ~10⁻⁶ of the double-precision value, far
    // below any difference that decides between candidates.
    var acc = [Float](repeating: 0, count: k)
    acc.withUnsafeMutableBufferPointer { acc in
      let accp = acc.baseAddress!
      logConstF.withUnsafeBufferPointer { lc in
        densityMu.withUnsafeBufferPointer { dm in
          densityInv.withUnsafeBufferPointer { di in
            for c in 0..<cands.count {
              if nd == 0 { accp.update(from: lc.baseAddress!, count: k) }
              // Density columns, up to four per pass over the kernels.
              var first = 0
              while first < nd {
                let count = Swift.min(4, nd - first)
                var x = SIMD4<Float>(repeating: 0)
                for q in 0..<count { x[q] = Float(cands.unit[densityColumns[first + q]][c]) }
                Self.accumulateDensity(
                  count: count, x: x, mu: dm.baseAddress! + first * k, inv: di.baseAddress! + first * k,
                  stride: k, base: first == 0 ? lc.baseAddress! : UnsafePointer(accp), into: accp, kernels: k)
                first += count
              }
              for j in 0..<d {
                switch columns[j] {
                case .density:
                  break
                case .mass(let scale):
                  let key = Int(((cands.value[j][c] - scale.low) / scale.step!).rounded())
                  let table = massTables[j][key]!.map { Float(Swift.max($0, -1e30)) }
                  table.withUnsafeBufferPointer { tp in
                    pairId[j].withUnsafeBufferPointer { idp in
                      for i in 0..<k { accp[i] += tp[Int(idp[i])] }
                    }
                  }
                case .categorical:
                  let choice = Int32(cands.unit[j][c])
                  let hit = Float(hitLog[j])
                  let miss = Float(Swift.max(missLog[j], -1e30))
                  observed[j].withUnsafeBufferPointer { op in
                    let opp = op.baseAddress!
                    for i in 0..<k { accp[i] += opp[i] == choice ? hit : miss }
                  }
                }
              }
              result[c] = Self.logSumExp(acc)
            }
          }
        }
      }
    }
    return result
  }

  /// log Σ exp(values[i]) of single-precision terms, summed in double; terms
  /// more than 40 below the largest are skipped (see ``Math/logSumExp(_:)``).
  @inline(__always)
  private static func logSumExp(_ values: UnsafeMutableBufferPointer<Float>) -> Double {
    guard let base = values.baseAddress, values.count > 0 else { return -.infinity }
    let n = values.count
    var m4 = SIMD4<Float>(repeating: -.infinity)
    var i = 0
    while i + 4 <= n {
      m4 = pointwiseMax(m4, SIMD4(base[i], base[i + 1], base[i + 2], base[i + 3]))
      i += 4
    }
    var mf = m4.max()
    while i < n {
      mf = Swift.max(mf, base[i])
      i += 1
    }
    let m = Double(mf)
    if !m.isFinite { return m }
    let cutoff = mf - 40
    var sum = 0.0
    for i in 0..<n where base[i] > cutoff {
      sum += Math.fastExpNonPositive(Double(base[i]) - m)
    }
    return m + Math.log(sum)
  }

  /// acc[i] = base[i] − ½ Σ_q ((x_q − μ_q[i]) / σ_q[i])² over `count` ≤ 4
  /// density columns laid out `stride` apart; one fused, vectorisable loop.
  @inline(__always)
  private static func accumulateDensity(
    count: Int, x: SIMD4<Float>, mu: UnsafePointer<Float>, inv: UnsafePointer<Float>, stride: Int,
    base: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>, kernels k: Int
  ) {
    let m0 = mu, m1 = mu + stride, m2 = mu + 2 * stride, m3 = mu + 3 * stride
    let v0 = inv, v1 = inv + stride, v2 = inv + 2 * stride, v3 = inv + 3 * stride
    let x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3]
    switch count {
    case 1:
      for i in 0..<k {
        let z0 = (x0 - m0[i]) * v0[i]
        acc[i] = base[i] - 0.5 * (z0 * z0)
      }
    case 2:
      for i in 0..<k {
        let z0 = (x0 - m0[i]) * v0[i], z1 = (x1 - m1[i]) * v1[i]
        acc[i] = base[i] - 0.5 * (z0 * z0 + z1 * z1)
      }
    case 3:
      for i in 0..<k {
        let z0 = (x0 - m0[i]) * v0[i], z1 = (x1 - m1[i]) * v1[i], z2 = (x2 - m2[i]) * v2[i]
        acc[i] = base[i] - 0.5 * (z0 * z0 + z1 * z1 + z2 * z2)
      }
    default:
      for i in 0..<k {
        let z0 = (x0 - m0[i]) * v0[i], z1 = (x1 - m1[i]) * v1[i]
        let z2 = (x2 - m2[i]) * v2[i], z3 = (x3 - m3[i]) * v3[i]
        acc[i] = base[i] - 0.5 * ((z0 * z0 + z1 * z1) + (z2 * z2 + z3 * z3))
      }
    }
  }
}
