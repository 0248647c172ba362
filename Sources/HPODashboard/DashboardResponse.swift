import Foundation

/// What the dashboard answers to one request, independent of the HTTP library:
/// a status, a content type and the body's bytes.
public struct DashboardResponse: Sendable, Equatable {
  public var status: Int
  public var contentType: String
  public var body: Data

  public init(status: Int, contentType: String, body: Data) {
    self.status = status
    self.contentType = contentType
    self.body = body
  }

  /// `value` as JSON (``DashboardJSON``), status 200 unless told.
  static func json(_ value: some Encodable, status: Int = 200) throws -> DashboardResponse {
    DashboardResponse(status: status, contentType: DashboardJSON.contentType, body: try DashboardJSON.encode(value))
  }

  /// `{"error": message}` with the error's status.
  public static func error(_ error: APIError) -> DashboardResponse {
    // A dictionary of one string cannot fail to encode.
    let body = (try? DashboardJSON.encode(["error": error.message])) ?? Data("{\"error\": \"unknown\"}".utf8)
    return DashboardResponse(status: error.status, contentType: DashboardJSON.contentType, body: body)
  }
}
