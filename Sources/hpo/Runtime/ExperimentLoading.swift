import HPOCore

/// Loads an experiment file, printing its problems and exiting 2 when it is invalid.
func loadExperiment(_ path: String) throws -> LoadedExperiment {
  do {
    let loaded = try ExperimentLoader.load(path: path)
    for w in loaded.warnings { FileHandleOutput.standardError(w.rendered(file: path)) }
    return loaded
  } catch {
    FileHandleOutput.standardError(error.rendered)
    throw HPOExitCode.badInput
  }
}
