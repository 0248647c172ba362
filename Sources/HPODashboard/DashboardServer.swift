import FlyingFox
import Foundation
import HPOCore

/// The dashboard over HTTP (FlyingFox): ``DashboardAPI``'s answers and the event stream
/// `GET /api/events` (``StoreWatcher``, as `text/event-stream`), behind a bearer token when
/// one is given. Started by ``start(api:events:host:port:token:)``, serves on its own task
/// until ``stop()``.
///
/// **Security.** Binding to an address outside 127.0.0.0/8 without a token is refused. With a
/// token, every API request needs `Authorization: Bearer TOKEN` (else 401); the page and its
/// script and style sheet hold no experiment data and are served without it, so a browser
/// can load the page and hand the token (from `#token=…`) to the API.
///
/// **Threads.** Store reads run on Dispatch's global queue, not on the cooperative pool, so a
/// slow read never stalls other requests' tasks.
public final class DashboardServer: Sendable {
  private let server: HTTPServer
  private let task: Task<Void, Never>
  private let events: StoreWatcher
  /// The address it listens on, with the port chosen when port 0 was asked: `127.0.0.1:8080`.
  public let address: String

  private init(server: HTTPServer, task: Task<Void, Never>, events: StoreWatcher, address: String) {
    self.server = server
    self.task = task
    self.events = events
    self.address = address
  }

  /// Binds `host:port` (`port` 0: any free port) and starts serving `api`, and `events` at
  /// `GET /api/events`; ``stop()`` stops `events` too, and so does a failure to start.
  /// - Throws: ``DashboardStartError``: `.tokenRequired` for a non-loopback `host` without
  ///   `token`; `.cannotListen` when `host` is not IPv4, or the address is in use or cannot be
  ///   bound within 5 s.
  public static func start(
    api: DashboardAPI, events: StoreWatcher, host: String, port: UInt16, token: BearerToken?
  ) async throws(DashboardStartError) -> DashboardServer {
    do {
      return try await listen(api: api, events: events, host: host, port: port, token: token)
    } catch {
      events.stop()
      throw error
    }
  }

  private static func listen(
    api: DashboardAPI, events: StoreWatcher, host: String, port: UInt16, token: BearerToken?
  ) async throws(DashboardStartError) -> DashboardServer {
    let requested = "\(host):\(port)"
    guard isLoopback(host) || token != nil else { throw DashboardStartError(.tokenRequired(host: host)) }
    let socketAddress: sockaddr_in
    do {
      socketAddress = try sockaddr_in.inet(ip4: host, port: port)
    } catch {
      throw DashboardStartError(.cannotListen(address: requested, reason: "\(host) is not an IPv4 address; give one such as 127.0.0.1"))
    }
    // Failures are reported by throwing, not by FlyingFox's own log lines.
    let pool = NoDelaySocketPool(base: HTTPServer.defaultPool())
    let server = HTTPServer(address: socketAddress, pool: pool, logger: .disabled, handler: ClosureHTTPHandler { request in
      await handle(request, api: api, events: events, token: token)
    })
    let failure = Locked<String?>(nil)
    let task = Task {
      do { try await server.run() } catch { failure.withLock { $0 = "\(error)" } }
    }
    // Listening, or failed (address in use, permission), or 5 s passed.
    for _ in 0..<100 {
      if let bound = await server.listeningAddress {
        guard case .ip4(_, let boundPort) = bound else { break }
        return DashboardServer(server: server, task: task, events: events, address: "\(host):\(boundPort)")
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

  /// Stops serving: the socket closes at once, event streams end; open requests get a second
  /// to finish.
  public func stop() async {
    events.stop()
    await server.stop(timeout: 1)
    task.cancel()
  }

  /// Whether `host` is an IPv4 loopback address (127.0.0.0/8).
  public static func isLoopback(_ host: String) -> Bool {
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
  }

  private static func handle(_ request: HTTPRequest, api: DashboardAPI, events: StoreWatcher, token: BearerToken?) async -> HTTPResponse {
    // The raw path: FlyingFox's `path` is already decoded, so a name holding "/" (%2F) would split.
    let segments = request.target.path().split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
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

  private static func http(_ response: DashboardResponse, extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
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
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    default: return "Internal Server Error"
    }
  }
}
