import Foundation

/// A moment as the coordinator sees it: the wall-clock time it records in the
/// store and shows to people, and a monotonic reading on which every deadline
/// is measured (leases, parked asks, the checkpoint grace, the metrics window).
/// A step of the system clock (NTP, an operator, a VM resumed) changes `wall`
/// only: it neither expires nor extends a lease.
///
/// `monotonic` counts from an origin fixed once per process; only differences
/// between two readings of the same process mean anything.
public struct CoordinatorTime: Sendable, Equatable, CustomStringConvertible {
  /// The wall-clock time, for records (`created_at`, `finished_at`, …).
  public var wall: Date
  /// The monotonic reading, for deadlines.
  public var monotonic: Duration

  public init(wall: Date, monotonic: Duration) {
    self.wall = wall
    self.monotonic = monotonic
  }

  private static let origin = ContinuousClock.now

  /// The current time: `Date()` and the continuous (monotonic) clock.
  public static func now() -> CoordinatorTime {
    CoordinatorTime(wall: Date(), monotonic: ContinuousClock.now - origin)
  }

  /// `d` later on both clocks.
  public func advanced(by d: Duration) -> CoordinatorTime {
    CoordinatorTime(wall: wall.addingTimeInterval(d.seconds), monotonic: monotonic + d)
  }

  /// `seconds` later on both clocks.
  public func addingTimeInterval(_ seconds: TimeInterval) -> CoordinatorTime {
    advanced(by: .milliseconds(Int64((seconds * 1000).rounded())))
  }

  /// The monotonic time from `earlier` to this moment.
  public func duration(since earlier: CoordinatorTime) -> Duration { monotonic - earlier.monotonic }


  public var description: String { "\(wall) (monotonic \(monotonic))" }
}
