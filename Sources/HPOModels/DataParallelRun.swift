/// What an iterative run needs to train as one member of a gang: a sum over
/// the gang, the member's rank and the gang's size, the number of rows all
/// members hold, the rows of the whole validation split (each member holds
/// rows `rank`, `rank + size`, …), and whether this member reports (rank 0).
struct DataParallelRun {
  /// An error of the sum, kept apart from the run's own errors so that the
  /// run reports it as ``ModelError/Code/collective``.
  struct Failure: Error {
    var underlying: any Error
  }

  let allReduce: AllReduceSum
  /// A sum of `Float`s over the gang, for float32 models' gradients (half the
  /// bytes of `allReduce`); `nil`: they are summed as `Double`s.
  let allReduceFloat: ((inout [Float]) throws -> Void)?
  let rank: Int
  let size: Int
  /// Rows of the training split over every member.
  let totalRows: Int
  /// Rows of the whole validation split; this member holds rows `rank`,
  /// `rank + size`, … of it, in that order.
  let validationRows: Int
  /// Rank 0: it reports the epochs, measures the inference latency and gets
  /// the outcome. Every member evaluates its validation rows.
  let reports: Bool

  /// Sums `buffer` over the gang.
  /// - Throws: ``Failure`` wrapping the sum's error.
  func sum(_ buffer: inout [Double]) throws {
    do { try allReduce(&buffer) } catch { throw Failure(underlying: error) }
  }

  /// Sums `buffer` over the gang in its own precision when the gang can
  /// (`Float` with ``allReduceFloat``, `Double`), else as `Double`s rounded back.
  /// - Throws: ``Failure`` wrapping the sum's error.
  func sum<S: ModelScalar>(scalars buffer: inout [S]) throws {
    do {
      if S.self == Float.self, let allReduceFloat {
        // S is Float: the same array type, reinterpreted without a copy.
        var floats = unsafeBitCast(buffer, to: [Float].self)
        buffer = []
        try allReduceFloat(&floats)
        buffer = unsafeBitCast(floats, to: [S].self)
      } else if S.self == Double.self {
        var doubles = unsafeBitCast(buffer, to: [Double].self)
        buffer = []
        try allReduce(&doubles)
        buffer = unsafeBitCast(doubles, to: [S].self)
      } else {
        var doubles = [Double](repeating: 0, count: buffer.count)
        S.add(buffer, asDoublesInto: &doubles, at: 0)
        try allReduce(&doubles)
        buffer = doubles.map { S($0) }
      }
    } catch {
      throw Failure(underlying: error)
    }
  }
}
