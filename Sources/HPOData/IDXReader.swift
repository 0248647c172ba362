import HPOCore

/// An n-dimensional array read from an IDX file (the MNIST format).
public struct IDXArray: Sendable, Equatable {
  /// The element values, in the file's type, row-major.
  public enum Values: Sendable, Equatable {
    case uint8([UInt8])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case float32([Float])
    case float64([Double])
  }

  /// The size of each dimension, outermost first.
  public var dimensions: [Int]
  public var values: Values

  public init(dimensions: [Int], values: Values) {
    self.dimensions = dimensions
    self.values = values
  }

  /// Number of elements (the product of the dimensions).
  public var count: Int { dimensions.reduce(1, *) }

  /// Every value as `Double`.
  public func doubles() -> [Double] {
    switch values {
    case .uint8(let v): return v.map { Double($0) }
    case .int8(let v): return v.map { Double($0) }
    case .int16(let v): return v.map { Double($0) }
    case .int32(let v): return v.map { Double($0) }
    case .float32(let v): return v.map { Double($0) }
    case .float64(let v): return v
    }
  }
}

/// Reads IDX files, gzip-compressed or not (MNIST, Fashion-MNIST).
///
/// Format: bytes 0–1 zero; byte 2 the element type (0x08 unsigned byte, 0x09
/// signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64); byte 3
/// the number of dimensions; then each dimension as a big-endian UInt32; then
/// the values, big-endian, row-major. Gzip is inflated as a stream straight
/// into the result. Truncated, corrupt or over-long files throw; none traps.
public enum IDXReader {
  /// The largest payload accepted (8 GiB): a damaged header cannot ask for more.
  static let maximumBytes = 1 << 33

  /// Reads `path`.
  ///
  /// - Throws: ``DataError`` `.badMagic` (not IDX, or an unknown element type),
  ///   `.badHeader` (no dimensions, a size too large), `.truncated`,
  ///   `.trailingData`, `.corrupt` (bad gzip), naming the file.
  public static func read(path: String) throws(DataError) -> IDXArray {
    let stream = try ByteStream(path: path)
    defer { stream.close() }
    var magic = [UInt8](repeating: 0, count: 4)
    let got = try fill(stream, &magic)
    guard got == 4 else {
      throw DataError(.truncated, file: path, message: "is truncated: \(got) bytes, shorter than the 4-byte IDX magic")
    }
    guard magic[0] == 0, magic[1] == 0, let size = elementSize(magic[2]) else {
      let shown = magic.map { String($0, radix: 16) }.joined(separator: " ")
      throw DataError(
        .badMagic, file: path,
        message: "is not an IDX file (magic bytes \(shown)); expected 00 00 then a type code 08, 09, 0b, 0c, 0d or 0e and a dimension count")
    }
    let rank = Int(magic[3])
    guard rank > 0 else {
      throw DataError(.badHeader, file: path, message: "has 0 dimensions; an IDX file has at least one")
    }
    var header = [UInt8](repeating: 0, count: 4 * rank)
    guard try fill(stream, &header) == header.count else {
      throw DataError(.truncated, file: path, message: "is truncated inside its header of \(rank) dimension sizes")
    }
    var dimensions: [Int] = []
    var total = size
    for d in 0..<rank {
      let b = header[(4 * d)..<(4 * d + 4)].map { Int($0) }
      let value = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]
      dimensions.append(value)
      let (product, overflow) = total.multipliedReportingOverflow(by: value)
      guard !overflow, product <= maximumBytes else {
        throw DataError(
          .badHeader, file: path,
          message: "has dimensions \(dimensions) that need more than \(maximumBytes) bytes; the header is probably damaged")
      }
      total = product
    }
    let headerSize = 4 + 4 * rank
    if !stream.isGzip {
      let available = stream.fileSize - headerSize
      if available < total {
        throw DataError(
          .truncated, file: path, message: "is truncated: \(available) of \(total) data bytes for dimensions \(dimensions)")
      }
      if available > total {
        throw DataError(
          .trailingData, file: path, message: "has \(available - total) bytes after the \(total) data bytes of dimensions \(dimensions)")
      }
    }
    let count = total / size
    let values: IDXArray.Values
    switch magic[2] {
    case 0x08: values = .uint8(try payload(stream, count: count, total: total, dimensions: dimensions))
    case 0x09: values = .int8(try payload(stream, count: count, total: total, dimensions: dimensions))
    case 0x0B:
      values = .int16(try payload(stream, count: count, total: total, dimensions: dimensions).map { Int16(bigEndian: $0) })
    case 0x0C:
      values = .int32(try payload(stream, count: count, total: total, dimensions: dimensions).map { Int32(bigEndian: $0) })
    case 0x0D:
      let raw: [UInt32] = try payload(stream, count: count, total: total, dimensions: dimensions)
      values = .float32(raw.map { Float(bitPattern: UInt32(bigEndian: $0)) })
    default:
      let raw: [UInt64] = try payload(stream, count: count, total: total, dimensions: dimensions)
      values = .float64(raw.map { Double(bitPattern: UInt64(bigEndian: $0)) })
    }
    if stream.isGzip, try stream.hasMore() {
      throw DataError(
        .trailingData, file: path, message: "has data after the \(total) bytes that dimensions \(dimensions) call for")
    }
    return IDXArray(dimensions: dimensions, values: values)
  }

  private static func elementSize(_ code: UInt8) -> Int? {
    switch code {
    case 0x08, 0x09: return 1
    case 0x0B: return 2
    case 0x0C, 0x0D: return 4
    case 0x0E: return 8
    default: return nil
    }
  }

  private static func fill(_ stream: ByteStream, _ bytes: inout [UInt8]) throws(DataError) -> Int {
    var result: Result<Int, DataError> = .success(0)
    bytes.withUnsafeMutableBytes { buffer in
      do throws(DataError) { result = .success(try stream.read(into: buffer)) } catch { result = .failure(error) }
    }
    return try result.get()
  }

  private static func payload<T>(
    _ stream: ByteStream, count: Int, total: Int, dimensions: [Int]
  ) throws(DataError) -> [T] {
    var failure: DataError?
    var got = 0
    let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      do throws(DataError) {
        got = try stream.read(into: UnsafeMutableRawBufferPointer(buffer))
      } catch {
        failure = error
      }
      // Zero what was not read so the array is fully initialised either way.
      if got < total { UnsafeMutableRawBufferPointer(buffer)[got...].initializeMemory(as: UInt8.self, repeating: 0) }
      initialized = count
    }
    if let failure { throw failure }
    guard got == total else {
      throw DataError(
        .truncated, file: stream.path, message: "is truncated: \(got) of \(total) data bytes for dimensions \(dimensions)")
    }
    return values
  }
}

extension IDXReader {
  /// A classification dataset from an image file and a label file (Fashion-MNIST
  /// style): features are the pixel values as `Scalar` (0–255, unscaled),
  /// named `pixel_<row>_<column>` for 3-dimensional images, labels the classes.
  ///
  /// - Throws: everything ``read(path:)`` throws, and `.shapeMismatch` when the
  ///   files disagree on the number of items or the labels are not one
  ///   dimension, `.missingClass` when a class in 0..K-1 never occurs.
  public static func dataset<Scalar: DataScalar>(
    images: String, labels: String, as type: Scalar.Type = Scalar.self
  ) throws(DataError) -> Dataset<Scalar> {
    let imageArray = try read(path: images)
    let labelArray = try read(path: labels)
    guard labelArray.dimensions.count == 1 else {
      throw DataError(
        .shapeMismatch, file: labels, message: "has dimensions \(labelArray.dimensions); a label file has one dimension")
    }
    let n = imageArray.dimensions[0]
    guard labelArray.dimensions[0] == n else {
      throw DataError(
        .shapeMismatch, file: labels, message: "has \(labelArray.dimensions[0]) labels but \(images) has \(n) items")
    }
    let width = imageArray.dimensions.dropFirst().reduce(1, *)
    let names: [String]
    if imageArray.dimensions.count == 3 {
      let (rows, columns) = (imageArray.dimensions[1], imageArray.dimensions[2])
      names = (0..<rows).flatMap { r in (0..<columns).map { c in "pixel_\(r)_\(c)" } }
    } else {
      names = (0..<width).map { "x\($0)" }
    }
    let features = [Scalar](unsafeUninitializedCapacity: n * width) { buffer, count in
      let raw = UnsafeMutableRawBufferPointer(buffer)
      if case .uint8(let pixels) = imageArray.values {
        pixels.withUnsafeBufferPointer { source in
          if Scalar.dataType == .float32 {
            let out = raw.bindMemory(to: Float.self)
            for i in 0..<source.count { out[i] = Float(source[i]) }
          } else {
            let out = raw.bindMemory(to: Double.self)
            for i in 0..<source.count { out[i] = Double(source[i]) }
          }
        }
      } else {
        let values = imageArray.doubles()
        for i in 0..<values.count { buffer[i] = Scalar(values[i]) }
      }
      count = n * width
    }
    let labelValues = labelArray.doubles()
    var seen = Set<Int>()
    for (i, v) in labelValues.enumerated() {
      guard v >= 0, v == v.rounded(), v < 1e6 else {
        throw DataError(
          .invalidClassLabel, file: labels,
          message: "item \(i): class label '\(formatNumber(v))' is not an integer 0..K-1")
      }
      seen.insert(Int(v))
    }
    let k = (seen.max() ?? -1) + 1
    if seen.count != k || k < 2 {
      throw DataError(
        .missingClass, file: labels,
        message: "has classes \(seen.sorted()); classes must be numbered 0..K-1 with none skipped and K ≥ 2")
    }
    return Dataset(
      features: features, labels: labelValues, featureNames: names, labelName: "label", task: .classification,
      classCount: k)
  }
}
