// Why a CURVE key file or folder could not be used.

/// A key file that cannot be read, parsed or written, always naming the
/// file: a missing file, a secret key readable by others, a truncated or
/// edited file, a file that already exists. A plain value.
public struct ZeroMQKeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What kind of problem it is; stable for callers choosing an exit code.
  public struct Code: Equatable, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Equatable, Hashable, Sendable {
      case notFound, permissions, malformed, mismatch, exists, unreadable, writeFailed
    }
    private let kind: Kind

    /// The file or folder does not exist.
    public static let notFound = Code(kind: .notFound)
    /// A secret key file that group or others may read (or write), or not a regular file.
    public static let permissions = Code(kind: .permissions)
    /// Not a key file of the expected kind: a missing line, a key of the
    /// wrong length or with characters outside Z85 (a truncated or edited file).
    public static let malformed = Code(kind: .malformed)
    /// The public key written in a secret key file does not belong to its secret key.
    public static let mismatch = Code(kind: .mismatch)
    /// Writing would replace an existing file.
    public static let exists = Code(kind: .exists)
    /// The file exists but cannot be read (permissions of a folder, I/O error).
    public static let unreadable = Code(kind: .unreadable)
    /// The file could not be written (disk full, read-only folder, ...).
    public static let writeFailed = Code(kind: .writeFailed)

    public var description: String { "\(kind)" }
  }

  /// What went wrong.
  public let code: Code
  /// The file or folder concerned.
  public let path: String
  /// What is wrong with it and what to do, without the path.
  public let message: String

  /// An error about `path`.
  public init(_ code: Code, path: String, message: String) {
    self.code = code
    self.path = path
    self.message = message
  }

  /// `"<path>: <message>"`.
  public var description: String { "\(path): \(message)" }
}
