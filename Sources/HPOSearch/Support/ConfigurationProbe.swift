import HPOCore

/// One configuration prepared to be compared with many others: its names
/// sorted, its values aligned with them. ``equals(_:)`` gives exactly
/// `Configuration ==` but walks the other configuration's entries and finds
/// each name by binary search among a few short strings, where `==` hashes
/// every name it looks up; against a history of trials whose first entry
/// already differs, that is most of the cost of a duplicate check.
struct ConfigurationProbe {
  private let names: [String]
  private let values: [ParameterValue]

  init(_ configuration: Configuration) {
    let sorted = configuration.values.sorted { $0.key < $1.key }
    names = sorted.map(\.key)
    values = sorted.map(\.value)
  }

  /// Whether `other` has the same names with equal values.
  func equals(_ other: Configuration) -> Bool {
    guard other.values.count == names.count else { return false }
    for (name, value) in other.values {
      guard let i = index(of: name), values[i] == value else { return false }
    }
    return true
  }

  private func index(of name: String) -> Int? {
    var (lo, hi) = (0, names.count)
    while lo < hi {
      let mid = (lo + hi) / 2
      if names[mid] < name { lo = mid + 1 } else { hi = mid }
    }
    return lo < names.count && names[lo] == name ? lo : nil
  }
}
