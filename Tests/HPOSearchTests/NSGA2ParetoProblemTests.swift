import HPOCore
@testable import HPOSearch
import Testing

/// The problems `hpo bench pareto` measures NSGA-II on are the standard ones:
/// sizes, reference points and values on their known Pareto fronts.
@Suite("Pareto benchmark problems")
struct NSGA2ParetoProblemTests {
  static func config(_ x: [Double]) -> Configuration {
    Configuration(Dictionary(uniqueKeysWithValues: x.enumerated().map { (ParetoProblem.name($0), ParameterValue.float($1)) }))
  }

  @Test func standardSizesAndReferencePoints() throws {
    let zdt1 = try #require(ParetoProblem.builtIn("zdt1"))
    let zdt2 = try #require(ParetoProblem.builtIn("zdt2"))
    let dtlz2 = try #require(ParetoProblem.builtIn("dtlz2"))
    #expect(zdt1.space.parameters.count == 30 && zdt2.space.parameters.count == 30)
    #expect(dtlz2.space.parameters.count == 12)
    #expect(zdt1.reference == [11, 11] && zdt2.reference == [11, 11])
    #expect(dtlz2.reference == [2.2, 2.2, 2.2])
    #expect(ParetoProblem.builtIn("zdt3") == nil)
  }

  @Test func zdt_onTheFront_andOffIt() {
    // On the front (x2… = 0, g = 1): f2 = 1 − √f1 (ZDT1), 1 − f1² (ZDT2).
    let front = Self.config([0.25] + Array(repeating: 0, count: 29))
    #expect(ParetoProblem.zdt1().evaluate(front) == [0.25, 0.5])
    #expect(ParetoProblem.zdt2().evaluate(front) == [0.25, 1 - 0.0625])
    // Off it: x2… = 1 gives g = 10.
    let far = Self.config([0] + Array(repeating: 1, count: 29))
    #expect(ParetoProblem.zdt1().evaluate(far) == [0, 10])
  }

  @Test func dtlz2_frontIsTheUnitSphere() {
    let f = ParetoProblem.dtlz2().evaluate(Self.config([0.3, 0.7] + Array(repeating: 0.5, count: 10)))
    #expect(abs(f.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
    let off = ParetoProblem.dtlz2().evaluate(Self.config([0.3, 0.7] + Array(repeating: 1, count: 10)))
    // g = 10 · 0.25: the radius is 1 + g.
    #expect(abs(off.reduce(0) { $0 + $1 * $1 }.squareRoot() - 3.5) < 1e-12)
  }

  @Test func searchRecordsEveryObjective_andTheHypervolumeCountsThem() throws {
    let bench = ParetoBenchmark(problem: .zdt1(dimensions: 4))
    let history = try bench.search(RandomSampler(), trials: 30, seed: 1)
    #expect(history.count == 30)
    #expect(history.allSatisfy { $0.values.count == 2 && $0.value == $0.values[0] })
    let volume = bench.hypervolume(of: history)
    #expect(volume == Hypervolume.volume(history.map(\.values), reference: [11, 11], directions: [.minimize, .minimize]))
    #expect(volume > 0 && volume < 121 - 1.0 / 3)
  }
}
