import Foundation
import HPOCore
import HPOData
import HPOWire

extension CommandRunner {
  /// A command trial's directory and environment, ready to run.
  struct PreparedTrial {
    var directory: URL
    var checkpoint: URL
    var environment: [String: String]
  }

  /// Makes the trial's fresh directory and its environment (see the type's
  /// documentation): the code unpacked once per worker by its hash, links to
  /// it and to the cached CSV splits, the parameters, an empty checkpoint folder.
  /// - Throws: ``TrialRunError`` naming what is missing or cannot be written.
  func prepareTrial(_ a: TrialAssignment, command: CommandSpec, shardFiles: [String: URL]) throws -> PreparedTrial {
    func file(_ role: ShardRole) -> URL? {
      a.shards.first { $0.role == role }.flatMap { shardFiles[$0.sha256] }
    }
    guard let codeRef = a.shards.first(where: { $0.role == .code }), let codeFile = shardFiles[codeRef.sha256] else {
      throw TrialRunError("the assignment of a command trial has no code bundle (.code shard)")
    }
    let fm = FileManager.default
    let code = root.appendingPathComponent("code/\(codeRef.sha256)")
    if !fm.fileExists(atPath: code.path) {
      do {
        try FileBundle.unpack(Array(try Data(contentsOf: codeFile)), into: code.path)
      } catch {
        throw TrialRunError("cannot unpack the experiment's code into \(code.path): \(error)")
      }
    }
    let client: String
    do { client = try HPOClientPython.install(in: root.appendingPathComponent("client").path) } catch {
      throw TrialRunError("cannot write the Python client into \(root.path)/client: \(error)")
    }
    let name = a.evaluation.map { "evaluate-\($0.rawValue)" } ?? "trial-\(a.key.trial)"
    let directory = root.appendingPathComponent("trials/\(a.key.experiment)/\(name).\(a.key.attempt)")
    let own = directory.appendingPathComponent(".hpo")
    let checkpoint = own.appendingPathComponent("checkpoint")
    do {
      if fm.fileExists(atPath: directory.path) { try fm.removeItem(at: directory) }
      try fm.createDirectory(at: checkpoint, withIntermediateDirectories: true)
      for name in try fm.contentsOfDirectory(atPath: code.path) {
        try fm.createSymbolicLink(at: directory.appendingPathComponent(name), withDestinationURL: code.appendingPathComponent(name))
      }
    } catch {
      throw TrialRunError("cannot make the trial's directory \(directory.path): \(error)")
    }
    var environment = ProcessInfo.processInfo.environment
    let params = own.appendingPathComponent("params.json")
    let paramsJSON: String
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      paramsJSON = String(decoding: try encoder.encode(a.configuration), as: UTF8.self)
      try AtomicFile.write(Array(paramsJSON.utf8), to: params.path)
      let inputs: [(String, ShardRole, String)] = [
        ("train.csv", .trainCSV, "HPO_TRAIN"), ("validation.csv", .validationCSV, "HPO_VALIDATION"), ("test.csv", .testCSV, "HPO_TEST"),
      ]
      for (name, role, variable) in inputs {
        guard let source = file(role) else { continue }
        let link = own.appendingPathComponent(name)
        try fm.createSymbolicLink(at: link, withDestinationURL: source)
        environment[variable] = link.path
      }
    } catch {
      throw TrialRunError("cannot write the trial's inputs into \(own.path): \(error)")
    }
    environment["HPO_PARAMS"] = paramsJSON
    environment["HPO_PARAMS_FILE"] = params.path
    // An evaluate command scores a model, not a trial of this search (the champion's is none): no HPO_TRIAL.
    if a.evaluation == nil { environment["HPO_TRIAL"] = String(a.key.trial) }
    environment["HPO_ATTEMPT"] = String(a.key.attempt)
    environment["HPO_EXPERIMENT"] = a.key.experiment
    environment["HPO_SEED"] = String(a.seed)
    environment["HPO_EPOCHS"] = a.epochs.map(String.init)
    environment["HPO_CHECKPOINT_DIR"] = checkpoint.path
    if let role = a.evaluation { environment["HPO_EVALUATING"] = role.rawValue }
    environment["HPO_TRIAL_DIR"] = directory.path
    environment["HPO_REPORT_FD"] = String(CommandLaunch.reportDescriptor)
    environment["PYTHONPATH"] = [client, environment["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
    // Python's output reaches the trial's log as it is printed, not at exit.
    environment["PYTHONUNBUFFERED"] = environment["PYTHONUNBUFFERED"] ?? "1"
    // A trial of K slots may use K cores: libraries that start threads are told so.
    environment["HPO_SLOTS"] = String(a.slots)
    if a.slots > 1 {
      for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = String(a.slots) }
    }
    for (name, value) in command.env { environment[name] = value }
    if let candidateRef = a.shards.first(where: { $0.role == .candidate }), let candidateFile = shardFiles[candidateRef.sha256] {
      // An evaluate command scores this checkpoint: it is HPO_CHECKPOINT_DIR, as the trial left it.
      do {
        try fm.removeItem(at: checkpoint)
        try FileBundle.unpack(file: candidateFile.path, into: checkpoint.path)
      } catch {
        throw TrialRunError("cannot unpack the checkpoint to evaluate into \(checkpoint.path): \(error)")
      }
    }
    if let resumeRef = a.shards.first(where: { $0.role == .resume }), let resumeFile = shardFiles[resumeRef.sha256] {
      let resume = own.appendingPathComponent("resume")
      do {
        // Streaming: a checkpoint of any size unpacks through a small buffer.
        try FileBundle.unpack(file: resumeFile.path, into: resume.path)
      } catch {
        throw TrialRunError("cannot unpack the previous attempt's checkpoint into \(resume.path): \(error)")
      }
      environment["HPO_RESUME_DIR"] = resume.path
    }
    return PreparedTrial(directory: directory, checkpoint: checkpoint, environment: environment)
  }

  /// Removes a trial's directory after it ended (links, inputs and what the command wrote).
  func removeTrialDirectory(_ directory: URL) {
    do { try FileManager.default.removeItem(at: directory) } catch {
      // Disk space, not correctness: the next attempt of this trial starts from a fresh directory anyway.
      logger.warning("cannot remove a finished trial's directory", metadata: ["path": "\(directory.path)", "error": "\(error)"])
    }
  }
}
