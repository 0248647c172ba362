import HPOCore
import HPOStore

/// The answer of `GET /api/experiments/{name}/intermediate`: the intermediate values (one per
/// reported step) of at most `limit` of the `total` trials that reported any. With more, the
/// trials shown are spread evenly over the trial numbers, and the best complete trial is always
/// one of them, so the chart stays light at 100,000 trials.
struct APIIntermediate: Encodable {
  static let defaultLimit = 200
  static let maximumLimit = 5000

  var experiment: String
  var objective: String
  var total: Int
  var limit: Int
  var trials: [Curve]

  struct Curve: Encodable {
    var number: Int
    var state: TrialState
    var step: [Int]
    var value: [Double]
  }

  /// Which of `reported` (trial numbers, ascending) to show: all when they fit in `limit`, else
  /// `limit − 1` spread evenly (the first and last among them) and `best`, when it reported.
  static func sample(_ reported: [Int], limit: Int, best: Int?) -> [Int] {
    guard reported.count > limit else { return reported }
    let count = Swift.max(1, limit - 1)
    var chosen = Set((0..<count).map { k in
      reported[count == 1 ? 0 : k * (reported.count - 1) / (count - 1)]
    })
    if let best, reported.contains(best) { chosen.insert(best) }
    return chosen.sorted()
  }

  /// The `limit` query parameter (1…``maximumLimit``, default ``defaultLimit``); anything else is a 400.
  static func limit(_ query: [(name: String, value: String)]) throws(APIError) -> Int {
    var limit = defaultLimit
    var seen = false
    for (name, value) in query {
      guard name == "limit" else { throw .badRequest("unknown query parameter \"\(name)\"; accepted: limit") }
      guard !seen else { throw .badRequest("limit is given twice; give it once") }
      seen = true
      guard let n = Int(value), (1...maximumLimit).contains(n) else {
        throw .badRequest("limit=\(value): not accepted; give an integer from 1 to \(maximumLimit)")
      }
      limit = n
    }
    return limit
  }
}
