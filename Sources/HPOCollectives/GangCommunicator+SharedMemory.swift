#if canImport(Glibc)
  private import Glibc
#endif

/// How a gang's all-reduces travel.
public enum GangPath: Sendable, Hashable {
  /// Before the first all-reduce.
  case undecided
  /// Over ZeroMQ along the ring; `reason` says why not shared memory.
  case ring(reason: String)
  /// Through one shared-memory segment: every member is on this host.
  case sharedMemory
}

/// Choosing the path, and all-reducing through shared memory.
extension GangCommunicator {
  /// Bytes of one slot of the shared segment: larger buffers go in pieces.
  static let sharedMemorySlotBytes = 2 << 20

  /// Chooses ``path`` with every other member, over the ring (three tiny
  /// all-reduces; every member calls this at its first all-reduce).
  ///
  /// Shared memory is used only when every member offers it
  /// (``Gang/sharedMemory``) and every member has the same host identity:
  /// the same kernel boot, the same network namespace and the same user
  /// (so members in different network namespaces, like the fake hosts of
  /// `Cluster/netns`, stay on the ring, and a cut link cuts them off as it
  /// would real hosts). Then rank 0 creates the segment (`0600`), the others
  /// map it, and rank 0 removes its name once all have. When any step fails,
  /// every member falls back to the ring, saying why in ``path``.
  func choosePath() throws(CollectiveError) {
    guard gang.size > 1 else {
      path = .ring(reason: "a gang of one exchanges nothing")
      return
    }
    // Element r: rank r's host key, below 2^52 so that a Double holds it exactly and
    // the sum of zeros and one key is that key; members that cannot share get 2^52 + something.
    var keys = [Double](repeating: 0, count: gang.size)
    let own = gang.sharedMemory ? HostIdentity.key : nil
    keys[gang.rank] = own.map(Double.init) ?? (Self.noSharing + Double(gang.rank) + (gang.sharedMemory ? 512 : 0))
    try ringAllReduceSum(&keys)
    if let why = Self.whyNotShared(keys, rank: gang.rank, addresses: gang.addresses) {
      path = .ring(reason: why)
      return
    }
    let name = segmentName
    let byteCount = SharedMemoryReducer.byteCount(size: gang.size, slotBytes: Self.sharedMemorySlotBytes)
    var segment: SharedMemorySegment?
    var problem: String?
    if gang.rank == 0 {
      do {
        segment = try SharedMemorySegment.create(name: name, byteCount: byteCount)
      } catch {
        problem = "\(error)"
      }
    }
    // Removed whatever happens next, once the others have had their chance to map it.
    defer { if gang.rank == 0, segment != nil { SharedMemorySegment.unlink(name: name) } }
    var created: [Double] = [gang.rank == 0 && segment != nil ? 1 : 0]
    try ringAllReduceSum(&created)
    guard created[0] == 1 else {
      path = .ring(reason: problem.map { "shared memory: \($0)" } ?? "rank 0 could not create the shared memory")
      return
    }
    if gang.rank != 0 {
      do {
        segment = try SharedMemorySegment.open(name: name, byteCount: byteCount)
      } catch {
        problem = "\(error)"
      }
    }
    var mapped: [Double] = [segment != nil ? 1 : 0]
    try ringAllReduceSum(&mapped)
    guard let segment, mapped[0] == Double(gang.size) else {
      segment?.close()
      path = .ring(reason: problem.map { "shared memory: \($0)" } ?? "a member could not map the shared memory")
      return
    }
    reducer = SharedMemoryReducer(
      segment: segment, rank: gang.rank, size: gang.size, slotBytes: Self.sharedMemorySlotBytes)
    path = .sharedMemory
  }

  /// Why the members with these keys cannot share memory, from `rank`'s
  /// view (its own refusal first, then another's, then another host); `nil`
  /// when they can.
  static func whyNotShared(_ keys: [Double], rank: Int, addresses: [String]) -> String? {
    func refusal(_ r: Int) -> String? {
      guard keys[r] >= noSharing else { return nil }
      let who = r == rank ? "this member" : "rank \(r)"
      return keys[r] >= noSharing + 512 ? "\(who) cannot tell which host it is on" : "\(who) does not offer shared memory"
    }
    if let own = refusal(rank) { return own }
    if let other = keys.indices.lazy.compactMap(refusal).first { return other }
    if let other = keys.indices.first(where: { keys[$0] != keys[rank] }) {
      return "rank \(other) (\(addresses[other])) is on another host or network namespace"
    }
    return nil
  }

  /// 2^52: host keys are below it.
  private static let noSharing = Double(1 << 52)

  /// `/hpo-gang-` and a hash of the gang's id and addresses (their ports are
  /// fresh for every gang), so no two gangs share a name.
  var segmentName: String {
    let hash = HostIdentity.fnv1a(gang.id + "|" + gang.addresses.joined(separator: ","))
    return "/hpo-gang-" + String(hash, radix: 16)
  }

  /// One all-reduce through `reducer`, its failures as ``CollectiveError``s.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  func sharedMemoryAllReduce<T: CollectiveElement>(
    _ reducer: SharedMemoryReducer, _ buffer: inout [T], _ run: CollectiveRun
  ) throws(CollectiveError) {
    do throws(SharedMemoryReducer.Failure) {
      try reducer.allReduceSum(&buffer, sequence: run.sequence, deadline: run.deadline)
    } catch {
      switch error {
      case .timedOut(let rank):
        throw deadlineError(run, peer: rank, waitingFor: "its arrival in shared memory")
      case .aborted(let by, let blamed, let kind):
        throw CollectiveError(
          kind, operation: run.operation, gang: gang, peer: blamed,
          message: "rank \(by) gave up\(blamed == by ? "" : " on rank \(blamed)") (shared memory)")
      case .mismatch(let rank, let message):
        throw CollectiveError(.mismatch, operation: run.operation, gang: gang, peer: rank, message: message)
      }
    }
  }
}

/// Which host, network namespace and user this process runs as: members
/// with equal keys can share memory.
enum HostIdentity {
  /// A 52-bit hash of the kernel's boot id, this process's network
  /// namespace and its user id; `nil` when either cannot be read.
  static let key: UInt64? = {
    guard let boot = read("/proc/sys/kernel/random/boot_id"), let namespace = link("/proc/self/ns/net") else { return nil }
    return fnv1a("\(boot)|\(namespace)|\(getuid())") & ((1 << 52) - 1)
  }()

  /// 64-bit FNV-1a of `text`'s UTF-8 bytes.
  static func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return hash
  }

  private static func read(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 128)
    let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return nil }
    return String(decoding: bytes[..<n], as: UTF8.self)
  }

  private static func link(_ path: String) -> String? {
    var bytes = [UInt8](repeating: 0, count: 256)
    let n = bytes.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { readlink(path, $0, buffer.count) }
    }
    guard n > 0 else { return nil }
    return String(decoding: bytes[..<n], as: UTF8.self)
  }
}
