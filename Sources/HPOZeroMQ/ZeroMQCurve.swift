// CURVE security: key pairs and the socket options that enable it.
private import CZeroMQ

/// A CURVE key pair in Z85 text form (40 characters per key).
/// A plain value (`Sendable`). `description` never prints the secret key.
public struct ZeroMQCurveKeyPair: Sendable, Hashable, CustomStringConvertible {
  /// The public key, Z85 (40 characters); give it to peers.
  public let publicKey: String
  /// The secret key, Z85 (40 characters); keep it private.
  public let secretKey: String

  /// A fresh random key pair (`zmq_curve_keypair`). Non-blocking.
  /// - Throws: ``ZeroMQError`` `ENOTSUP` if libzmq was built without CURVE.
  public static func generate() throws(ZeroMQError) -> ZeroMQCurveKeyPair {
    var publicKey = [CChar](repeating: 0, count: 41)
    var secretKey = [CChar](repeating: 0, count: 41)
    _ = try zmqCall("zmq_curve_keypair") { zmq_curve_keypair(&publicKey, &secretKey) }
    return ZeroMQCurveKeyPair(checkedPublicKey: decodeCString(publicKey), secretKey: decodeCString(secretKey))
  }

  /// The key pair of `secretKey`, deriving the public key (`zmq_curve_public`).
  /// - Throws: ``ZeroMQError`` `EINVAL` if `secretKey` is not 40 valid Z85
  ///   characters; `ENOTSUP` without CURVE support.
  public init(secretKey: String) throws(ZeroMQError) {
    guard Self.isValidZ85Key(secretKey) else { throw ZeroMQError(code: EINVAL, operation: "zmq_curve_public") }
    var publicKey = [CChar](repeating: 0, count: 41)
    _ = try zmqCall("zmq_curve_public") { zmq_curve_public(&publicKey, secretKey) }
    self.init(checkedPublicKey: decodeCString(publicKey), secretKey: secretKey)
  }

  /// A key pair from two Z85 keys, checked for form (not for matching).
  /// - Throws: ``ZeroMQError`` `EINVAL` if a key is not 40 valid Z85 characters.
  public init(publicKey: String, secretKey: String) throws(ZeroMQError) {
    guard Self.isValidZ85Key(publicKey), Self.isValidZ85Key(secretKey) else {
      throw ZeroMQError(code: EINVAL, operation: "ZeroMQCurveKeyPair")
    }
    self.init(checkedPublicKey: publicKey, secretKey: secretKey)
  }

  private init(checkedPublicKey: String, secretKey: String) {
    self.publicKey = checkedPublicKey
    self.secretKey = secretKey
  }

  /// Shows the public key only.
  public var description: String { "ZeroMQCurveKeyPair(publicKey: \(publicKey), secretKey: <redacted>)" }

  /// True if `key` is 40 characters of the Z85 alphabet (a 32-byte key).
  public static func isValidZ85Key(_ key: String) -> Bool {
    let alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
    return key.utf8.count == 40 && key.utf8.allSatisfy(alphabet.contains)
  }
}

private func decodeCString(_ buffer: [CChar]) -> String {
  String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// CURVE options. Set them before bind/connect (e.g. in the `configure`
/// closure of ``ZeroMQSocket/init(_:context:linger:bind:connect:configure:)``).
/// Non-blocking; same threading and error rules as the other options.
extension ZeroMQSocket {
  /// Makes this socket a CURVE server with `keyPair` (`ZMQ_CURVE_SERVER` = 1,
  /// `ZMQ_CURVE_SECRETKEY`). Clients must know `keyPair.publicKey`.
  /// Without a ZAP handler any client with a valid key pair is accepted.
  public func makeCurveServer(keyPair: ZeroMQCurveKeyPair) throws(ZeroMQError) {
    try setCurveServer(true)
    try setZ85(ZMQ_CURVE_SECRETKEY, keyPair.secretKey, "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)")
  }

  /// Makes this socket a CURVE client (`ZMQ_CURVE_SERVERKEY`,
  /// `ZMQ_CURVE_PUBLICKEY`, `ZMQ_CURVE_SECRETKEY`). With a wrong
  /// `serverPublicKey` nothing is delivered and no call fails: the handshake
  /// fails on the wire, visible only through ``monitor(events:)``.
  public func makeCurveClient(keyPair: ZeroMQCurveKeyPair, serverPublicKey: String) throws(ZeroMQError) {
    try setZ85(ZMQ_CURVE_SERVERKEY, serverPublicKey, "zmq_setsockopt(ZMQ_CURVE_SERVERKEY)")
    try setZ85(ZMQ_CURVE_PUBLICKEY, keyPair.publicKey, "zmq_setsockopt(ZMQ_CURVE_PUBLICKEY)")
    try setZ85(ZMQ_CURVE_SECRETKEY, keyPair.secretKey, "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)")
  }

  /// `ZMQ_CURVE_SERVER`: act as the CURVE server side.
  public func setCurveServer(_ enabled: Bool) throws(ZeroMQError) {
    try setInt32(ZMQ_CURVE_SERVER, enabled ? 1 : 0, "zmq_setsockopt(ZMQ_CURVE_SERVER)")
  }

  /// `ZMQ_CURVE_SERVER`.
  public var isCurveServer: Bool {
    get throws(ZeroMQError) { try getInt32(ZMQ_CURVE_SERVER, "zmq_getsockopt(ZMQ_CURVE_SERVER)") != 0 }
  }

  /// `ZMQ_CURVE_PUBLICKEY` (Z85): this socket's long-term public key.
  public func setCurvePublicKey(_ z85: String) throws(ZeroMQError) {
    try setZ85(ZMQ_CURVE_PUBLICKEY, z85, "zmq_setsockopt(ZMQ_CURVE_PUBLICKEY)")
  }

  /// `ZMQ_CURVE_SECRETKEY` (Z85): this socket's long-term secret key.
  public func setCurveSecretKey(_ z85: String) throws(ZeroMQError) {
    try setZ85(ZMQ_CURVE_SECRETKEY, z85, "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)")
  }

  /// `ZMQ_CURVE_SERVERKEY` (Z85, clients only): the server's public key.
  public func setCurveServerKey(_ z85: String) throws(ZeroMQError) {
    try setZ85(ZMQ_CURVE_SERVERKEY, z85, "zmq_setsockopt(ZMQ_CURVE_SERVERKEY)")
  }

  /// Passes a Z85 key as 41 bytes (40 characters plus NUL), which libzmq
  /// decodes; anything else is `EINVAL`.
  private func setZ85(_ option: Int32, _ key: String, _ operation: StaticString) throws(ZeroMQError) {
    guard ZeroMQCurveKeyPair.isValidZ85Key(key) else { throw ZeroMQError(code: EINVAL, operation: operation.description) }
    try setBytes(option, Array(key.utf8) + [0], operation)
  }
}
