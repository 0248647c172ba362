import HPOCore
import HPOStore

/// The query string of `GET /api/experiments/{name}/trials`, checked:
/// `offset` (integer ≥ 0, default 0), `limit` (1…1000, default 100),
/// `sort` (`number`, `state`, `value`, `started`, `duration` or `param.NAME`; default `number`),
/// `order` (`asc` or `desc`; default `asc`), `state` (a trial state; default all), and
/// `param.NAME` for any parameters of the space: a range or a value (``TrialFilter``).
/// Anything else — an unknown or repeated parameter, a value out of range — is an
/// ``APIError`` 400 naming the parameter, the value and what is accepted.
struct TrialListParameters {
  static let defaultLimit = 100
  static let maximumLimit = 1000
  static let names = ["offset", "limit", "sort", "order", "state"]
  static let fixedSortKeys = ["number", "state", "value", "started", "duration"]

  var offset = 0
  var limit = defaultLimit
  /// As given (`value`, `param.lr`); checked against the space by ``query(space:)``.
  var sort = "number"
  var order = TrialPageQuery.Order.asc
  var state: TrialState?
  /// `param.NAME` items as given (name without the prefix, text); checked by ``resolve(space:)``.
  var parameterFilters: [(name: String, text: String)] = []

  /// Reads `items` (name, value), decoded from the query string.
  init(_ items: [(name: String, value: String)]) throws(APIError) {
    var seen: Set<String> = []
    for (name, value) in items {
      guard Self.names.contains(name) || name.hasPrefix("param.") else {
        throw .badRequest("unknown query parameter \"\(name)\"; accepted: \(Self.names.joined(separator: ", ")), param.NAME")
      }
      guard seen.insert(name).inserted else { throw .badRequest("\(name) is given twice; give it once") }
      if name.hasPrefix("param.") {
        parameterFilters.append((String(name.dropFirst(6)), value))
        continue
      }
      switch name {
      case "offset":
        guard let n = Int(value), n >= 0 else {
          throw .badRequest("offset=\(value): not accepted; give an integer of 0 or more")
        }
        offset = n
      case "limit":
        guard let n = Int(value), (1...Self.maximumLimit).contains(n) else {
          throw .badRequest("limit=\(value): not accepted; give an integer from 1 to \(Self.maximumLimit)")
        }
        limit = n
      case "order":
        guard let o = TrialPageQuery.Order(rawValue: value) else {
          throw .badRequest("order=\(value): not accepted; give asc or desc")
        }
        order = o
      case "state":
        guard let s = TrialState(rawValue: value) else {
          throw .badRequest("state=\(value): not a trial state; accepted: \(TrialState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        state = s
      default:
        sort = value
      }
    }
  }

  /// The column, direction and filter these parameters ask of the experiment's ``TrialTable``.
  struct Resolved {
    var column: TrialTable.Column
    var descending: Bool
    var filter: TrialFilter
  }

  /// The request in terms of the experiment's space: `sort` and every `param.NAME` checked
  /// against its parameters.
  func resolve(space: SearchSpace) throws(APIError) -> Resolved {
    var filter = TrialFilter(state: state)
    for (name, text) in parameterFilters {
      guard let index = space.parameters.firstIndex(where: { $0.name == name }) else {
        throw .badRequest("param.\(name)=\(text): \(name) is not a parameter of this experiment; accepted: \(Self.parameterList(space, prefix: "param."))")
      }
      filter.conditions.append(TrialFilter.Clause(index: index, condition: try TrialFilter.condition(text, on: space.parameters[index])))
    }
    return Resolved(column: try column(space: space), descending: order == .desc, filter: filter)
  }

  private static func parameterList(_ space: SearchSpace, prefix: String) -> String {
    space.names.isEmpty ? "none" : space.names.map { prefix + $0 }.joined(separator: ", ")
  }

  private func column(space: SearchSpace) throws(APIError) -> TrialTable.Column {
    switch sort {
    case "number": return .number
    case "state": return .state
    case "value": return .value
    case "started": return .started
    case "duration": return .duration
    default:
      if sort.hasPrefix("param."), let index = space.names.firstIndex(of: String(sort.dropFirst(6))) {
        return .parameter(index)
      }
      let params = space.names.isEmpty ? "" : ", " + Self.parameterList(space, prefix: "param.")
      throw .badRequest("sort=\(sort): not a sort key of this experiment; accepted: \(Self.fixedSortKeys.joined(separator: ", "))\(params)")
    }
  }
}
