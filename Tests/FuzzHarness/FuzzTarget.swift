import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The readers of untrusted bytes under fuzzing, and what each made of one input.
///
/// Each target maps a fuzz input to what its reader meets (frames, a file, a
/// package directory: see the target's file), runs the reader and checks the
/// properties that must hold for every input. The libFuzzer executables in
/// `Tests/Fuzz` call ``fuzz(_:_:)``; `FuzzRegressionTests` replays the seed
/// corpora and every input that once crashed through ``run(_:in:)``.
public enum FuzzTarget: String, CaseIterable, Sendable {
  case wire, experiment, csv, checkpoint, package, bundle

  /// What the reader made of an input.
  public enum Outcome: Equatable, Sendable {
    /// The reader accepted it, and every property held.
    case accepted
    /// The reader refused it with an error (the message).
    case refused(String)
    /// A property that must hold for every input did not: the finding.
    case violated(String)
  }

  /// Runs the reader on `bytes`; files it needs are written under `scratch`
  /// (an existing folder this call may fill; fixed names, so one call at a time per folder).
  public func run(_ bytes: [UInt8], in scratch: URL) -> Outcome {
    switch self {
    case .wire: WireHarness.run(bytes)
    case .experiment: ExperimentHarness.run(bytes, in: scratch)
    case .csv: CSVHarness.run(bytes, in: scratch)
    case .checkpoint: CheckpointHarness.run(bytes)
    case .package: PackageHarness.run(bytes, in: scratch)
    case .bundle: BundleHarness.run(bytes, in: scratch)
    }
  }

  /// libFuzzer's entry: runs the input, and stops the process (a crash
  /// libFuzzer keeps) when a property is violated.
  public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    if case .violated(let why) = run(bytes, in: Self.processScratch) {
      fatalError("fuzz \(rawValue): property violated: \(why)")
    }
    return 0
  }

  /// This process's folder under the temporary directory.
  static let processScratch: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-fuzz-\(getpid())", isDirectory: true)
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      fatalError("fuzz harness: cannot create \(url.path): \(error)")
    }
    return url
  }()
}

/// The parts of an input cut at each `\n~~~\n` (at most `limit`; the last keeps
/// the rest; missing parts are empty). A separator of several bytes keeps
/// ordinary text and binary data whole.
func parts(_ bytes: some Collection<UInt8>, limit: Int) -> [[UInt8]] {
  let bytes = Array(bytes)
  let separator = partSeparator
  var parts: [[UInt8]] = []
  var start = 0
  var i = 0
  while i + separator.count <= bytes.count, parts.count < limit - 1 {
    if bytes[i..<(i + separator.count)].elementsEqual(separator) {
      parts.append(Array(bytes[start..<i]))
      i += separator.count
      start = i
    } else {
      i += 1
    }
  }
  parts.append(Array(bytes[start...]))
  while parts.count < limit { parts.append([]) }
  return parts
}

/// The separator between the parts of an input.
let partSeparator: [UInt8] = Array("\n~~~\n".utf8)

/// Writes `bytes` to `url` with plain POSIX calls: no fsync (Foundation's
/// `Data.write` syncs every file, which made a fuzz run wait on the disk).
/// A scratch folder that cannot be written is a harness problem, not a
/// finding, so it stops the process.
func writeScratch(_ bytes: [UInt8], to url: URL) {
  let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else { fatalError("fuzz harness: cannot open \(url.path): errno \(errno)") }
  defer { close(fd) }
  let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  guard written == bytes.count else { fatalError("fuzz harness: cannot write \(url.path): errno \(errno)") }
}

/// Creates `url` and its parents; stops the process when it cannot (a harness problem).
func makeDirectory(_ url: URL) {
  do {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  } catch {
    fatalError("fuzz harness: cannot create \(url.path): \(error)")
  }
}
