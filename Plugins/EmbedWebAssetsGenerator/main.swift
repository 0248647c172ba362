import Foundation

// hpo-embed-assets: the tool of the EmbedWebAssets build plugin. It writes one Swift source
// holding each given file as a base64 string literal (one literal per file: fast to compile,
// byte-exact whatever the file holds), and the table `DashboardAssets.embeddedFiles` naming them.
//
//   hpo-embed-assets --output OUT.swift [--file SERVED-NAME PATH ORIGIN]...
//
// ORIGIN says where the file came from, in the generated source's comments. A file that cannot
// be read is an error naming it (exit 1); bad arguments exit 2.

/// `text` as a Swift string literal (served names hold no quote or backslash, but be exact).
func literal(_ text: String) -> String {
  "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

func fail(_ message: String, code: Int32) -> Never {
  FileHandle.standardError.write(Data("hpo-embed-assets: error: \(message)\n".utf8))
  exit(code)
}

var output: String?
var files: [(name: String, path: String, origin: String)] = []
var rest = CommandLine.arguments.dropFirst()
while let argument = rest.popFirst() {
  switch argument {
  case "--output":
    guard let path = rest.popFirst() else { fail("--output needs a path", code: 2) }
    output = path
  case "--file":
    guard let name = rest.popFirst(), let path = rest.popFirst(), let origin = rest.popFirst() else {
      fail("--file needs a served name, a path and an origin", code: 2)
    }
    files.append((name, path, origin))
  default:
    fail("unknown argument \"\(argument)\"; accepted: --output PATH, --file NAME PATH ORIGIN", code: 2)
  }
}
guard let output else { fail("no --output given", code: 2) }

/// The generated source, and written to `output` only when it changed (an unchanged page does
/// not recompile the module). A function, so that everything it holds is released before the
/// process ends (LeakSanitizer runs this tool in the sanitizer builds).
func generate(_ files: [(name: String, path: String, origin: String)], into output: String) {
  var source = """
    // Generated at build time by the EmbedWebAssets plugin (Plugins/EmbedWebAssets); do not edit.

    extension DashboardAssets {
      /// Every embedded file: the name it is served under and its bytes as base64.
      static let embeddedFiles: [(name: String, base64: String)] = [

    """
  for (index, file) in files.enumerated() {
    source += "    (\(literal(file.name)), file\(index)),\n"
  }
  source += "  ]\n"
  for (index, file) in files.enumerated() {
    guard let data = FileManager.default.contents(atPath: file.path) else {
      fail("cannot read \(file.path) (\(file.origin))", code: 1)
    }
    source += "\n  /// \(file.origin), \(data.count) bytes.\n"
    source += "  private static let file\(index) = \"\(data.base64EncodedString())\"\n"
  }
  source += "}\n"

  let bytes = Data(source.utf8)
  if FileManager.default.contents(atPath: output) != bytes {
    do {
      try bytes.write(to: URL(fileURLWithPath: output), options: .atomic)
    } catch {
      fail("cannot write \(output): \(error)", code: 1)
    }
  }
}

generate(files, into: output)
