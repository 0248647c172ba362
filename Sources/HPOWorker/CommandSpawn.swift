#if canImport(Glibc)
import Glibc
#endif

/// A started command: its process (the leader of its own process group) and
/// the worker's ends of its standard streams and report socket, all
/// close-on-exec and non-blocking. The owner closes them with ``closeAll()``.
struct SpawnedCommand {
  /// The process started: the guard when there is one, else the command. Its pid is the group id.
  let pid: pid_t
  /// The write end of the command's standard input (decisions for stdout reports).
  var input: Int32
  /// The read ends of its standard output and standard error.
  var output: Int32
  var errors: Int32
  /// The worker's end of the report socket (fd 3 in the command).
  var socket: Int32
  /// The write end of the guard's lifeline, never written; -1 without a guard.
  var lifeline: Int32

  /// Closes every descriptor still open (each is set to -1). Idempotent.
  mutating func closeAll() {
    for fd in [input, output, errors, socket, lifeline] where fd >= 0 { close(fd) }
    (input, output, errors, socket, lifeline) = (-1, -1, -1, -1, -1)
  }
}

/// Starts a ``CommandLaunch`` with `posix_spawn`: in a new process group it
/// leads, in its working directory, with exactly its environment, fds 0–3
/// wired to the worker (stdin, stdout, stderr, report socket), every other
/// descriptor closed, and every signal at its default disposition and unblocked
/// (the worker ignores SIGPIPE; its commands must not inherit that).
///
/// With a guard: `guard command-guard --lifeline-fd 4 --executable PATH -- ARGS…`,
/// the lifeline's read end at fd 4.
enum CommandSpawner {
  /// The descriptor the guard's lifeline has in the guard.
  static let lifelineDescriptor: Int32 = 4

  /// - Throws: ``CommandError`` when the command is not found or cannot start.
  static func spawn(_ launch: CommandLaunch) throws(CommandError) -> SpawnedCommand {
    try validate(launch)
    guard let pipe2 = GlibcExtensions.pipe2, let addChdir = GlibcExtensions.addChdir else {
      throw .cannotStart(reason: "this C library lacks pipe2 or posix_spawn_file_actions_addchdir_np (glibc 2.29 or later is needed)")
    }
    let executable = try CommandExecutable.resolve(
      launch.arguments[0], searchPath: launch.environment["PATH"], workingDirectory: launch.workingDirectory)
    var environment = launch.environment
    if environment["HPO_REPORT_FD"] == nil { environment["HPO_REPORT_FD"] = String(CommandLaunch.reportDescriptor) }

    var opened: [Int32] = []  // every descriptor made here, closed on failure
    func fail(_ what: String, _ code: Int32) -> CommandError {
      for fd in opened { close(fd) }
      return .cannotStart(reason: "\(what): \(String(cString: strerror(code)))")
    }
    func pair(_ make: (UnsafeMutablePointer<Int32>) -> Int32, _ what: String) throws(CommandError) -> (Int32, Int32) {
      var fds: [Int32] = [-1, -1]
      guard make(&fds) == 0 else { throw fail(what, errno) }
      // Above fd 9, so that no dup2 below overwrites a descriptor another one still needs.
      for i in 0..<2 {
        let high = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)
        let code = errno
        close(fds[i])
        guard high >= 0 else {
          if i == 0 { close(fds[1]) }
          throw fail(what, code)
        }
        fds[i] = high
        opened.append(high)
      }
      return (fds[0], fds[1])
    }
    let stdin = try pair({ pipe2($0, O_CLOEXEC) }, "cannot create a pipe")
    let stdout = try pair({ pipe2($0, O_CLOEXEC) }, "cannot create a pipe")
    let stderr = try pair({ pipe2($0, O_CLOEXEC) }, "cannot create a pipe")
    let socket = try pair(
      { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, $0) },
      "cannot create the report socket")
    let lifeline = launch.guardExecutable == nil ? nil : try pair({ pipe2($0, O_CLOEXEC) }, "cannot create a pipe")

    var actions = posix_spawn_file_actions_t()
    var attributes = posix_spawnattr_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
      posix_spawn_file_actions_destroy(&actions)
      posix_spawnattr_destroy(&attributes)
    }
    var wiring: [(Int32, Int32)] = [(stdin.0, 0), (stdout.1, 1), (stderr.1, 2), (socket.1, CommandLaunch.reportDescriptor)]
    if let lifeline { wiring.append((lifeline.0, lifelineDescriptor)) }
    for (from, to) in wiring { posix_spawn_file_actions_adddup2(&actions, from, to) }
    _ = addChdir(&actions, launch.workingDirectory)
    // Every descriptor is close-on-exec here, as far as hpo and its libraries go; this covers the rest.
    _ = GlibcExtensions.addClosefrom?(&actions, Int32(wiring.count))

    var all = sigset_t()
    var none = sigset_t()
    sigfillset(&all)
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let program: String
    var arguments: [String]
    if let guardExecutable = launch.guardExecutable {
      program = guardExecutable
      arguments = [guardExecutable, "command-guard", "--lifeline-fd", String(lifelineDescriptor), "--executable", executable, "--"]
      arguments += launch.arguments
    } else {
      program = executable
      arguments = launch.arguments
    }
    var pid: pid_t = 0
    let code = withCStrings(arguments) { argv in
      withCStrings(environment.map { "\($0.key)=\($0.value)" }.sorted()) { envp in
        posix_spawn(&pid, program, &actions, &attributes, argv, envp)
      }
    }
    guard code == 0 else {
      if launch.guardExecutable != nil { throw fail("cannot run the guard \(program)", code) }
      // The file was found executable a moment ago; it may have gone since.
      for fd in opened { close(fd) }
      throw .notFound(command: launch.arguments[0], detail: "\(program): \(String(cString: strerror(code)))")
    }
    // The command's ends are its own now.
    for fd in [stdin.0, stdout.1, stderr.1, socket.1, lifeline?.0].compactMap({ $0 }) { close(fd) }
    for fd in [stdin.1, stdout.0, stderr.0, socket.0] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    return SpawnedCommand(
      pid: pid, input: stdin.1, output: stdout.0, errors: stderr.0, socket: socket.0, lifeline: lifeline?.1 ?? -1)
  }

  /// Refuses what `posix_spawn` cannot carry: no arguments, NUL bytes, "=" in a variable's name.
  private static func validate(_ launch: CommandLaunch) throws(CommandError) {
    guard !launch.arguments.isEmpty else { throw .invalidLaunch(reason: "the command is empty") }
    if let bad = launch.arguments.first(where: { $0.utf8.contains(0) }) {
      throw .invalidLaunch(reason: "the argument \(bad.debugDescription) holds a NUL byte")
    }
    for (name, value) in launch.environment where name.isEmpty || name.contains("=") || (name + value).utf8.contains(0) {
      throw .invalidLaunch(reason: "the environment variable \(name.debugDescription) cannot be passed (empty name, '=' in the name, or a NUL byte)")
    }
    var info = stat()
    guard stat(launch.workingDirectory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
      throw .invalidLaunch(reason: "the working directory \(launch.workingDirectory) does not exist")
    }
  }

  /// Calls `body` with `strings` as a NULL-terminated array of C strings.
  private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for p in pointers { free(p) } }
    return body(pointers)
  }
}
