import HPOCore
import HPOLinearAlgebra

/// What hpo measures of a model itself, beside its validation metrics, so
/// that they can be objectives or constraints without user code:
///
/// - `params`: the trained parameters (every weight and bias), a count.
/// - `latency_ms`: the median wall-clock time, in milliseconds, of predicting
///   one row: the network's inference path (`Network.outputs`: a workspace
///   for one row, the forward pass without dropout, the softmax of a
///   classifier) on one preprocessed validation row at a time, rows taken in
///   order and wrapping around, ``warmUp`` untimed calls then ``samples`` timed
///   ones, on the calling thread with its BLAS setting (workers run one BLAS
///   thread per slot), by the monotonic clock. Preprocessing and I/O are not
///   included: they are the same for every configuration of an experiment.
///
/// Both depend on the architecture, not on the weights' values, so a run
/// measures them once and reports them with every epoch.
enum InferenceProbe {
  static let warmUp = 10
  static let samples = 101

  static func measure<S: ModelScalar>(_ network: Network<S>, rows x: Matrix<S>) throws(ModelError) -> [Metric: Double] {
    let params = network.parameters.reduce(0) { $0 + $1.rows * $1.columns }
    guard x.rows > 0 else { return [.params: Double(params)] }
    let clock = ContinuousClock()
    var times: [Duration] = []
    times.reserveCapacity(samples)
    for i in 0..<(warmUp + samples) {
      let row: Matrix<S>
      do {
        row = try Matrix(rows: 1, columns: x.columns, elements: x.row(i % x.rows))
      } catch {
        throw ModelError.wrapping(error)
      }
      let started = clock.now
      do {
        _ = try network.outputs(row)
      } catch {
        throw ModelError.wrapping(error)
      }
      if i >= warmUp { times.append(clock.now - started) }
    }
    times.sort()
    return [.params: Double(params), .latencyMs: times[times.count / 2].seconds * 1000]
  }
}
