import Foundation
import HPOCore
import Testing

/// A space is what a message and the store give back: whole floats among
/// fixed values, choices and condition values are integers; defaults and
/// condition values take their parameter's type. (Found by fuzzing: a fixed
/// `0.00` was the float 0 in `hpo submit` and the integer 0 in the coordinator.)
@Suite struct SearchSpaceCanonicalTests {
  static let space = SearchSpace([
    Parameter(name: "seconds", domain: .fixed(.float(0))),
    Parameter(name: "l2", domain: .categorical([.float(0.5), .float(1), .string("none")])),
    Parameter(name: "lr", domain: .float(FloatRange(low: 0, high: 2)), defaultValue: .int(1)),
    Parameter(name: "layers", domain: .int(IntRange(low: 1, high: 3)), defaultValue: .float(2)),
    Parameter(
      name: "momentum", domain: .float(FloatRange(low: 0, high: 1)),
      condition: Condition([.init(parent: "lr", values: [.int(1)]), .init(parent: "layers", values: [.float(2)])])),
  ])

  @Test func wholeFloats_becomeTheTypesAMessageCarries() throws {
    #expect(Self.space["seconds"]?.domain == .fixed(.int(0)))
    #expect(Self.space["l2"]?.domain == .categorical([.float(0.5), .int(1), .string("none")]))
    #expect(Self.space["lr"]?.defaultValue == .float(1), "a float parameter's default stays a float")
    #expect(Self.space["layers"]?.defaultValue == .int(2))
    let requirements = try #require(Self.space["momentum"]?.condition?.requirements)
    #expect(requirements.first { $0.parent == "lr" }?.values == [.float(1)])
    #expect(requirements.first { $0.parent == "layers" }?.values == [.int(2)])
  }

  @Test func aSpace_isTheSameAfterJSON() throws {
    let data = try JSONEncoder().encode(Self.space)
    #expect(try JSONDecoder().decode(SearchSpace.self, from: data) == Self.space)
  }
}
