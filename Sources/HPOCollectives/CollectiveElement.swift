/// An element type the collectives reduce: `Float` and `Double`, sent as
/// their IEEE 754 bit patterns in the machine's byte order (the members of a
/// gang share one architecture).
public protocol CollectiveElement: BinaryFloatingPoint, BitwiseCopyable, Sendable {
  /// The element type's code on the wire.
  static var wireCode: UInt8 { get }
}

extension Float: CollectiveElement {
  public static var wireCode: UInt8 { 1 }
}

extension Double: CollectiveElement {
  public static var wireCode: UInt8 { 2 }
}
