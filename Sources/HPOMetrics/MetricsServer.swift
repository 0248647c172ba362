import FlyingFox
import Foundation
import HPOCore

/// An HTTP server for Prometheus: `GET /metrics` answers the exporter's text;
/// any other path 404. Runs on its own task until ``stop()``.
public final class MetricsServer: Sendable {
  /// Why the server could not start.
  public struct StartError: Error, CustomStringConvertible {
    public var description: String
  }

  private let server: HTTPServer
  private let task: Task<Void, Never>
  /// The address it listens on, e.g. `127.0.0.1:9464`.
  public let address: String

  /// Binds `host:port` (`port` 0: any free port) and starts serving; throws
  /// ``StartError`` naming the address when it cannot listen within 5 s.
  public init(host: String, port: UInt16, exporter: PrometheusExporter) throws {
    // Failures are reported by throwing, not by FlyingFox's own log lines.
    let server = HTTPServer(address: try Self.address(host: host, port: port), logger: .disabled)
    self.server = server
    Self.wait {
      await server.appendRoute("GET /metrics") { _ in
        HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(exporter.render()))
      }
    }
    let failure = Locked<String?>(nil)
    let task = Task {
      do { try await server.run() } catch { failure.withLock { $0 = "\(error)" } }
    }
    self.task = task
    // Listening, or failed (address in use, permission), or 5 s passed.
    let outcome: Result<Int?, StartError> = Self.wait {
      for _ in 0..<100 {
        if let bound = await server.listeningAddress {
          switch bound {
          case .ip4(_, let port), .ip6(_, let port): return .success(Int(port))
          default: return .success(nil)
          }
        }
        if let failed = failure.value { return .failure(StartError(description: failed)) }
        // Cancellation ends the wait early; the loop then checks the state again, as it should.
        try? await Task.sleep(for: .milliseconds(50))
      }
      return .failure(StartError(description: "not listening after 5 s"))
    }
    switch outcome {
    case .success(let bound):
      address = "\(host):\(bound ?? Int(port))"
    case .failure(let reason):
      task.cancel()
      throw StartError(description: "cannot serve metrics on \(host):\(port): \(reason)")
    }
  }

  /// Stops serving (open scrapes get a second to finish).
  public func stop() {
    let server = self.server
    Self.wait { await server.stop(timeout: 1) }
    task.cancel()
  }

  private static func address(host: String, port: UInt16) throws -> sockaddr_in {
    do {
      return try sockaddr_in.inet(ip4: host, port: port)
    } catch {
      throw StartError(description: "--http \(host):\(port): \(host) is not an IPv4 address; give one such as 127.0.0.1 or 0.0.0.0")
    }
  }

  /// Runs async work to completion from synchronous code.
  @discardableResult
  private static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let box = Locked<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
      let value = await work()
      box.withLock { $0 = value }
      done.signal()
    }
    done.wait()
    // The task set it before signalling.
    return box.value!
  }
}

