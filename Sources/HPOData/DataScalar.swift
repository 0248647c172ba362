/// The element type of a feature matrix: 32- or 64-bit IEEE floating point.
public enum DataType: String, Sendable, Equatable, CaseIterable {
  case float32, float64

  /// Bytes per element.
  public var byteCount: Int { self == .float32 ? 4 : 8 }

  /// The code written in shard headers (1 = float32, 2 = float64).
  var shardCode: UInt32 { self == .float32 ? 1 : 2 }

  init?(shardCode: UInt32) {
    switch shardCode {
    case 1: self = .float32
    case 2: self = .float64
    default: return nil
    }
  }
}

/// A scalar that features can be stored as: `Float` or `Double`.
///
/// Features are parsed straight into this type (correctly rounded from the
/// decimal text, never through the other type), so `Dataset<Float>` holds the
/// same values `Float(String)` would give and `Dataset<Double>` those of
/// `Double(String)`. Statistics and preprocessing parameters are always `Double`.
public protocol DataScalar: BinaryFloatingPoint, Sendable {
  /// The matching ``DataType``.
  static var dataType: DataType { get }
  /// The nearest value of this type to `value`.
  init(_ value: Double)
  /// The value as a `Double` (exact).
  var doubleValue: Double { get }
}

extension Float: DataScalar {
  public static var dataType: DataType { .float32 }
  public var doubleValue: Double { Double(self) }
}

extension Double: DataScalar {
  public static var dataType: DataType { .float64 }
  public var doubleValue: Double { self }
}
