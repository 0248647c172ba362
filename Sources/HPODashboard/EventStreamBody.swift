import FlyingSocks

/// The body of `GET /api/events`: a ``StoreWatcher`` subscription as bytes, each event handed
/// out as soon as it is sent (FlyingFox writes each buffer as one HTTP chunk, so nothing waits
/// for a buffer to fill). Subscribes when the server starts to write the body; the body ends
/// when the watcher stops, and the subscription ends when the connection does.
struct EventStreamBody: AsyncBufferedSequence {
  typealias Element = UInt8
  let watcher: StoreWatcher

  func makeAsyncIterator() -> Iterator { Iterator(events: watcher.subscribe().makeAsyncIterator()) }

  struct Iterator: AsyncBufferedIteratorProtocol {
    var events: AsyncStream<String>.Iterator
    /// Bytes of the current event not yet handed out.
    var pending: ArraySlice<UInt8> = []

    mutating func next() async throws -> UInt8? {
      guard try await fill() else { return nil }
      return pending.popFirst()
    }

    mutating func nextBuffer(suggested count: Int) async throws -> ArraySlice<UInt8>? {
      guard try await fill() else { return nil }
      let out = pending.prefix(Swift.max(1, count))
      pending = pending.dropFirst(out.count)
      return out
    }

    /// Waits for the next event when nothing is pending; `false` once the stream ended.
    private mutating func fill() async throws -> Bool {
      while pending.isEmpty {
        guard let text = await events.next() else { return false }
        pending = ArraySlice(text.utf8)
      }
      return true
    }
  }
}
