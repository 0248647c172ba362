import ArgumentParser
import Foundation
import HPODashboard
import HPOStore

extension HPOCommand {
  /// `hpo dashboard --store FILE`: the dashboard of a store file, read-only, until SIGINT/SIGTERM.
  struct Dashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve the web dashboard and its JSON API for a store file, read-only.",
      discussion: """
        Reads the store through its own read-only connection: also while a coordinator writes it, \
        or a copy kept after a run. Prints the address it serves at. Binds to loopback unless \
        --http names another address, which needs --http-token-file. SIGTERM or Ctrl-C stops it.
        """)

    @Option(help: ArgumentHelp("The experiment store to show (SQLite); opened read-only, never created.", valueName: "file"))
    var store: String

    @Option(help: ArgumentHelp(
      "Where to serve: an IPv4 address and a port (port 0: any free port). An address beyond 127.0.0.0/8 needs --http-token-file.",
      valueName: "host:port"))
    var http = "127.0.0.1:8080"

    @Option(help: ArgumentHelp(
      "A file holding a bearer token (at least 16 characters): every API request must then send Authorization: Bearer TOKEN.",
      valueName: "file"))
    var httpTokenFile: String?

    func validate() throws {
      _ = try HTTPAddress.parse(http)
    }

    func run() async throws {
      let address = try HTTPAddress.parse(http)
      let stop = Bootstrap.stopSignal()
      let token = try loadToken()
      let readOnly: ExperimentStore
      // The watcher's own connection: `data_version` moves only for other connections' commits.
      let watched: ExperimentStore
      do {
        readOnly = try ExperimentStore.openReadOnly(path: store)
        watched = try ExperimentStore.openReadOnly(path: store)
      } catch {
        FileHandleOutput.standardError("error: --store: \(error)")
        throw HPOExitCode.badInput
      }
      let server = try await startServer(DashboardAPI(store: readOnly), StoreWatcher(store: watched), address, token)
      FileHandle.standardOutput.write(Data("dashboard of \(store) on http://\(server.address)/\n".utf8))
      while !stop.isRaised {
        // Cancellation ends the sleep early; the loop then looks at the signal again, as it should.
        try? await Task.sleep(for: .milliseconds(100))
      }
      await server.stop()
      try readOnly.close()
      try watched.close()
    }

    private func startServer(
      _ api: DashboardAPI, _ events: StoreWatcher, _ address: HTTPAddress, _ token: BearerToken?
    ) async throws -> DashboardServer {
      do {
        return try await DashboardServer.start(api: api, events: events, host: address.host, port: address.port, token: token)
      } catch {
        throw exitCode(error)
      }
    }

    /// The token of `--http-token-file`, if given; exit 2 naming the file when it cannot be used.
    private func loadToken() throws -> BearerToken? {
      guard let httpTokenFile else { return nil }
      do { return try BearerToken(file: httpTokenFile) } catch { throw exitCode(error) }
    }

    /// Prints `error` and answers its exit code: 2 for what the user gave (a token, an address
    /// beyond loopback without one), 3 for an address that cannot be bound (in use, no permission).
    private func exitCode(_ error: DashboardStartError) -> ExitCode {
      FileHandleOutput.standardError("error: \(error)")
      switch error.kind {
      case .tokenRequired, .badToken: return HPOExitCode.badInput
      case .cannotListen: return HPOExitCode.infrastructure
      }
    }
  }
}
