import HPOCore
@testable import HPOSearch
import Testing

@Suite("Sobol")
struct SobolTests {
  @Test("direction numbers match SciPy's unscrambled Sobol (new-joe-kuo-6.21201)")
  func directionNumbers() {
    // Natural-order raw coordinates of points 0–15, from scipy.stats.qmc.Sobol(scramble=False).
    let expected: [Int: [UInt32]] = [
      1: [0, 2147483648, 3221225472, 1073741824, 2684354560, 536870912, 1610612736, 3758096384, 4026531840, 1879048192, 805306368, 2952790016, 1342177280, 3489660928, 2415919104, 268435456],
      2: [0, 2147483648, 3221225472, 1073741824, 1610612736, 3758096384, 2684354560, 536870912, 2415919104, 268435456, 1342177280, 3489660928, 4026531840, 1879048192, 805306368, 2952790016],
      5: [0, 2147483648, 1073741824, 3221225472, 1610612736, 3758096384, 536870912, 2684354560, 805306368, 2952790016, 1879048192, 4026531840, 1342177280, 3489660928, 268435456, 2415919104],
      63: [0, 2147483648, 1073741824, 3221225472, 1610612736, 3758096384, 536870912, 2684354560, 3489660928, 1342177280, 2415919104, 268435456, 2952790016, 805306368, 4026531840, 1879048192],
      127: [0, 2147483648, 3221225472, 1073741824, 1610612736, 3758096384, 2684354560, 536870912, 1879048192, 4026531840, 2952790016, 805306368, 268435456, 2415919104, 3489660928, 1342177280],
    ]
    let sequence = SobolSequence(dimensions: 128, seed: 0)
    for (d, values) in expected {
      #expect((0..<16).map { sequence.rawCoordinate(UInt32($0), d) } == values, "dimension \(d)")
    }
  }

  @Test("the first 2^k points of every 1-D projection are stratified", arguments: [2, 5, 8])
  func stratified(_ k: Int) {
    let sequence = SobolSequence(dimensions: SobolSequence.maximumDimensions, seed: 42)
    let n = 1 << k
    for d in 0..<sequence.dimensions {
      var seen = [Bool](repeating: false, count: n)
      for i in 0..<n { seen[Int(sequence.coordinate(UInt32(i), d) * Double(n))] = true }
      #expect(seen.allSatisfy { $0 }, "dimension \(d)")
    }
  }

  @Test("the sampler's floats over [0, 1] are the sequence; 2^k trials stratify each parameter")
  func samplerStratifies() throws {
    let names = (0..<70).map { "p" + String(100 + $0) }  // 70 dimensions, sorted by name
    let space = SearchSpace(names.map { Parameter(name: $0, domain: .float(FloatRange(low: 0, high: 1))) })
    let history = try runSearch(SobolSampler(seed: 3), space: space, trials: 64, seed: 0) { _ in 0 }
    for name in names {
      var seen = Set<Int>()
      for t in history { seen.insert(Int((t.configuration[name]?.numericValue ?? -1) * 64)) }
      #expect(seen.count == 64, "\(name)")
    }
  }

  @Test("ints and categorical choices come out equally often over 2^k trials")
  func unbiasedDiscrete() throws {
    let space = SearchSpace([
      Parameter(name: "c", domain: .categorical([.string("a"), .string("b"), .string("c"), .string("d")])),
      Parameter(name: "k", domain: .int(IntRange(low: 0, high: 7))),
    ])
    let history = try runSearch(SobolSampler(seed: 9), space: space, trials: 64, seed: 0) { _ in 0 }
    var byChoice: [ParameterValue: Int] = [:]
    var byInt: [ParameterValue: Int] = [:]
    for t in history {
      byChoice[t.configuration["c"]!, default: 0] += 1
      byInt[t.configuration["k"]!, default: 0] += 1
    }
    #expect(byChoice.values.allSatisfy { $0 == 16 })
    #expect(byInt.count == 8 && byInt.values.allSatisfy { $0 == 8 })
  }

  @Test("a space beyond the sequence's dimensions is rejected with the alternative")
  func tooManyDimensions() {
    let space = SearchSpace((0..<200).map { Parameter(name: "x\($0)", domain: .float(FloatRange(low: 0, high: 1))) })
    var rng = SeededGenerator(seed: 1)
    #expect(throws: SamplerError.self) { try SobolSampler().suggest(in: space, history: [], using: &rng) }
  }
}
