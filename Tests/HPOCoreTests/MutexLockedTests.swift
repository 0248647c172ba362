import Foundation
import HPOCore
import Synchronization
import Testing

/// `Mutex.locked` guards its state under contention. Cluster/test-sanitizers
/// also runs this under ThreadSanitizer, where a `Mutex` handed over inside
/// the kernel looks like a race unless `locked` reports the handover.
struct MutexLockedTests {
  final class Shared: Sendable {
    struct State {
      var label: String?
      var writes = 0
      var reads = 0
      var finished = 0
    }
    let state = Mutex(State())
  }

  @Test func contendedThreads_seeEveryWriteAndLoseNoUpdate() throws {
    let shared = Shared()
    let threads = 4, rounds = 50_000
    for index in 0..<threads {
      Thread {
        for round in 0..<rounds {
          if round % 100 == index {
            shared.state.locked { s in
              s.label = "thread \(index) round \(round)"
              s.writes += 1
            }
          } else {
            shared.state.locked { s in
              if s.label != nil { s.reads += 1 }
            }
          }
        }
        shared.state.locked { $0.finished += 1 }
      }.start()
    }
    let deadline = ContinuousClock.now + .seconds(120)
    while shared.state.locked({ $0.finished }) < threads {
      try #require(ContinuousClock.now < deadline, "the threads did not finish within 120 s")
      Thread.sleep(forTimeInterval: 0.01)
    }
    let (writes, reads, label) = shared.state.locked { ($0.writes, $0.reads, $0.label) }
    #expect(writes == threads * rounds / 100)
    #expect(reads <= threads * rounds - writes)
    #expect(reads > 0)
    #expect(label?.hasPrefix("thread ") == true)
  }
}
