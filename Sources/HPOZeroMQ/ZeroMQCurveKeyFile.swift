// The text format of CURVE key files: ZeroMQ's certificate format (ZPL).

/// The text of CURVE key files, and its parsing.
///
/// The layout is that of ZeroMQ certificate files (ZPL, as czmq's `zcert`
/// writes them; interoperability with other tools is not tested): comment
/// lines start with `#`, and the keys are Z85 strings in quotes under `curve`.
/// A secret key file (`NAME.key`, mode 0600) holds both keys:
///
/// ```
/// #   hpo CURVE secret key: keep this file private (mode 0600).
/// #   Give NAME.pub, never this file, to the peers that must know you.
///
/// metadata
/// curve
///     public-key = "<40 Z85 characters>"
///     secret-key = "<40 Z85 characters>"
/// ```
///
/// A public key file (`NAME.pub`) has the same layout without the
/// `secret-key` line; a file holding just the 40-character key on one line
/// is accepted too. Parsing is strict: a missing line, a key that is not 40 Z85
/// characters, or a public key that does not belong to the secret key is an
/// error naming the file, so a truncated or edited file is refused.
/// Pure functions on strings; thread-safe.
public enum ZeroMQCurveKeyFile {
  /// The text of a secret key file for `keyPair`.
  public static func secretText(_ keyPair: ZeroMQCurveKeyPair, name: String) -> String {
    """
    #   hpo CURVE secret key: keep this file private (mode 0600).
    #   Give \(name).pub, never this file, to the peers that must know you.

    metadata
    curve
        public-key = "\(keyPair.publicKey)"
        secret-key = "\(keyPair.secretKey)"

    """
  }

  /// The text of a public key file for `publicKey`.
  public static func publicText(_ publicKey: String, name: String) -> String {
    """
    #   hpo CURVE public key of "\(name)": give it to peers, e.g. copy it into
    #   a coordinator's --authorized-keys folder or pass it as --curve-server-key.

    metadata
    curve
        public-key = "\(publicKey)"

    """
  }

  /// The key pair in the text of a secret key file read from `path`.
  /// - Throws: ``ZeroMQKeyFileError`` `.malformed` (a line missing, a key
  ///   not 40 Z85 characters) or `.mismatch` (the public key does not belong
  ///   to the secret key), naming `path`.
  public static func parseSecret(_ text: String, path: String) throws(ZeroMQKeyFileError) -> ZeroMQCurveKeyPair {
    let fields = try parseFields(text, path: path)
    guard let secret = fields["secret-key"] else {
      let hint = fields["public-key"] != nil ? " (this looks like a public key file; pass the .key file)" : ""
      throw ZeroMQKeyFileError(.malformed, path: path, message: "no secret-key line\(hint); the file is truncated or is not a key file written by `hpo keys generate`")
    }
    try checkKey(secret, field: "secret-key", path: path)
    guard let written = fields["public-key"] else {
      throw ZeroMQKeyFileError(.malformed, path: path, message: "no public-key line; the file is truncated or edited; generate a new pair with `hpo keys generate`")
    }
    try checkKey(written, field: "public-key", path: path)
    let pair: ZeroMQCurveKeyPair
    do { pair = try ZeroMQCurveKeyPair(secretKey: secret) } catch {
      throw ZeroMQKeyFileError(.malformed, path: path, message: "secret-key is not a valid Z85 key (\(error))")
    }
    guard pair.publicKey == written else {
      throw ZeroMQKeyFileError(.mismatch, path: path, message: "public-key does not belong to secret-key: the file was edited or assembled from two key pairs; generate a new pair with `hpo keys generate`")
    }
    return pair
  }

  /// The public key in the text of a public key file read from `path`.
  /// - Throws: ``ZeroMQKeyFileError`` `.malformed`, naming `path`, also when
  ///   the file holds a secret key (a secret key must not be handed around).
  public static func parsePublic(_ text: String, path: String) throws(ZeroMQKeyFileError) -> String {
    // Just the key on one line (Z85 has '#' and '=', so look at it first).
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingASCIISpaces() }.filter { !$0.isEmpty }
    if lines.count == 1, ZeroMQCurveKeyPair.isValidZ85Key(String(lines[0])) { return String(lines[0]) }
    let fields = try parseFields(text, path: path)
    if fields["secret-key"] != nil {
      throw ZeroMQKeyFileError(.malformed, path: path, message: "holds a secret-key: a public key file must hold only the public key (pass the .pub file written by `hpo keys generate`)")
    }
    guard let key = fields["public-key"] else {
      throw ZeroMQKeyFileError(.malformed, path: path, message: "no public-key line; expected a .pub file written by `hpo keys generate`")
    }
    try checkKey(key, field: "public-key", path: path)
    return key
  }

  // MARK: Implementation

  /// The `name = "value"` pairs of a ZPL file (sections and indentation are
  /// not checked; every `=` line must have a quoted value).
  private static func parseFields(_ text: String, path: String) throws(ZeroMQKeyFileError) -> [String: String] {
    var fields: [String: String] = [:]
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingASCIISpaces()
      guard !line.isEmpty, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
      let name = line[..<equals].trimmingASCIISpaces()
      let value = line[line.index(after: equals)...].trimmingASCIISpaces()
      guard value.count >= 2, value.first == "\"", value.last == "\"" else {
        throw ZeroMQKeyFileError(.malformed, path: path, message: "line \(index + 1): \(name) has no quoted value (expected \(name) = \"<40 Z85 characters>\"); the file is truncated or edited")
      }
      guard fields[String(name)] == nil else {
        throw ZeroMQKeyFileError(.malformed, path: path, message: "line \(index + 1): \(name) appears twice")
      }
      fields[String(name)] = String(value.dropFirst().dropLast())
    }
    return fields
  }

  private static func checkKey(_ key: String, field: String, path: String) throws(ZeroMQKeyFileError) {
    guard key.utf8.count == 40 else {
      throw ZeroMQKeyFileError(.malformed, path: path, message: "\(field) is \(key.utf8.count) characters, expected 40 (a Z85 CURVE key); the file is truncated or edited")
    }
    guard ZeroMQCurveKeyPair.isValidZ85Key(key) else {
      let bad = key.first { !ZeroMQCurveKeyPair.isValidZ85Key(String(repeating: $0, count: 40)) } ?? "?"
      throw ZeroMQKeyFileError(.malformed, path: path, message: "\(field) contains '\(bad)', which is not a Z85 character; the file is corrupted or edited")
    }
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces, tabs and carriage returns.
  func trimmingASCIISpaces() -> Substring {
    let s = self[...]
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else {
      return Substring()
    }
    return Substring(s[first...last])
  }
}
