import Foundation

/// The secret a client must send as `Authorization: Bearer TOKEN` when the dashboard serves
/// beyond loopback. Compared in constant time: the time taken depends only on the expected
/// token's length, never on how many leading bytes of a guess are right.
public struct BearerToken: Sendable, Equatable {
  /// Shorter tokens are refused (guessable).
  public static let minimumLength = 16
  private let bytes: [UInt8]

  /// `text` as a token, or ``DashboardStartError/Kind/badToken(file:reason:)`` naming `source`.
  public init(_ text: String, source: String = "the token") throws(DashboardStartError) {
    let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard token.count >= Self.minimumLength else {
      throw DashboardStartError(.badToken(
        file: source, reason: "the token has \(token.count) characters; give at least \(Self.minimumLength)"))
    }
    guard !token.contains(where: \.isWhitespace) else {
      throw DashboardStartError(.badToken(file: source, reason: "the token contains whitespace; give one word"))
    }
    bytes = Array(token.utf8)
  }

  /// The token in the file at `path` (surrounding whitespace and the final newline ignored).
  public init(file path: String) throws(DashboardStartError) {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw DashboardStartError(.badToken(file: path, reason: "cannot be read (\(error.localizedDescription))"))
    }
    try self.init(text, source: path)
  }

  /// Whether `header` (the request's `Authorization` value) is `Bearer` and this token.
  public func accepts(authorization header: String?) -> Bool {
    guard let header, header.hasPrefix("Bearer ") else { return false }
    let given = Array(header.utf8.dropFirst(7))
    var difference: UInt8 = given.count == bytes.count ? 0 : 1
    for i in bytes.indices {
      difference |= bytes[i] ^ (i < given.count ? given[i] : 0)
    }
    return difference == 0
  }
}
