/// Problems met while scanning a CSV file, aggregated per kind and column so
/// that a column of 60,000 bad cells gives one issue, not 60,000: each entry
/// keeps the first line, the first offending text and a count.
struct CSVProblemLog {
  struct Key: Hashable {
    var code: DataIssue.Code
    /// Column index, or -1 for problems of a whole row.
    var column: Int
  }

  struct Entry {
    var firstLine: Int
    var firstText: String
    var count: Int
    /// For ragged rows: the field count of the first one.
    var detail: Int
  }

  private(set) var entries: [Key: Entry] = [:]
  private(set) var order: [Key] = []

  var isEmpty: Bool { entries.isEmpty }

  mutating func add(_ code: DataIssue.Code, column: Int, line: Int, text: @autoclosure () -> String, detail: Int = 0) {
    let key = Key(code: code, column: column)
    if entries[key] != nil {
      entries[key]!.count += 1
    } else {
      entries[key] = Entry(firstLine: line, firstText: text(), count: 1, detail: detail)
      order.append(key)
    }
  }

  func entry(_ code: DataIssue.Code, column: Int) -> Entry? { entries[Key(code: code, column: column)] }

  /// The entries ordered by first line, then column (row problems first).
  var sorted: [(Key, Entry)] {
    order.map { ($0, entries[$0]!) }.sorted {
      ($0.1.firstLine, $0.0.column) < ($1.1.firstLine, $1.0.column)
    }
  }
}
