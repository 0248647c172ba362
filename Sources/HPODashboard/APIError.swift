/// Why the JSON API could not answer a request: the HTTP status and a message for the
/// person who sent it, naming the parameter, the value and what is accepted. Answered as
/// `{"error": "…"}` (``DashboardResponse/error(_:)``); never a crash.
public struct APIError: Error, Equatable, CustomStringConvertible {
  /// 400, 401, 404, 405, 500 or 503.
  public var status: Int
  public var message: String

  public init(status: Int, message: String) {
    self.status = status
    self.message = message
  }

  /// Bad input in the request (query string or path): HTTP 400.
  static func badRequest(_ message: String) -> APIError { APIError(status: 400, message: message) }
  /// No such experiment, trial or path: HTTP 404.
  static func notFound(_ message: String) -> APIError { APIError(status: 404, message: message) }

  public var description: String { "\(status): \(message)" }
}
