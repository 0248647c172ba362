import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// The bearer token: required beyond loopback, checked on every API request.
@Suite struct TokenTests {
  static let secret = "s3cret-token-0123456789"

  @Test func withAToken_theAPIAnswersOnlyTheRightBearer() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path, token: try BearerToken(Self.secret)) { d in
      for headers in [[:], ["Authorization": "Bearer wrong"], ["Authorization": "Bearer \(Self.secret)x"],
                      ["Authorization": "Bearer \(Self.secret.dropLast())"], ["Authorization": Self.secret]] {
        for path in ["/api/experiments", "/api/experiments/iris/trials", "/api/experiments/iris/trials/0", "/api/nothing"] {
          let answer = try await d.get(path, headers: headers)
          #expect(answer.status == 401, "\(path) \(headers)")
          #expect(answer.headers["www-authenticate"] == "Bearer")
          #expect(try answer.json() as? [String: String] == [
            "error": "this dashboard needs the header Authorization: Bearer TOKEN (the token of --http-token-file)",
          ])
        }
      }
      let ok = try await d.get("/api/experiments", headers: ["Authorization": "Bearer \(Self.secret)"])
      #expect(ok.status == 200)
      #expect(try (ok.json()["experiments"] as? [[String: Any]])?.count == 1)
      // The page itself holds no data: a browser loads it, then sends the token to the API.
      #expect(try await d.get("/").status == 200)
      #expect(try await d.get("/dashboard.js").status == 200)
    }
  }

  @Test func aNonLoopbackAddress_withoutAToken_isRefused() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let store = try ExperimentStore.openReadOnly(path: fixture.path)
    for host in ["0.0.0.0", "192.168.1.10", "128.0.0.1"] {
      await #expect(throws: DashboardStartError(.tokenRequired(host: host))) {
        _ = try await DashboardServer.start(
          api: DashboardAPI(store: store), events: try watcher(fixture.path), host: host, port: 0, token: nil)
      }
    }
    // With a token, every interface is served.
    let server = try await DashboardServer.start(
      api: DashboardAPI(store: store), events: try watcher(fixture.path), host: "0.0.0.0", port: 0, token: try BearerToken(Self.secret))
    #expect(server.address.hasPrefix("0.0.0.0:"))
    await server.stop()
  }

  @Test func loopback_isAll127() {
    #expect(DashboardServer.isLoopback("127.0.0.1") && DashboardServer.isLoopback("127.1.2.3"))
    #expect(!DashboardServer.isLoopback("0.0.0.0") && !DashboardServer.isLoopback("10.0.0.1"))
    #expect(!DashboardServer.isLoopback("127.0.0") && !DashboardServer.isLoopback("localhost"))
  }

  @Test func tokens_tooShortOrWithSpaces_areRefused_andAFileIsTrimmed() throws {
    #expect(throws: DashboardStartError(.badToken(file: "t", reason: "the token has 5 characters; give at least 16"))) {
      try BearerToken("short", source: "t")
    }
    #expect(throws: DashboardStartError(.badToken(file: "t", reason: "the token contains whitespace; give one word"))) {
      try BearerToken("0123456789 0123456789", source: "t")
    }
    let fixture = try FixtureStore()
    let file = fixture.directory.appendingPathComponent("token").path
    try "  \(Self.secret)\n".write(toFile: file, atomically: true, encoding: .utf8)
    let token = try BearerToken(file: file)
    #expect(token.accepts(authorization: "Bearer \(Self.secret)"))
    #expect(!token.accepts(authorization: "Bearer  \(Self.secret)"))
    #expect(!token.accepts(authorization: "bearer \(Self.secret)"))
    #expect(!token.accepts(authorization: nil))
    let missing = fixture.directory.appendingPathComponent("none").path
    #expect(throws: DashboardStartError.self) { try BearerToken(file: missing) }
  }
}
