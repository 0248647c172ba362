// CURVE key files: the format, permissions, truncation and tampering.
import Foundation
import HPOZeroMQ
import Testing

@Suite struct KeyFileTests {
  /// A fresh folder under the temporary directory.
  func folder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-keys-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
  }

  func write(_ text: String, _ path: String, mode: Int = 0o600) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
  }

  @Test func write_thenLoad_givesTheSamePairWithOwnerOnlySecret() throws {
    let dir = try folder() + "/new/sub"
    let pair = try ZeroMQCurveKeyPair.generate()
    let paths = try ZeroMQCurveKeyFile.write(pair, directory: dir, name: "w1", force: false)
    #expect(paths.secret == dir + "/w1.key")
    #expect(paths.public == dir + "/w1.pub")
    #expect(try mode(paths.secret) == 0o600)
    #expect(try mode(dir) == 0o700)
    #expect(try ZeroMQCurveKeyFile.loadSecret(path: paths.secret) == pair)
    #expect(try ZeroMQCurveKeyFile.loadPublic(path: paths.public) == pair.publicKey)
    let publicText = try String(contentsOfFile: paths.public, encoding: .utf8)
    #expect(!publicText.contains(pair.secretKey))
    #expect(publicText.contains("public-key = \"\(pair.publicKey)\""))
    // No temporary file is left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["w1.key", "w1.pub"])
  }

  @Test func write_refusesToReplaceUnlessForced() throws {
    let dir = try folder()
    let first = try ZeroMQCurveKeyPair.generate()
    _ = try ZeroMQCurveKeyFile.write(first, directory: dir, name: "hpo", force: false)
    let second = try ZeroMQCurveKeyPair.generate()
    let error = #expect(throws: ZeroMQKeyFileError.self) {
      _ = try ZeroMQCurveKeyFile.write(second, directory: dir, name: "hpo", force: false)
    }
    #expect(error?.code == .exists)
    #expect(error?.path == dir + "/hpo.key")
    #expect(try ZeroMQCurveKeyFile.loadSecret(path: dir + "/hpo.key") == first, "the old key is untouched")
    // Only the .pub exists: still refused, and no .key is written.
    try FileManager.default.removeItem(atPath: dir + "/hpo.key")
    let again = #expect(throws: ZeroMQKeyFileError.self) {
      _ = try ZeroMQCurveKeyFile.write(second, directory: dir, name: "hpo", force: false)
    }
    #expect(again?.path == dir + "/hpo.pub")
    #expect(!FileManager.default.fileExists(atPath: dir + "/hpo.key"))
    let notAFolder = #expect(throws: ZeroMQKeyFileError.self) {
      _ = try ZeroMQCurveKeyFile.write(second, directory: dir + "/hpo.pub", name: "x", force: false)
    }
    #expect(notAFolder?.description == "\(dir)/hpo.pub: exists and is not a folder; pass a folder for the key files")
    _ = try ZeroMQCurveKeyFile.write(second, directory: dir, name: "hpo", force: true)
    #expect(try ZeroMQCurveKeyFile.loadSecret(path: dir + "/hpo.key") == second)
    #expect(try ZeroMQCurveKeyFile.loadPublic(path: dir + "/hpo.pub") == second.publicKey)
  }

  @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o602])
  func loadSecret_refusesAFileOthersCanReadOrWrite(_ bits: Int) throws {
    let dir = try folder()
    let paths = try ZeroMQCurveKeyFile.write(try .generate(), directory: dir, name: "k", force: false)
    try FileManager.default.setAttributes([.posixPermissions: bits], ofItemAtPath: paths.secret)
    let error = #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.loadSecret(path: paths.secret) }
    #expect(error?.code == .permissions)
    #expect(error?.description.hasPrefix(paths.secret + ": has mode 0" + String(bits, radix: 8)) == true, "\(String(describing: error))")
    #expect(error?.message.contains("chmod 600") == true)
  }

  @Test func loadSecret_refusesEveryTruncationNamingThePath() throws {
    let dir = try folder()
    let paths = try ZeroMQCurveKeyFile.write(try .generate(), directory: dir, name: "k", force: false)
    let whole = try String(contentsOfFile: paths.secret, encoding: .utf8)
    let bytes = Array(whole.utf8)
    // Everything up to the secret key's closing quote is needed; only the final newline may go.
    for length in 0..<(bytes.count - 1) {
      let cut = dir + "/cut.key"
      try write(String(decoding: bytes[..<length], as: UTF8.self), cut)
      let error = #expect(throws: ZeroMQKeyFileError.self, "length \(length)") { _ = try ZeroMQCurveKeyFile.loadSecret(path: cut) }
      #expect(error?.path == cut)
      #expect(error?.code == .malformed)
    }
  }

  @Test func loadSecret_refusesEditedFiles() throws {
    let dir = try folder()
    let pair = try ZeroMQCurveKeyPair.generate(), other = try ZeroMQCurveKeyPair.generate()
    let path = dir + "/k.key"
    func refused(_ text: String) throws -> ZeroMQKeyFileError? {
      try write(text, path)
      return #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.loadSecret(path: path) }
    }
    // Public key of another pair: the halves do not belong together.
    let mixed = ZeroMQCurveKeyFile.secretText(pair, name: "k").replacingOccurrences(of: pair.publicKey, with: other.publicKey)
    let mismatch = try refused(mixed)
    #expect(mismatch?.code == .mismatch)
    #expect(mismatch?.description == "\(path): public-key does not belong to secret-key: the file was edited or assembled from two key pairs; generate a new pair with `hpo keys generate`")
    // A character outside Z85.
    var badKey = Array(pair.secretKey)
    badKey[7] = "~"
    let badText = try refused(ZeroMQCurveKeyFile.secretText(pair, name: "k").replacingOccurrences(of: pair.secretKey, with: String(badKey)))
    #expect(badText?.message.hasPrefix("secret-key contains '~', which is not a Z85 character") == true)
    // One character short.
    let short = try refused(ZeroMQCurveKeyFile.secretText(pair, name: "k").replacingOccurrences(of: pair.secretKey, with: String(pair.secretKey.dropLast())))
    #expect(short?.message.hasPrefix("secret-key is 39 characters, expected 40") == true)
    // A public key file passed as the secret one.
    let publicOnly = try refused(ZeroMQCurveKeyFile.publicText(pair.publicKey, name: "k"))
    #expect(publicOnly?.message.contains("this looks like a public key file") == true)
    // Not text at all.
    try Data([0xff, 0xfe, 0x00, 0x41]).write(to: URL(fileURLWithPath: path))
    let binary = #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.loadSecret(path: path) }
    #expect(binary?.code == .malformed)
  }

  @Test func loadSecret_missingFile() throws {
    let path = try folder() + "/none.key"
    let error = #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.loadSecret(path: path) }
    #expect(error?.code == .notFound)
    #expect(error?.description == "\(path): no such file")
  }

  @Test func parsePublic_acceptsTheBareKeyAndRefusesSecrets() throws {
    let pair = try ZeroMQCurveKeyPair.generate()
    #expect(try ZeroMQCurveKeyFile.parsePublic("\(pair.publicKey)\n", path: "p") == pair.publicKey)
    #expect(try ZeroMQCurveKeyFile.parsePublic(ZeroMQCurveKeyFile.publicText(pair.publicKey, name: "x"), path: "p") == pair.publicKey)
    let secret = #expect(throws: ZeroMQKeyFileError.self) {
      _ = try ZeroMQCurveKeyFile.parsePublic(ZeroMQCurveKeyFile.secretText(pair, name: "x"), path: "p")
    }
    #expect(secret?.message.hasPrefix("holds a secret-key") == true)
    let empty = #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.parsePublic("", path: "p") }
    #expect(empty?.description == "p: no public-key line; expected a .pub file written by `hpo keys generate`")
  }

  @Test func authorizedKeys_readsEveryPubFileAndNamesABadOne() throws {
    let dir = try folder()
    let a = try ZeroMQCurveKeyPair.generate(), b = try ZeroMQCurveKeyPair.generate()
    try write(ZeroMQCurveKeyFile.publicText(a.publicKey, name: "a"), dir + "/alice.pub", mode: 0o644)
    try write(b.publicKey + "\n", dir + "/bob.pub", mode: 0o644)
    try write("not a key", dir + "/notes.txt", mode: 0o644)
    #expect(try ZeroMQCurveKeyFile.loadAuthorizedKeys(directory: dir) == [a.publicKey: "alice", b.publicKey: "bob"])
    try write("    public-key = \"\(a.publicKey.prefix(20))", dir + "/carol.pub", mode: 0o644)
    let bad = #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.loadAuthorizedKeys(directory: dir) }
    #expect(bad?.path == dir + "/carol.pub")
    let emptyDir = try folder()
    let empty = #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.loadAuthorizedKeys(directory: emptyDir) }
    #expect(empty?.path == emptyDir)
    #expect(empty?.message.hasPrefix("holds no *.pub file") == true)
    let missing = #expect(throws: ZeroMQKeyFileError.self) { _ = try ZeroMQCurveKeyFile.loadAuthorizedKeys(directory: emptyDir + "/nope") }
    #expect(missing?.code == .notFound)
  }
}
