import HPOSupervisor
import Testing

/// The restart budget and backoff, as pure decisions on exit times.
@Suite struct RestartPolicyTests {
  let policy = RestartPolicy(maxRestarts: 3, window: .seconds(60), initialBackoff: .milliseconds(250), maxBackoff: .seconds(1))

  @Test func backoffDoublesWithEachExitInTheWindowUpToTheCap() {
    #expect(policy.decide(earlierExits: [], now: .seconds(100)) == .restart(after: .milliseconds(250), attempt: 1))
    #expect(policy.decide(earlierExits: [.seconds(99)], now: .seconds(100)) == .restart(after: .milliseconds(500), attempt: 2))
    #expect(policy.decide(earlierExits: [.seconds(98), .seconds(99)], now: .seconds(100)) == .restart(after: .seconds(1), attempt: 3))
    let wide = RestartPolicy(maxRestarts: 10, window: .seconds(60), initialBackoff: .milliseconds(250), maxBackoff: .seconds(1))
    #expect(wide.decide(earlierExits: (0..<6).map { .seconds(90 + $0) }, now: .seconds(100)) == .restart(after: .seconds(1), attempt: 7))
  }

  @Test func oneExitMoreThanTheBudgetWithinTheWindowGivesUp() {
    let three: [Duration] = [.seconds(50), .seconds(70), .seconds(90)]
    #expect(policy.decide(earlierExits: three, now: .seconds(100)) == .giveUp(exits: 4, within: .seconds(60)))
  }

  @Test func exitsOlderThanTheWindowAreForgiven() {
    // The exit at 30 s is 70 s old: two recent ones count, the third restart is allowed.
    let exits: [Duration] = [.seconds(30), .seconds(70), .seconds(90)]
    #expect(policy.decide(earlierExits: exits, now: .seconds(100)) == .restart(after: .seconds(1), attempt: 3))
    // A child quiet for a whole window starts over at the initial backoff.
    #expect(policy.decide(earlierExits: exits, now: .seconds(200)) == .restart(after: .milliseconds(250), attempt: 1))
  }

  @Test func neverGivesUpAtTheFirstExit() {
    #expect(RestartPolicy.never.decide(earlierExits: [], now: .seconds(5)) == .giveUp(exits: 1, within: .seconds(1)))
  }

  @Test func theStandardPolicyIsFiveRestartsAMinute() {
    let s = RestartPolicy.standard
    let five = (0..<5).map { Duration.seconds($0) }
    #expect(s.decide(earlierExits: Array(five.prefix(4)), now: .seconds(5)) == .restart(after: .seconds(4), attempt: 5))
    #expect(s.decide(earlierExits: five, now: .seconds(5)) == .giveUp(exits: 6, within: .seconds(60)))
  }
}
