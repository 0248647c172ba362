// Duration <-> libzmq's millisecond `int` options and timeouts.
private import CZeroMQ


extension Duration {
  /// Whole milliseconds (sub-millisecond parts truncated) if `self` is
  /// non-negative and fits in an `Int32`; otherwise throws `EINVAL` naming
  /// `operation`.
  func zmqMilliseconds(_ operation: StaticString) throws(ZeroMQError) -> Int32 {
    let (seconds, attoseconds) = components
    guard seconds >= 0, attoseconds >= 0 else {
      throw ZeroMQError(code: EINVAL, operation: operation.description)
    }
    let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow else { throw ZeroMQError(code: EINVAL, operation: operation.description) }
    let total = millis + attoseconds / 1_000_000_000_000_000
    guard total <= Int64(Int32.max) else {
      throw ZeroMQError(code: EINVAL, operation: operation.description)
    }
    return Int32(total)
  }
}
