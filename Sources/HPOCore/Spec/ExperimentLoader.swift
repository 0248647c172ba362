import Foundation

/// An experiment spec together with the file it came from, so that paths in
/// the spec can be resolved (they are relative to the file) and warnings shown.
public struct LoadedExperiment: Sendable, Equatable {
  public var spec: ExperimentSpec
  /// The experiment file as the user named it (for messages).
  public var file: String
  /// The folder holding the experiment file; relative paths start here.
  public var baseDirectory: URL
  /// Findings that do not stop a run (a grid larger than the budget, ...).
  public var warnings: [SpecDiagnostic]

  /// `path` resolved against the experiment file's folder (absolute paths stay).
  public func resolve(_ path: String) -> URL {
    path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path).standardizedFileURL
  }

  /// The data file.
  public var dataURL: URL? { spec.data.map { resolve($0.path) } }
  /// The folder of a command model's files (`model.workdir`).
  public var workdirURL: URL? { spec.model.command.map { resolve($0.workdir) } }
  /// The output folder.
  public var outputURL: URL { resolve(spec.output.dir) }
}

/// Reads and validates experiment files in full before anything runs.
///
/// Every problem is reported, not only the first, each naming its JSON path,
/// line and column, the bad value and what is accepted. Nothing is written.
public enum ExperimentLoader {
  /// The top-level keys of an experiment.
  static let topLevelKeys = [
    "$schema", "name", "description", "data", "model", "space", "objective", "objectives", "constraints", "search",
    "early_stopping", "validation", "release", "output", "resources",
  ]

  /// Loads the experiment at `path` (relative to the current directory or absolute).
  /// - Throws: ``ExperimentError`` listing every problem; warnings come back in
  ///   ``LoadedExperiment/warnings``.
  public static func load(path: String) throws(ExperimentError) -> LoadedExperiment {
    let url = URL(fileURLWithPath: path)
    let bytes: [UInt8]
    do {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw ExperimentError(file: path, diagnostics: [
          SpecDiagnostic(.error, path: "", position: .unknown, message: "no such file; give the path of an experiment JSON file"),
        ])
      }
      if isDirectory.boolValue {
        throw ExperimentError(file: path, diagnostics: [
          SpecDiagnostic(.error, path: "", position: .unknown, message: "is a directory; give the path of an experiment JSON file"),
        ])
      }
      bytes = Array(try Data(contentsOf: url))
    } catch let error as ExperimentError {
      throw error
    } catch {
      throw ExperimentError(file: path, diagnostics: [
        SpecDiagnostic(.error, path: "", position: .unknown, message: "cannot read the file: \(error.localizedDescription)"),
      ])
    }
    return try load(bytes: bytes, file: path, baseDirectory: url.deletingLastPathComponent())
  }

  /// Validates an experiment given as JSON bytes; `file` names it in messages
  /// and `baseDirectory` anchors its relative paths.
  public static func load(bytes: [UInt8], file: String, baseDirectory: URL) throws(ExperimentError) -> LoadedExperiment {
    let document: JSONValue
    do {
      document = try JSONParser.parse(bytes)
    } catch {
      throw ExperimentError(file: file, diagnostics: [
        SpecDiagnostic(.error, path: "", position: error.position, message: "malformed JSON: \(error.message)"),
      ])
    }
    let diagnostics = SpecDiagnostics()
    let context = SpecContext(root: document, baseDirectory: baseDirectory, diagnostics: diagnostics)
    let spec = context.experiment(SpecNode(value: document, path: ""))
    // Errors first, then warnings, each in document order (as a compiler lists them).
    let ordered = diagnostics.items.enumerated().sorted { a, b in
      let (pa, pb) = (a.element.position, b.element.position)
      return (pa.line, pa.column, a.offset) < (pb.line, pb.column, b.offset)
    }.map(\.element)
    let errors = ordered.filter { $0.severity == .error }
    let warnings = ordered.filter { $0.severity == .warning }
    guard let spec, errors.isEmpty else {
      assert(!errors.isEmpty, "validation failed without reporting why")
      throw ExperimentError(file: file, diagnostics: errors + warnings)
    }
    return LoadedExperiment(spec: spec, file: file, baseDirectory: baseDirectory, warnings: warnings)
  }
}

/// The state of one validation pass: where relative paths start, and the findings.
struct SpecContext {
  /// The whole document, for positions of values found by key later.
  let root: JSONValue
  let baseDirectory: URL
  let diagnostics: SpecDiagnostics

  /// The whole experiment; `nil` when a required part could not be read.
  func experiment(_ root: SpecNode) -> ExperimentSpec? {
    guard let r = ObjectReader(root, accepting: ExperimentLoader.topLevelKeys, diagnostics,
                               what: "an experiment object {\"name\": ..., \"data\": ..., ...}")
    else { return nil }
    defer { r.finish() }

    let name = r.required("name", accepted: "a name of letters, digits, '.', '_' and '-'").flatMap(experimentName)
    // Editors link the JSON Schema with "$schema"; hpo reads nothing from it.
    _ = r.optional("$schema").flatMap { diagnostics.string($0) }
    let description = r.optional("description").flatMap { diagnostics.string($0, nonEmpty: false) }
    let dataNode = r.optional("data")
    let data = dataNode.flatMap(self.data)
    let kinds = ModelKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " | ")
    let model = r.required("model", accepted: "an object {\"kind\": \(kinds), ...}").flatMap(self.model)
    // Judge by what the file says even when the model section has other errors.
    var writtenKind = model?.kind
    if writtenKind == nil, case .string(let s)? = root.value["model"]?["kind"]?.kind { writtenKind = ModelKind(rawValue: s) }
    let dataIsOptional = writtenKind == .function || writtenKind == .command
    if dataNode == nil, !dataIsOptional {
      diagnostics.error("data", root.value.position, "missing required field; accepted: an object {\"path\": ..., \"task\": ...} (optional only for model kinds \"function\" and \"command\")")
    }
    if let dataNode, model?.kind == .function {
      diagnostics.error(dataNode, "a function model trains on no data; accepted: no \"data\" with model kind \"function\"")
    }
    let space = r.required("space", accepted: "an object of parameters {\"learning_rate\": {\"type\": \"float\", ...}}").flatMap(self.space)
    let (objective, objectives) = objectiveSection(r, task: data?.task, kind: model?.kind)
    let constraints = r.optional("constraints").flatMap { self.constraints($0, task: data?.task, kind: model?.kind) }
    let release = r.optional("release").flatMap { self.release($0, task: data?.task, kind: model?.kind) }
    let search = r.required("search", accepted: "an object {\"strategy\": ..., \"trials\": ...}").flatMap(self.search)
    let earlyStopping = r.optional("early_stopping").flatMap(self.earlyStopping)
    let validation = r.optional("validation").flatMap { self.validation($0, task: data?.task, kind: model?.kind) }
    let output = r.optional("output").flatMap { self.output($0, name: name) }
      ?? name.map { OutputSpec(dir: "runs/\($0)") }
    let resources = r.optional("resources").flatMap { self.resources($0, kind: writtenKind) }

    guard let name, let model, let space, let objective, let search, let output,
      data != nil || model.kind == .function || model.kind == .command
    else { return nil }
    if diagnostics.hasErrors { return nil }
    let spec = ExperimentSpec(
      name: name, description: description, data: data, model: model, space: space,
      objective: objective, search: search, earlyStopping: earlyStopping, validation: validation,
      output: output, resources: resources, objectives: objectives, constraints: constraints, release: release)
    crossChecks(spec)
    return spec
  }

  /// `objective` (one) or `objectives` (a list), exactly one of them: the first
  /// objective, and the list when the file wrote one.
  private func objectiveSection(_ r: ObjectReader, task: LearningTask?, kind: ModelKind?) -> (ObjectiveSpec?, [ObjectiveSpec]?) {
    let one = r.optional("objective")
    let list = r.optional("objectives")
    switch (one, list) {
    case (let one?, nil):
      return (objective(one, task: task, kind: kind), nil)
    case (nil, let list?):
      let objectives = self.objectives(list, task: task, kind: kind)
      return (objectives?.first, objectives)
    case (_?, let list?):
      diagnostics.error(list, "both \"objective\" and \"objectives\" are present; accepted: one of them (\"objectives\" for several)")
      return (nil, nil)
    case (nil, nil):
      _ = r.required("objective", accepted: "\"objective\": {\"metric\": ..., \"direction\": ...}, or \"objectives\": [...] for several")
      return (nil, nil)
    }
  }

  private func experimentName(_ node: SpecNode) -> String? {
    guard let s = diagnostics.string(node) else { return nil }
    let allowed = s.unicodeScalars.allSatisfy { c in
      (c.value < 128 && (c.properties.isAlphabetic || c.properties.numericType != nil)) || c == "." || c == "_" || c == "-"
    }
    guard allowed, s.count <= 100, !s.hasPrefix(".") else {
      diagnostics.error(node, "\(node.shown) is not a valid name; accepted: 1 to 100 letters, digits, '.', '_' and '-', not starting with '.'")
      return nil
    }
    return s
  }
}
