import Foundation
import HPOCore

/// A model's outputs on a set of rows, for prediction drift: the predicted
/// value (regression) or the predicted class index (classification) per row.
/// A package stores the outputs on its test split as `test-outputs.json`
/// (versioned, sorted keys); `hpo drift` compares the outputs on new data
/// with them. Packages made before this file existed skip that check.
public struct ModelOutputs: Sendable, Equatable, Codable {
  /// The file name inside a package.
  public static let fileName = "test-outputs.json"
  /// The format version this build writes and reads.
  public static let formatVersion = 1

  public var format: Int
  public var task: LearningTask
  /// Regression: the predicted values (finite ones; a non-finite prediction
  /// fails the stress gate and is left out here).
  public var values: [Double]?
  /// Classification: the predicted class index per row, in 0..<classCount.
  public var classes: [Int]?
  /// Classification: the number of classes.
  public var classCount: Int?

  enum CodingKeys: String, CodingKey {
    case format, task, values, classes
    case classCount = "class_count"
  }

  public static func regression(_ values: [Double]) -> ModelOutputs {
    ModelOutputs(format: formatVersion, task: .regression, values: values.filter(\.isFinite), classes: nil, classCount: nil)
  }

  public static func classification(_ classes: [Int], classCount: Int) -> ModelOutputs {
    ModelOutputs(format: formatVersion, task: .classification, values: nil, classes: classes, classCount: classCount)
  }

  /// Rows described.
  public var count: Int { values?.count ?? classes?.count ?? 0 }

  /// Predicted rows per class (classification), else nil.
  public var classCounts: [Int]? {
    guard let classes, let classCount else { return nil }
    var counts = [Int](repeating: 0, count: classCount)
    for c in classes where c >= 0 && c < classCount { counts[c] += 1 }
    return counts
  }

  /// Pretty-printed JSON with sorted keys and a final newline.
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    // Values are finite and classes are integers, so encoding cannot fail.
    guard let data = try? encoder.encode(self) else { preconditionFailure("model outputs hold only finite numbers") }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Reads what ``json()`` wrote.
  /// - Throws: ``DriftError`` `.badProfile` naming `file` and the problem.
  public init(json bytes: [UInt8], file: String) throws(DriftError) {
    let outputs: ModelOutputs
    do {
      outputs = try JSONDecoder().decode(ModelOutputs.self, from: Data(bytes))
    } catch {
      throw DriftError(.badProfile, file: file, message: "is not a file of model outputs this build reads: \(error)")
    }
    guard outputs.format == Self.formatVersion else {
      throw DriftError(.badProfile, file: file, message: "has format \(outputs.format); this build reads format \(Self.formatVersion)")
    }
    switch outputs.task {
    case .regression:
      guard let values = outputs.values, values.allSatisfy(\.isFinite), outputs.classes == nil else {
        throw DriftError(.badProfile, file: file, message: "regression outputs need finite \"values\" and no \"classes\"")
      }
    case .classification:
      guard let classes = outputs.classes, let k = outputs.classCount, k >= 2, classes.allSatisfy({ $0 >= 0 && $0 < k }) else {
        throw DriftError(.badProfile, file: file, message: "classification outputs need \"classes\" in 0..<\"class_count\" (at least 2)")
      }
    }
    self = outputs
  }

  private init(format: Int, task: LearningTask, values: [Double]?, classes: [Int]?, classCount: Int?) {
    self.format = format
    self.task = task
    self.values = values
    self.classes = classes
    self.classCount = classCount
  }
}
