import HPOCore

/// One message a command sends to its worker: a line "@@hpo {json}" on its
/// standard output or on the report socket (issue 18's protocol, byte for byte).
public enum CommandMessage: Sendable, Equatable {
  /// `{"type":"report","epoch":3,"metrics":{"loss":0.3}}`: an epoch's metrics; the
  /// worker answers "continue" or "stop" on the channel the line came on.
  case report(epoch: Int, metrics: [String: Double])
  /// `{"type":"final","metrics":{...}}`: the trial's final metrics.
  case final(metrics: [String: Double])
  /// `{"type":"infeasible","reason":"..."}`: this configuration cannot run (the
  /// command then exits 78).
  case infeasible(reason: String)
}

/// Why a protocol line was refused; the trial goes on (the worker logs it).
public struct CommandMalformedLine: Error, Sendable, Equatable, CustomStringConvertible {
  /// The line as received (prefix included, newline not), cut to its first
  /// ``CommandProtocol/quotedBytes`` bytes, as text (invalid UTF-8 replaced).
  public var line: String
  /// What is wrong, in words ("epoch must be an integer >= 1, got 0").
  public var reason: String
  /// Where it came from.
  public var channel: CommandChannel

  public init(line: String, reason: String, channel: CommandChannel) {
    self.line = line
    self.reason = reason
    self.channel = channel
  }

  public var description: String { "malformed @@hpo line on \(channel) (\(reason)): \(line)" }
}

/// The two ways a command reports: its standard output (answers go to its
/// standard input) or the report socket (answers go back on the socket).
public enum CommandChannel: Sendable, Equatable, CustomStringConvertible {
  case standardOutput
  case reportSocket

  public var description: String {
    switch self {
    case .standardOutput: return "standard output"
    case .reportSocket: return "the report socket"
    }
  }
}

/// The byte-level rules of the protocol and the parser of one line.
public enum CommandProtocol {
  /// Every protocol line starts with these 6 bytes: "@@hpo ".
  public static let prefix: [UInt8] = Array("@@hpo ".utf8)
  /// The longest accepted line, prefix included, newline not: 65,536 bytes.
  public static let maximumLineBytes = 65_536
  /// How much of a malformed line a warning quotes.
  public static let quotedBytes = 200

  /// The worker's answers to a report, newline included.
  public static let continueLine: [UInt8] = Array("continue\n".utf8)
  public static let stopLine: [UInt8] = Array("stop\n".utf8)

  /// Parses one line (prefix included, without its newline; a trailing "\r" is
  /// allowed). Unknown fields are ignored; a missing or ill-typed field, an
  /// unknown type, bad JSON or a non-finite metric is malformed.
  /// - Throws: ``CommandMalformedLine`` quoting the line's first 200 bytes.
  public static func parse(_ line: some Collection<UInt8>, channel: CommandChannel) throws(CommandMalformedLine) -> CommandMessage {
    func malformed(_ reason: String) -> CommandMalformedLine {
      CommandMalformedLine(line: quote(line), reason: reason, channel: channel)
    }
    guard line.count <= maximumLineBytes else {
      throw malformed("longer than \(maximumLineBytes) bytes")
    }
    guard line.starts(with: prefix) else { throw malformed("does not start with \"@@hpo \"") }
    let json = Array(line.dropFirst(prefix.count))
    guard json.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
      throw malformed("no JSON object after \"@@hpo \"")
    }
    let value: JSONValue
    do { value = try JSONParser.parse(json) } catch { throw malformed("bad JSON: \(error.message) (at column \(error.position.column) after the prefix)") }
    guard case .object = value.kind else { throw malformed("expected a JSON object, got \(value.typeDescription)") }
    guard let typeValue = value["type"] else { throw malformed("the \"type\" field is missing") }
    guard case .string(let type) = typeValue.kind else {
      throw malformed("\"type\" must be a string, got \(typeValue.typeDescription)")
    }
    do {
      return try message(value, type: type)
    } catch {
      throw malformed(error.text)
    }
  }

  /// The message of type `type` in the object `value`.
  private static func message(_ value: JSONValue, type: String) throws(Reason) -> CommandMessage {
    switch type {
    case "report":
      guard let epochValue = value["epoch"] else { throw Reason("the \"epoch\" field is missing") }
      guard case .number(let n) = epochValue.kind, let epoch = n.int, epoch >= 1 else {
        throw Reason("\"epoch\" must be an integer >= 1, got \(epochValue.compactText)")
      }
      return .report(epoch: epoch, metrics: try metrics(value))
    case "final":
      return .final(metrics: try metrics(value))
    case "infeasible":
      guard let reasonValue = value["reason"] else { throw Reason("the \"reason\" field is missing") }
      guard case .string(let reason) = reasonValue.kind else {
        throw Reason("\"reason\" must be a string, got \(reasonValue.typeDescription)")
      }
      return .infeasible(reason: reason)
    default:
      throw Reason("unknown type \(JSONWriter.quote(type)); accepted: \"report\", \"final\", \"infeasible\"")
    }
  }

  /// The "metrics" object of `value`: names to finite numbers.
  private static func metrics(_ value: JSONValue) throws(Reason) -> [String: Double] {
    guard let metricsValue = value["metrics"] else { throw Reason("the \"metrics\" field is missing") }
    guard case .object(let members) = metricsValue.kind else {
      throw Reason("\"metrics\" must be an object of names to numbers, got \(metricsValue.typeDescription)")
    }
    var result: [String: Double] = [:]
    for member in members {
      guard case .number(let n) = member.value.kind else {
        throw Reason("metric \(JSONWriter.quote(member.key)) must be a number, got \(member.value.typeDescription)")
      }
      guard n.double.isFinite else { throw Reason("metric \(JSONWriter.quote(member.key)) is not finite: \(n.literal)") }
      result[member.key] = n.double
    }
    return result
  }

  /// The first ``quotedBytes`` bytes of `line` as text, for a warning.
  static func quote(_ line: some Collection<UInt8>) -> String {
    String(decoding: line.prefix(quotedBytes), as: UTF8.self)
  }

  /// A reason a message is malformed, thrown inside ``parse(_:channel:)``.
  private struct Reason: Error {
    var text: String
    init(_ text: String) { self.text = text }
  }
}
