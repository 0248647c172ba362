import Foundation
import HPOData

#if canImport(Glibc)
import Glibc
#endif

/// The text `hpo data inspect` prints: a per-column statistics table and the
/// timing line of `--timing`.
enum DataInspectTable {
  /// One row per feature and one for the label: count, missing, mean, std,
  /// min, the 1–99 % quantiles and max.
  static func render<S: DataScalar>(_ dataset: Dataset<S>) -> String {
    var stats = FeatureStatistics.compute(dataset)
    stats.append(FeatureStatistics(name: dataset.labelName + " (label)", values: dataset.labels))
    let width = max(8, min(32, stats.map(\.name.count).max() ?? 8))
    let headings = ["count", "missing", "mean", "std", "min", "p1", "p5", "p25", "p50", "p75", "p95", "p99", "max"]
    var out = pad("column", width) + headings.map { lpad($0, 11) }.joined() + "\n"
    for s in stats {
      let numbers = [s.mean, s.std, s.min] + s.quantiles + [s.max]
      out += pad(String(s.name.prefix(width)), width) + lpad(String(s.count), 11) + lpad(String(s.missing), 11)
        + numbers.map { lpad(format($0), 11) }.joined() + "\n"
    }
    return out
  }

  /// `read FILE: R rows × C columns (dtype) in S s, M MB/s; peak RSS P MB`.
  static func timingLine(file: String, rows: Int, columns: Int, dtype: String, seconds: Double) -> String {
    var info = stat()
    let bytes = stat(file, &info) == 0 ? Double(info.st_size) : 0
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let peakMB = Double(usage.ru_maxrss) / 1024
    return String(
      format: "read %@: %d rows × %d columns (%@) in %.3f s, %.0f MB/s; file %.1f MB; peak RSS %.1f MB",
      file, rows, columns, dtype, seconds, bytes / 1e6 / seconds, bytes / 1e6, peakMB * 1.048576)
  }

  private static func format(_ v: Double) -> String {
    v.isNaN ? "-" : String(format: "%.4g", v)
  }

  private static func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count + 1)
  }

  private static func lpad(_ s: String, _ n: Int) -> String {
    s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s
  }
}
