import Foundation
import HPOCore
import HPOData
import Testing

/// `hpo train` trains on the splits the coordinator prepares (HPOData's one
/// pipeline): the same training, validation and test rows.
struct DataPipelineEndToEndTests {
  @Test(arguments: ["iris-softmax.json", "diabetes-ridge.json"])
  func train_splitsAsDataPreparerDoes(_ name: String) throws {
    let experiment = HPOProcess.repository.appendingPathComponent("Experiments/" + name).path
    let loaded = try ExperimentLoader.load(path: experiment)
    let data = try #require(loaded.spec.data)
    let dataURL = try #require(loaded.dataURL)
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }  // Only a temporary folder is left behind.
    let prepared = try DataPreparer.prepare(
      spec: data, dataPath: dataURL.path, outputDirectory: dir.appendingPathComponent("data").path, as: Double.self)

    let run = try HPOProcess.run(["train", experiment], timeout: 120)
    #expect(run.exitCode == 0, "\(run.standardError)")
    let rows = "on \(prepared.train.rowCount) training, \(prepared.validation.rowCount) validation, "
      + "\(prepared.test.rowCount) test rows;"
    #expect(run.standardError.contains(rows), "\(run.standardError)")
  }
}
