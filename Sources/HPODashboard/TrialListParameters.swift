import HPOCore
import HPOStore

/// The query string of `GET /api/experiments/{name}/trials`, checked:
/// `offset` (integer ≥ 0, default 0), `limit` (1…1000, default 100),
/// `sort` (`number`, `state`, `value`, `started`, `duration` or `param.NAME`; default `number`),
/// `order` (`asc` or `desc`; default `asc`), `state` (a trial state; default all).
/// Anything else — an unknown or repeated parameter, a value out of range — is an
/// ``APIError`` 400 naming the parameter, the value and what is accepted.
struct TrialListParameters: Equatable {
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

  /// Reads `items` (name, value), decoded from the query string.
  init(_ items: [(name: String, value: String)]) throws(APIError) {
    var seen: Set<String> = []
    for (name, value) in items {
      guard Self.names.contains(name) else {
        throw .badRequest("unknown query parameter \"\(name)\"; accepted: \(Self.names.joined(separator: ", "))")
      }
      guard seen.insert(name).inserted else { throw .badRequest("\(name) is given twice; give it once") }
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

  /// The store's query, with `sort` checked against the experiment's parameters.
  func query(space: SearchSpace) throws(APIError) -> TrialPageQuery {
    TrialPageQuery(sort: try sortKey(space: space), order: order, state: state, offset: offset, limit: limit)
  }

  private func sortKey(space: SearchSpace) throws(APIError) -> TrialPageQuery.SortKey {
    switch sort {
    case "number": return .number
    case "state": return .state
    case "value": return .value
    case "started": return .started
    case "duration": return .duration
    default:
      let names = space.names
      if sort.hasPrefix("param."), names.contains(String(sort.dropFirst(6))) {
        return .parameter(String(sort.dropFirst(6)))
      }
      let params = names.isEmpty ? "" : ", " + names.map { "param.\($0)" }.joined(separator: ", ")
      throw .badRequest("sort=\(sort): not a sort key of this experiment; accepted: \(Self.fixedSortKeys.joined(separator: ", "))\(params)")
    }
  }
}
