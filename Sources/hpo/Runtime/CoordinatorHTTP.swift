import Dispatch
import Foundation
import HPOCoordinator
import HPOCore
import HPODashboard
import HPOMetrics
import HPOStore

/// What `hpo coordinator --http ADDR` serves on its one port: Prometheus `/metrics` from the
/// moment it starts, and the dashboard once the store is open (``attach(store:)``), read
/// through read-only connections of its own, never the coordinator's.
///
/// On an address beyond loopback without `--http-token-file` only `/metrics` is served, as
/// before the dashboard shared the port, and a warning says why.
final class CoordinatorHTTP {
  let server: DashboardServer
  let exporter: PrometheusExporter
  private var readers: [ExperimentStore] = []

  private init(server: DashboardServer, exporter: PrometheusExporter) {
    self.server = server
    self.exporter = exporter
  }

  /// Binds `address` and serves `/metrics`; prints `metrics on http://ADDR/metrics`.
  /// Exit 3 naming the address when it cannot listen (before the store is opened).
  static func start(_ address: HTTPAddress, token: BearerToken?) throws -> CoordinatorHTTP {
    let exporter = PrometheusExporter()
    let started: Result<DashboardServer, DashboardStartError> = Blocking.wait {
      do throws(DashboardStartError) {
        return .success(try await DashboardServer.start(
          host: address.host, port: address.port, token: token, metrics: { exporter.render() }))
      } catch {
        return .failure(error)
      }
    }
    switch started {
    case .success(let server):
      FileHandle.standardOutput.write(Data("metrics on http://\(server.address)/metrics\n".utf8))
      return CoordinatorHTTP(server: server, exporter: exporter)
    case .failure(let error):
      if case .cannotListen(let requested, let reason) = error.kind {
        FileHandleOutput.standardError("error: cannot serve metrics and the dashboard on \(requested): \(reason)")
      } else {
        FileHandleOutput.standardError("error: \(error)")
      }
      throw HPOExitCode.infrastructure
    }
  }

  /// Serves the dashboard of the store at `path` (open by the coordinator, so it exists), its
  /// cancel going to `control` (served only with a token); prints `dashboard on http://ADDR/`,
  /// or warns why it is not served.
  /// - Throws: `StoreError` when the store cannot be opened read-only.
  func attach(store path: String, control: CoordinatorControl) throws {
    let api = try ExperimentStore.openReadOnly(path: path)
    // The watcher's own connection: `data_version` moves only for other connections' commits.
    let watched = try ExperimentStore.openReadOnly(path: path)
    readers = [api, watched]
    do {
      try server.attach(
        api: DashboardAPI(store: api), events: StoreWatcher(store: watched), canceller: ControlCanceller(control: control))
      FileHandle.standardOutput.write(Data("dashboard on http://\(server.address)/\n".utf8))
    } catch {
      FileHandleOutput.standardError("warning: only /metrics is served: \(error)")
    }
  }

  /// Stops serving and closes the dashboard's connections.
  func stop() throws {
    let server = self.server
    Blocking.wait { await server.stop() }
    for reader in readers { try reader.close() }
    readers = []
  }
}

/// The dashboard's cancel, handed to the coordinator's run loop (``CoordinatorControl``).
struct ControlCanceller: ExperimentCanceller {
  let control: CoordinatorControl

  func cancel(experiment: String) async -> (accepted: Bool, message: String)? {
    await control.cancel(experiment).map { ($0.accepted, $0.message) }
  }
}

/// Runs async work to completion from synchronous code (a command's `run()`), on a task of its
/// own; the calling thread waits, so call it only off the cooperative pool.
enum Blocking {
  @discardableResult
  static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let box = Locked<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
      let value = await work()
      box.withLock { $0 = value }
      done.signal()
    }
    done.wait()
    guard let value = box.withLock({ $0.take() }) else { preconditionFailure("the task set the value before signalling") }
    return value
  }
}
