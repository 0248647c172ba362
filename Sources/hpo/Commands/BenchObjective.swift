import Foundation
import HPOCore

#if canImport(Glibc)
  import Glibc
#endif

/// A search space read from a JSON file for `hpo bench search --space`: the
/// file's "space" object (or the whole file, if it has no "space" member) in
/// the experiment format.
enum BenchSpaceFile {
  struct LoadError: Error {
    var message: String
  }

  static func load(_ path: String) throws -> SearchSpace {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LoadError(message: "cannot read the file; give the path of a JSON file with a \"space\" object")
    }
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw LoadError(message: "malformed JSON: \(error.localizedDescription)")
    }
    guard let top = object as? [String: Any] else {
      throw LoadError(message: "expected a JSON object with a \"space\" member")
    }
    let spaceObject = (top["space"] as? [String: Any]) ?? top
    guard !spaceObject.isEmpty else { throw LoadError(message: "the space has no parameters") }
    let space: SearchSpace
    do {
      let bytes = try JSONSerialization.data(withJSONObject: spaceObject)
      space = try JSONDecoder().decode(SearchSpace.self, from: bytes)
    } catch {
      throw LoadError(message: "not a space in the experiment format: \(error)")
    }
    for p in space.parameters {
      switch p.domain {
      case .float(let r):
        guard r.low < r.high, !r.log || r.low > 0 else {
          throw LoadError(message: "\(p.name): needs low < high (and low > 0 when log)")
        }
      case .int(let r):
        guard r.low < r.high, r.step >= 1, !r.log || r.low >= 1 else {
          throw LoadError(message: "\(p.name): needs low < high, step ≥ 1 (and low ≥ 1 when log)")
        }
      case .categorical(let choices):
        guard !choices.isEmpty else { throw LoadError(message: "\(p.name): needs at least one choice") }
      case .fixed:
        break
      }
    }
    return space
  }
}

/// An objective evaluated by a shell command: the configuration goes to its
/// standard input as one JSON object line; the first number it prints is the value.
struct ObjectiveCommand: Sendable {
  var command: String

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Makes a command that exits without reading its input a failed trial
  /// rather than a SIGPIPE for hpo.
  static func ignoreBrokenPipes() {
    _ = signal(SIGPIPE, SIG_IGN)
  }

  func evaluate(_ config: Configuration) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    // A command that exits without reading its input (EPIPE) is judged by its output and exit
    // status below, which say more than the broken pipe.
    try? input.fileHandleForWriting.write(contentsOf: Data((config.description + "\n").utf8))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(description: "the objective command exited with status \(process.terminationStatus)")
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let token = text.split(whereSeparator: { $0.isWhitespace }).first, let value = Double(token) else {
      throw Failure(description: "the objective command printed no number")
    }
    return value
  }
}
