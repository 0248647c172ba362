import ArgumentParser
import HPOClient
import HPOStore

/// `--store FILE`: read a store offline, read-only, instead of asking a coordinator.
struct StoreReadOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Read this store file instead of asking a coordinator: read-only, also while a coordinator writes it, or a copy kept after a run.",
    valueName: "file"))
  var store: String?

  /// The store opened read-only, or exit 2 with the reason (no such file, not a
  /// store, a schema of another hpo version).
  func open() throws -> StoreStatus? {
    guard let store else { return nil }
    do {
      return StoreStatus(store: try ExperimentStore.openReadOnly(path: store))
    } catch {
      FileHandleOutput.standardError("error: --store: \(error)")
      throw HPOExitCode.badInput
    }
  }
}
