import Synchronization

/// A value shared between threads and tasks, behind a `Mutex`: a reference,
/// so closures and tasks can capture it (a `Mutex` itself cannot be copied).
/// Where a class already owns the state, a `Mutex` property does the job.
public final class Locked<Value>: Sendable {
  private let mutex: Mutex<Value>

  public init(_ value: sending Value) {
    mutex = Mutex(value)
  }

  /// Runs `body` with the value, holding the lock; keep it short.
  public func withLock<Result: ~Copyable, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
    try mutex.locked(body)
  }

}

extension Locked where Value: Sendable {
  /// A copy of the value.
  public var value: Value { withLock { $0 } }
}
