import HPOCore
import HPOData
import HPOLinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The element type a model computes in: `Float` (the default, sgemm) or
/// `Double` (`"precision": "float64"`, and every closed-form solve).
///
/// Internal: generic model code is specialised for both types by the
/// compiler, and the transcendental functions below resolve to libm's `f`
/// and plain variants, so inner loops run at full speed.
protocol ModelScalar: LinearAlgebraScalar, DataScalar {
  /// The ``Precision`` this type implements.
  static var precision: Precision { get }
  static func exp(_ x: Self) -> Self
  static func log(_ x: Self) -> Self
  static func tanh(_ x: Self) -> Self
  static func erf(_ x: Self) -> Self
  static func cos(_ x: Self) -> Self
  /// h ← max(z, 0) over `count` elements (NaN maps to 0).
  static func relu(_ z: UnsafePointer<Self>, into h: UnsafeMutablePointer<Self>, count: Int)
  /// δ ← (z > 0 ? δ : 0) over `count` elements.
  static func reluDerivative(_ z: UnsafePointer<Self>, delta: UnsafeMutablePointer<Self>, count: Int)
  /// The values as checkpoint storage (exact bits).
  static func storage(_ values: [Self]) -> TensorStorage
  /// The values of `storage` when it holds this type, else `nil`.
  static func values(_ storage: TensorStorage) -> [Self]?
  /// `sums[offset + i] += Double(values[i])` (concrete per type: a generic
  /// conversion costs a metadata lookup per element where code is not specialised).
  static func add(_ values: [Self], asDoublesInto sums: inout [Double], at offset: Int)
}


extension Float: ModelScalar {
  static func add(_ values: [Float], asDoublesInto sums: inout [Double], at offset: Int) {
    values.withUnsafeBufferPointer { v in
      sums.withUnsafeMutableBufferPointer { s in
        for i in 0..<v.count { s[offset + i] += Double(v[i]) }
      }
    }
  }

  // The ReLU loops are written per concrete type: in this form the compiler
  // vectorises them (the generic form compiles to a branch per element).
  static func relu(_ z: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
      let v = z[i]
      h[i] = v > 0 ? v : 0
    }
  }
  static func reluDerivative(_ z: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
      let d = delta[i]
      delta[i] = z[i] > 0 ? d : 0
    }
  }
  static var precision: Precision { .float32 }
  @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
  @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
  @inline(__always) static func tanh(_ x: Float) -> Float { tanhf(x) }
  @inline(__always) static func erf(_ x: Float) -> Float { erff(x) }
  @inline(__always) static func cos(_ x: Float) -> Float { cosf(x) }
  static func storage(_ values: [Float]) -> TensorStorage { .float32(values) }
  static func values(_ storage: TensorStorage) -> [Float]? {
    if case .float32(let v) = storage { return v }
    return nil
  }
}

extension Double: ModelScalar {
  static func add(_ values: [Double], asDoublesInto sums: inout [Double], at offset: Int) {
    values.withUnsafeBufferPointer { v in
      sums.withUnsafeMutableBufferPointer { s in
        for i in 0..<v.count { s[offset + i] += v[i] }
      }
    }
  }

  // The ReLU loops are written per concrete type: in this form the compiler
  // vectorises them (the generic form compiles to a branch per element).
  static func relu(_ z: UnsafePointer<Double>, into h: UnsafeMutablePointer<Double>, count: Int) {
    for i in 0..<count {
      let v = z[i]
      h[i] = v > 0 ? v : 0
    }
  }
  static func reluDerivative(_ z: UnsafePointer<Double>, delta: UnsafeMutablePointer<Double>, count: Int) {
    for i in 0..<count {
      let d = delta[i]
      delta[i] = z[i] > 0 ? d : 0
    }
  }
  static var precision: Precision { .float64 }
  @inline(__always) static func exp(_ x: Double) -> Double { libm_exp(x) }
  @inline(__always) static func log(_ x: Double) -> Double { libm_log(x) }
  @inline(__always) static func tanh(_ x: Double) -> Double { libm_tanh(x) }
  @inline(__always) static func erf(_ x: Double) -> Double { libm_erf(x) }
  @inline(__always) static func cos(_ x: Double) -> Double { libm_cos(x) }
  static func storage(_ values: [Double]) -> TensorStorage { .float64(values) }
  static func values(_ storage: TensorStorage) -> [Double]? {
    if case .float64(let v) = storage { return v }
    return nil
  }
}

// File-scope names, so the static members above can call libm's Double
// functions without recursing into themselves.
@inline(__always) private func libm_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func libm_log(_ x: Double) -> Double { log(x) }
@inline(__always) private func libm_tanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) private func libm_erf(_ x: Double) -> Double { erf(x) }
@inline(__always) private func libm_cos(_ x: Double) -> Double { cos(x) }

/// `values` as another scalar type: O(1) when the types are the same,
/// otherwise one rounding per element (through `Double`, exact for widening).
func converted<Source: DataScalar, Target: ModelScalar>(_ values: [Source], to: Target.Type) -> [Target] {
  if Source.self == Target.self { return unsafeBitCast(values, to: [Target].self) }
  return values.map { Target($0.doubleValue) }
}

/// A matrix from row-major `values` whose count is `rows × columns`
/// (the caller guarantees it).
func matrix<S: ModelScalar>(_ rows: Int, _ columns: Int, _ values: [S]) -> Matrix<S> {
  // Cannot throw: counts are checked by every caller.
  try! Matrix(rows: rows, columns: columns, elements: values)
}
