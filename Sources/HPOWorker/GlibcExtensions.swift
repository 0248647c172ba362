#if canImport(Glibc)
import Glibc
#endif

/// The three GNU functions command trials need that Swift's Glibc module does
/// not declare (they sit behind `_GNU_SOURCE`): looked up once by name with
/// `dlsym` and called through their C signatures. All are in glibc ≥ 2.34.
enum GlibcExtensions {
  typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
  typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
  typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

  /// `pipe2(fds, flags)`: a pipe made close-on-exec atomically (no other
  /// thread's spawn can inherit it).
  static let pipe2: Pipe2? = function("pipe2")
  /// `posix_spawn_file_actions_addchdir_np`: the child changes directory before exec.
  static let addChdir: AddChdir? = function("posix_spawn_file_actions_addchdir_np")
  /// `posix_spawn_file_actions_addclosefrom_np`: the child closes every descriptor from a number up.
  static let addClosefrom: AddClosefrom? = function("posix_spawn_file_actions_addclosefrom_np")

  private static func function<F>(_ name: String) -> F? {
    // RTLD_DEFAULT (a null handle): the symbol as this process's libraries define it.
    guard let symbol = dlsym(nil, name) else { return nil }
    return unsafeBitCast(symbol, to: F.self)
  }
}
