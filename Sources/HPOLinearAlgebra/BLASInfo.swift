#if canImport(Glibc)
  private import Glibc
#elseif canImport(Musl)
  private import Musl
#elseif canImport(Darwin)
  private import Darwin
#endif

/// Which BLAS this process actually runs, read at run time: for run
/// manifests and benchmark reports.
///
/// `libblas.so.3` is chosen by the system (Debian alternatives), not at build
/// time, so this looks the library up with `dladdr` and OpenBLAS's own
/// `openblas_get_*` functions with `dlsym`. Those are absent from reference
/// BLAS, and then the OpenBLAS-only fields are `nil`.
public struct BLASInfo: Sendable, Equatable, CustomStringConvertible {
  /// `"OpenBLAS"`; otherwise guessed from the library path: `"BLIS"`,
  /// `"ATLAS"`, `"reference BLAS"`, or `"unknown"`.
  public let name: String
  /// The file of the shared library that provides `cblas_dgemm`, or `nil`
  /// when it cannot be found.
  public let libraryPath: String?
  /// OpenBLAS's build configuration (`openblas_get_config`), e.g.
  /// `"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"`; `nil` otherwise.
  public let config: String?
  /// The CPU kernel OpenBLAS picked (`openblas_get_corename`), e.g.
  /// `"Haswell"`; `nil` otherwise.
  public let coreName: String?
  /// OpenBLAS's current thread count (`openblas_get_num_threads`); `nil` otherwise.
  public let threadCount: Int?

  /// Creates a description by hand (tests, or a manifest read back).
  public init(
    name: String, libraryPath: String?, config: String?, coreName: String?, threadCount: Int?
  ) {
    self.name = name
    self.libraryPath = libraryPath
    self.config = config
    self.coreName = coreName
    self.threadCount = threadCount
  }

  /// The BLAS of this process, read now (the thread count can change). A few
  /// `dlsym` calls; cheap, but not for inner loops.
  public static func current() -> BLASInfo {
    let handle = dlopen(nil, RTLD_NOW)
    let config = symbol(handle, "openblas_get_config", as: StringGetter.self).flatMap(string)
    let coreName = symbol(handle, "openblas_get_corename", as: StringGetter.self).flatMap(string)
    let threads = symbol(handle, "openblas_get_num_threads", as: IntGetter.self).map { Int($0()) }
    let path = libraryPath(handle)
    return BLASInfo(
      name: config != nil ? "OpenBLAS" : guessName(path), libraryPath: path, config: config,
      coreName: coreName, threadCount: threads)
  }

  /// Sets the number of threads BLAS uses (`openblas_set_num_threads`);
  /// values below 1 count as 1. Process-wide. Returns `false`, doing
  /// nothing, when the BLAS has no such call (reference BLAS is single-threaded).
  @discardableResult
  public static func setThreadCount(_ count: Int) -> Bool {
    let handle = dlopen(nil, RTLD_NOW)
    guard let set = symbol(handle, "openblas_set_num_threads", as: IntSetter.self) else {
      return false
    }
    set(Int32(clamping: Swift.max(1, count)))
    return true
  }

  /// One line: name, core, threads, config and library path.
  public var description: String {
    var parts = [name]
    if let coreName { parts.append("core \(coreName)") }
    if let threadCount { parts.append("\(threadCount) threads") }
    if let config { parts.append("config \"\(config)\"") }
    parts.append("library \(libraryPath ?? "unknown")")
    return parts.joined(separator: ", ")
  }

  private typealias StringGetter = @convention(c) () -> UnsafePointer<CChar>?
  private typealias IntGetter = @convention(c) () -> Int32
  private typealias IntSetter = @convention(c) (Int32) -> Void

  private static func symbol<F>(_ handle: UnsafeMutableRawPointer?, _ name: String, as: F.Type) -> F? {
    guard let address = dlsym(handle, name) else { return nil }
    return unsafeBitCast(address, to: F.self)
  }

  private static func string(_ getter: StringGetter) -> String? {
    getter().map { String(cString: $0) }
  }

  /// `dladdr` is declared only under `_GNU_SOURCE`, which Swift's Glibc module
  /// lacks, so it is looked up like the OpenBLAS calls. Its `Dl_info` is four
  /// pointers, the first being the file name.
  private typealias AddressLookup =
    @convention(c) (UnsafeRawPointer?, UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int32

  private static func libraryPath(_ handle: UnsafeMutableRawPointer?) -> String? {
    guard let address = dlsym(handle, "cblas_dgemm"),
      let lookup = symbol(handle, "dladdr", as: AddressLookup.self)
    else { return nil }
    var info = [UnsafeRawPointer?](repeating: nil, count: 4)
    let found = info.withUnsafeMutableBufferPointer { lookup(address, $0.baseAddress) }
    guard found != 0, let file = info[0] else { return nil }
    return String(cString: file.assumingMemoryBound(to: CChar.self))
  }

  private static func guessName(_ path: String?) -> String {
    guard let path = path?.lowercased() else { return "unknown" }
    if path.contains("openblas") { return "OpenBLAS" }
    if path.contains("blis") { return "BLIS" }
    if path.contains("atlas") { return "ATLAS" }
    if path.contains("/blas/") { return "reference BLAS" }
    return "unknown"
  }
}
