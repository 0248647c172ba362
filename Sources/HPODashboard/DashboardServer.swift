import FlyingFox
import Foundation
import HPOCore

/// The dashboard over HTTP (FlyingFox): ``DashboardAPI``'s answers and the event stream
/// `GET /api/events` (``StoreWatcher``, as `text/event-stream`), behind a bearer token when
/// one is given, and, when given a renderer, Prometheus metrics at `GET /metrics` on the same
/// port. Started by ``start(api:events:host:port:token:)`` (`hpo dashboard`), or in two steps
/// by ``start(host:port:token:metrics:)`` and ``attach(api:events:)`` (a coordinator: the port
/// is bound before the store is opened); serves on its own task until ``stop()``.
///
/// **Security.** The dashboard is not served on an address outside 127.0.0.0/8 without a
/// token. With a token, every API request needs `Authorization: Bearer TOKEN` (else 401); the
/// page and its script and style sheet hold no experiment data and are served without it, so a
/// browser can load the page and hand the token (from `#token=…`) to the API. `/metrics` needs
/// no token (Prometheus scrapers, as before the dashboard shared its port). The one request
/// that changes anything, `POST /api/experiments/{name}/cancel`, needs a canceller (a
/// coordinator serving its own dashboard) and a token, on loopback too.
///
/// **Threads.** Store reads run on Dispatch's global queue, not on the cooperative pool, so a
/// slow read never stalls other requests' tasks.
public final class DashboardServer: Sendable {
  /// What the server answers beyond `/metrics`.
  private enum Stage: Sendable {
    /// Bound, the store not open yet: 503.
    case starting
    case serving(DashboardAPI, StoreWatcher, (any ExperimentCanceller)?)
    /// Never served here (the reason, for a 404's message).
    case notServed(String)
    case stopped
  }

  private let server: HTTPServer
  private let task: Task<Void, Never>
  private let stage: Locked<Stage>
  private let host: String
  private let token: BearerToken?
  /// The address it listens on, with the port chosen when port 0 was asked: `127.0.0.1:8080`.
  public let address: String

  private init(server: HTTPServer, task: Task<Void, Never>, stage: Locked<Stage>, host: String, token: BearerToken?, address: String) {
    self.server = server
    self.task = task
    self.stage = stage
    self.host = host
    self.token = token
    self.address = address
  }

  /// Binds `host:port` (`port` 0: any free port) and starts serving `api`, and `events` at
  /// `GET /api/events`; ``stop()`` stops `events` too, and so does a failure to start.
  /// - Throws: ``DashboardStartError``: `.tokenRequired` for a non-loopback `host` without
  ///   `token` (before binding); `.cannotListen` when `host` is not IPv4, or the address is in
  ///   use or cannot be bound within 5 s.
  public static func start(
    api: DashboardAPI, events: StoreWatcher, host: String, port: UInt16, token: BearerToken?,
    canceller: (any ExperimentCanceller)? = nil
  ) async throws(DashboardStartError) -> DashboardServer {
    do throws(DashboardStartError) {
      guard isLoopback(host) || token != nil else { throw DashboardStartError(.tokenRequired(host: host)) }
      let server = try await start(host: host, port: port, token: token, metrics: nil)
      try server.attach(api: api, events: events, canceller: canceller)
      return server
    } catch {
      events.stop()
      throw error
    }
  }

  /// Binds `host:port` (`port` 0: any free port) and serves `metrics()` (Prometheus text) at
  /// `GET /metrics` at once, if given; every other path answers 503 until
  /// ``attach(api:events:)``. Any IPv4 address is accepted: the token rule applies to the
  /// dashboard, checked by ``attach(api:events:)``.
  /// - Throws: ``DashboardStartError``: `.cannotListen` when `host` is not IPv4, or the address
  ///   is in use or cannot be bound within 5 s.
  public static func start(
    host: String, port: UInt16, token: BearerToken?, metrics: (@Sendable () -> [UInt8])?
  ) async throws(DashboardStartError) -> DashboardServer {
    let requested = "\(host):\(port)"
    let socketAddress: sockaddr_in
    do {
      socketAddress = try sockaddr_in.inet(ip4: host, port: port)
    } catch {
      throw DashboardStartError(.cannotListen(address: requested, reason: "\(host) is not an IPv4 address; give one such as 127.0.0.1"))
    }
    let stage = Locked(Stage.starting)
    // Failures are reported by throwing, not by FlyingFox's own log lines.
    let pool = NoDelaySocketPool(base: HTTPServer.defaultPool())
    let server = HTTPServer(address: socketAddress, pool: pool, logger: .disabled, handler: ClosureHTTPHandler { request in
      await handle(request, stage: stage.value, token: token, metrics: metrics)
    })
    let failure = Locked<String?>(nil)
    let task = Task {
      do { try await server.run() } catch { failure.withLock { $0 = "\(error)" } }
    }
    // Listening, or failed (address in use, permission), or 5 s passed.
    for _ in 0..<100 {
      if let bound = await server.listeningAddress {
        guard case .ip4(_, let boundPort) = bound else { break }
        return DashboardServer(server: server, task: task, stage: stage, host: host, token: token, address: "\(host):\(boundPort)")
      }
      if let failed = failure.value {
        throw DashboardStartError(.cannotListen(address: requested, reason: failed))
      }
      // Cancellation ends the wait early; the loop then checks the state again, as it should.
      try? await Task.sleep(for: .milliseconds(50))
    }
    task.cancel()
    throw DashboardStartError(.cannotListen(address: requested, reason: failure.value ?? "not listening after 5 s"))
  }

  /// Starts serving the dashboard of `api` and `events` beside `/metrics`; ``stop()`` stops
  /// `events`. With `canceller` and a token, `POST /api/experiments/{name}/cancel` cancels
  /// through it (see ``cancel(_:segments:token:canceller:)``).
  /// - Throws: ``DashboardStartError/Kind/tokenRequired(host:)`` when the address is beyond
  ///   loopback and the server has no token: then `events` is stopped and the dashboard's
  ///   paths answer 404 saying why, while `/metrics` goes on.
  public func attach(
    api: DashboardAPI, events: StoreWatcher, canceller: (any ExperimentCanceller)? = nil
  ) throws(DashboardStartError) {
    guard Self.isLoopback(host) || token != nil else {
      events.stop()
      let refusal = DashboardStartError(.tokenRequired(host: host))
      stage.withLock { $0 = .notServed("the dashboard is not served on \(host) without a token: \(refusal)") }
      throw refusal
    }
    let attached = stage.withLock { s in
      guard case .starting = s else { return false }
      s = .serving(api, events, canceller)
      return true
    }
    if !attached { events.stop() }
  }

  /// Stops serving: the socket closes at once, event streams end; open requests get a second
  /// to finish.
  public func stop() async {
    let previous = stage.withLock { s in
      defer { s = .stopped }
      return s
    }
    if case .serving(_, let events, _) = previous { events.stop() }
    await server.stop(timeout: 1)
    task.cancel()
  }

  /// Whether `host` is an IPv4 loopback address (127.0.0.0/8).
  public static func isLoopback(_ host: String) -> Bool {
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
  }

  private static func handle(
    _ request: HTTPRequest, stage: Stage, token: BearerToken?, metrics: (@Sendable () -> [UInt8])?
  ) async -> HTTPResponse {
    // The raw path: FlyingFox's `path` is already decoded, so a name holding "/" (%2F) would split.
    let segments = request.target.path().split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
    if segments == ["metrics"], let metrics {
      guard request.method == .GET else {
        return http(.error(APIError(status: 405, message: "\(request.method.rawValue) is not served at /metrics; use GET")))
      }
      return HTTPResponse(
        statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(metrics()))
    }
    let api: DashboardAPI
    let events: StoreWatcher
    let canceller: (any ExperimentCanceller)?
    switch stage {
    case .serving(let a, let e, let c): (api, events, canceller) = (a, e, c)
    case .starting: return http(.error(APIError(status: 503, message: "the dashboard starts once the store is open; try again")))
    case .notServed(let reason): return http(.error(.notFound(reason)))
    case .stopped: return http(.error(APIError(status: 503, message: "the dashboard is stopping")))
    }
    if let token, !DashboardAssets.isAsset(segments), !token.accepts(authorization: request.headers[.authorization]) {
      let refusal = DashboardResponse.error(APIError(
        status: 401, message: "this dashboard needs the header Authorization: Bearer TOKEN (the token of --http-token-file)"))
      return http(refusal, extra: [HTTPHeader("WWW-Authenticate"): "Bearer"])
    }
    let method = request.method.rawValue
    let query = request.query.map { (name: $0.name, value: $0.value) }
    if segments == ["api", "events"] {
      return eventStream(method: method, query: query, events)
    }
    if segments.count == 4, segments[0] == "api", segments[1] == "experiments", segments[3] == "cancel" {
      if let first = query.first {
        return http(.error(.badRequest("unknown query parameter \"\(first.name)\"; this path takes none")))
      }
      return http(await cancel(request.method.rawValue, experiment: segments[2], token: token, canceller: canceller))
    }
    let response = await withCheckedContinuation { (done: CheckedContinuation<DashboardResponse, Never>) in
      DispatchQueue.global().async { done.resume(returning: api.respond(method: method, segments: segments, query: query)) }
    }
    return http(response)
  }

  /// `GET /api/events`: the watcher's events as they come, or an error answer for another
  /// method or any query parameter.
  private static func eventStream(method: String, query: [(name: String, value: String)], _ events: StoreWatcher) -> HTTPResponse {
    guard method == "GET" else {
      return http(.error(APIError(status: 405, message: "\(method) is not served: the dashboard is read-only; use GET")))
    }
    if let first = query.first {
      return http(.error(.badRequest("unknown query parameter \"\(first.name)\"; /api/events takes none")))
    }
    return HTTPResponse(
      statusCode: .ok, headers: securityHeaders(contentType: "text/event-stream; charset=utf-8"),
      body: HTTPBodySequence(from: EventStreamBody(watcher: events)))
  }

  private static func securityHeaders(contentType: String) -> HTTPHeaders {
    [
      .contentType: contentType,
      .cacheControl: "no-store",
      HTTPHeader("X-Content-Type-Options"): "nosniff",
      HTTPHeader("Content-Security-Policy"): "default-src 'self'; frame-ancestors 'none'",
      HTTPHeader("Referrer-Policy"): "no-referrer",
    ]
  }

  static func http(_ response: DashboardResponse, extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
    var headers = securityHeaders(contentType: response.contentType)
    for (name, value) in extra { headers[name] = value }
    return HTTPResponse(
      statusCode: HTTPStatusCode(response.status, phrase: phrase(response.status)), headers: headers, body: response.body)
  }

  private static func phrase(_ status: Int) -> String {
    switch status {
    case 200: return "OK"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 409: return "Conflict"
    case 503: return "Service Unavailable"
    default: return "Internal Server Error"
    }
  }
}
