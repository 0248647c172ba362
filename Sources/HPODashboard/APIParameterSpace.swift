import HPOCore

/// One parameter of an experiment's space, as the trial table needs it to offer a column and
/// a filter: its name, its type (`float`, `int`, `categorical`, `fixed`), the choices of a
/// categorical or fixed one (as text), the bounds of a numeric one.
struct APIParameterSpace: Encodable {
  var name: String
  var type: String
  var choices: [String]?
  var low: Double?
  var high: Double?

  init(_ parameter: Parameter) {
    name = parameter.name
    type = parameter.domain.kindName
    switch parameter.domain {
    case .float(let r): (low, high) = (r.low, r.high)
    case .int(let r): (low, high) = (Double(r.low), Double(r.high))
    case .categorical(let values): choices = values.map(\.plainText)
    case .fixed(let value): choices = [value.plainText]
    }
  }
}
