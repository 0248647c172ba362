import HPOCore
import HPODrift
import HPOONNX
import Logging

extension ReleaseStage {
  /// The release stage every hpo command runs (the coordinator's after each
  /// search, and `hpo evaluate`'s): held-out evaluation, gates, package and
  /// reports, with `model.onnx`, `data-profile.json` and `test-outputs.json` in the package and the
  /// data gates of `validation.new_data`.
  ///
  /// - Parameter experimentDirectory: the experiment file's folder, for the git
  ///   commit in the manifest.
  public static func standard(logger: Logger, experimentDirectory: String? = nil) -> ReleaseStage {
    ReleaseStage(
      extraFiles: { checkpoint, spec, _ in
        var files = ["model.onnx": try ONNXExport.modelData(for: checkpoint)]
        if let data = spec.data {
          files[DataProfile.fileName] = Array(try DataProfile.make(spec: data, dataPath: data.path).json().utf8)
          files[ModelOutputs.fileName] = Array(try ModelOutputs.testSplit(checkpoint, spec: data).json().utf8)
        }
        return files
      },
      extraGates: { checkpoint, spec, _ in
        guard let data = spec.data, spec.validation?.newData != nil else { return [] }
        return DataGates.evaluate(
          spec: spec, profile: try DataProfile.make(spec: data, dataPath: data.path), model: checkpoint,
          testOutputs: try ModelOutputs.testSplit(checkpoint, spec: data))
      },
      experimentDirectory: experimentDirectory, logger: logger)
  }
}
