/// What an iterative run needs to train as one member of a gang: a sum over
/// the gang, the member's rank and the gang's size, the number of rows all
/// members hold, and whether this member evaluates (holds the validation
/// split: rank 0).
struct DataParallelRun {
  /// An error of the sum, kept apart from the run's own errors so that the
  /// run reports it as ``ModelError/Code/collective``.
  struct Failure: Error {
    var underlying: any Error
  }

  let allReduce: AllReduceSum
  let rank: Int
  let size: Int
  /// Rows of the training split over every member.
  let totalRows: Int
  let evaluates: Bool

  /// Sums `buffer` over the gang.
  /// - Throws: ``Failure`` wrapping the sum's error.
  func sum(_ buffer: inout [Double]) throws {
    do { try allReduce(&buffer) } catch { throw Failure(underlying: error) }
  }
}
