import Synchronization

#if HPO_TSAN
// ThreadSanitizer's runtime, present only in a `--sanitize=thread` build
// (Cluster/test-sanitizers compiles with `-DHPO_TSAN`).
@_silgen_name("__tsan_acquire") private func tsanAcquire(_ address: UnsafeRawPointer)
@_silgen_name("__tsan_release") private func tsanRelease(_ address: UnsafeRawPointer)
#endif

extension Mutex where Value: ~Copyable {
  /// `withLock`, and the form every `Mutex` in hpo is locked with.
  ///
  /// On Linux a contended `Mutex` hands itself over inside the kernel
  /// (a priority-inheritance futex, in the uninstrumented standard library),
  /// so ThreadSanitizer never sees the handover and reports the state it
  /// guards as raced. Built with `-DHPO_TSAN`, this tells ThreadSanitizer
  /// of the acquire and the release on the mutex's own address; otherwise it
  /// is `withLock` itself.
  public borrowing func locked<Result: ~Copyable, E: Error>(
    _ body: (inout sending Value) throws(E) -> sending Result
  ) throws(E) -> sending Result {
    #if HPO_TSAN
    // A borrowed `Mutex` is passed by address, so this is its own, stable one.
    let address = withUnsafePointer(to: self) { UnsafeRawPointer($0) }
    return try withLock { (value: inout sending Value) throws(E) -> sending Result in
      tsanAcquire(address)
      defer { tsanRelease(address) }
      return try body(&value)
    }
    #else
    return try withLock(body)
    #endif
  }
}
