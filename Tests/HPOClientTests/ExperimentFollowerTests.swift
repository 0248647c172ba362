import HPOCore
import HPOWire
import Testing

@testable import HPOClient

struct ExperimentFollowerTests {
  /// A coordinator whose answers to status requests are `statuses`, one per
  /// request (the last one repeats).
  static func client(_ statuses: [ExperimentStatus]) -> CoordinatorClient {
    var remaining = statuses
    let transport = ScriptedCoordinator { _ in
      let s = remaining.count > 1 ? remaining.removeFirst() : remaining[0]
      return [.success(.status(StatusReply(experiments: [s], workers: 2)))]
    }
    return CoordinatorClient(transport: transport, endpoint: "e", timeout: .seconds(5))
  }

  @Test func follow_waitsForTheSearchAndItsReleaseStage_thenReturnsTheOutcome() throws {
    let running = ReleaseStatus(state: .running, message: "evaluating")
    let passed = ReleaseStatus(state: .passed, message: "every gate passed", package: "/out/package")
    let statuses = [
      ScriptedCoordinator.status("a", .running, done: 1),
      ScriptedCoordinator.status("a", .finished, done: 4, release: running),
      ScriptedCoordinator.status("a", .finished, done: 4, release: passed),
    ]
    var follower = ExperimentFollower(client: Self.client(statuses), experiment: "a")
    follower.interval = .milliseconds(1)
    var seen: [ExperimentStatus] = []
    let ending = try follower.follow { s, workers in
      #expect(workers == 2)
      seen.append(s)
    }
    #expect(seen == statuses)
    #expect(ending == .finished(statuses[2]))
  }

  /// Status requests come every `interval` while trials wait to run, every
  /// `endInterval` once every trial left is running or the search finished.
  @Test func nearTheEnd_onceEveryTrialLeftRuns_orTheSearchFinished() {
    #expect(!ExperimentFollower.nearTheEnd(ScriptedCoordinator.status("a", .running, done: 1)), "1 done, 1 running, 2 waiting")
    #expect(ExperimentFollower.nearTheEnd(ScriptedCoordinator.status("a", .running, done: 3)), "3 done, the last one running")
    #expect(ExperimentFollower.nearTheEnd(ScriptedCoordinator.status("a", .finished, done: 4)))
    #expect(ExperimentFollower.nearTheEnd(ScriptedCoordinator.status("a", .cancelled, done: 0)))
  }

  @Test func follow_ofACancelledExperiment_endsStopped() throws {
    let cancelled = ScriptedCoordinator.status("a", .cancelled, done: 2)
    var follower = ExperimentFollower(client: Self.client([cancelled]), experiment: "a")
    follower.interval = .milliseconds(1)
    #expect(try follower.follow { _, _ in } == .stopped(cancelled))
  }

  @Test func follow_stopsWithTheAbortReason_beforeAskingAgain() {
    var polls = 0
    var follower = ExperimentFollower(client: Self.client([ScriptedCoordinator.status("a", .running, done: 0)]), experiment: "a")
    follower.interval = .milliseconds(1)
    follower.abortReason = { polls >= 3 ? "the worker died" : nil }
    do {
      _ = try follower.follow { _, _ in polls += 1 }
      Issue.record("follow returned")
    } catch {
      #expect(error.description == "the worker died")
    }
    #expect(polls == 3)
  }

  @Test func follow_ofAnExperimentTheCoordinatorForgot_failsNamingIt() {
    let transport = ScriptedCoordinator { _ in [.success(.status(StatusReply(experiments: [], workers: 0)))] }
    let follower = ExperimentFollower(
      client: CoordinatorClient(transport: transport, endpoint: "e", timeout: .seconds(5)), experiment: "gone")
    do {
      _ = try follower.follow { _, _ in }
      Issue.record("follow returned")
    } catch {
      #expect(error.description == "the coordinator no longer knows gone")
    }
  }

  /// The verdict a command turns into its exit code: a finished search whose
  /// release outcome is missing is a failure (exit 3), never a pass.
  @Test func verdict_ofAFinishedSearchWithoutAReleaseOutcome_isAFailure() {
    let finished = ScriptedCoordinator.status("a", .finished, done: 4)
    #expect(ExperimentFollower.verdict(.finished(finished)) == .failed(
      "a finished but the coordinator reported no release outcome; nothing was evaluated or packaged"))
    #expect(ExperimentFollower.verdict(.finished(finished), expectsRelease: false) == .passed)
    let passed = ScriptedCoordinator.status("a", .finished, done: 4, release: ReleaseStatus(state: .passed, message: "ok"))
    #expect(ExperimentFollower.verdict(.finished(passed)) == .passed)
    let gate = ScriptedCoordinator.status("a", .finished, done: 4, release: ReleaseStatus(state: .gateFailed, failedGates: ["gap"], message: "1 failed"))
    #expect(ExperimentFollower.verdict(.finished(gate)) == .gateFailed)
    let error = ScriptedCoordinator.status("a", .finished, done: 4, release: ReleaseStatus(state: .error, message: "disk full"))
    #expect(ExperimentFollower.verdict(.finished(error)) == .failed("the release stage of a failed: disk full"))
    #expect(ExperimentFollower.verdict(.stopped(ScriptedCoordinator.status("a", .cancelled, done: 2))) == .failed("a was cancelled"))
  }

  /// The coordinator stops answering while the release stage runs: the
  /// follower says the stage was interrupted (exit 3), not just "no answer".
  @Test func follow_whenTheCoordinatorGoesAwayDuringTheReleaseStage_saysItWasInterrupted() {
    var answered = 0
    let transport = ScriptedCoordinator { _ in
      answered += 1
      guard answered <= 2 else { return [] }
      let release = answered == 2 ? ReleaseStatus(state: .running, message: "evaluating") : nil
      let s = ScriptedCoordinator.status("a", answered == 2 ? .finished : .running, done: answered == 2 ? 4 : 1, release: release)
      return [.success(.status(StatusReply(experiments: [s], workers: 1)))]
    }
    var follower = ExperimentFollower(client: CoordinatorClient(transport: transport, endpoint: "e", timeout: .milliseconds(50)), experiment: "a")
    follower.interval = .milliseconds(1)
    do {
      _ = try follower.follow { _, _ in }
      Issue.record("follow returned")
    } catch {
      #expect(error.description.hasPrefix("the release stage of a was interrupted (the coordinator at e did not answer"), "\(error)")
    }
  }

  /// The coordinator dies with a status request in flight (`hpo run` sees its
  /// process exit): following ends with the reason within a poll's 100 ms
  /// wait, not after the client's 30 s timeout.
  @Test func follow_whenAbortedWhileAReplyIsAwaited_endsAtOnceWithTheReason() {
    var requests = 0
    let transport = ScriptedCoordinator { _ in
      requests += 1
      return []
    }
    var follower = ExperimentFollower(client: CoordinatorClient(transport: transport, endpoint: "e", timeout: .seconds(30)), experiment: "a")
    let started = ContinuousClock.now
    follower.abortReason = { ContinuousClock.now - started > .milliseconds(200) ? "the coordinator exited with status 3" : nil }
    do {
      _ = try follower.follow { _, _ in }
      Issue.record("follow returned")
    } catch {
      #expect(error.description == "the coordinator exited with status 3")
    }
    #expect(requests == 1, "the request was pending when the reason came")
    #expect(ContinuousClock.now - started < .seconds(5))
  }
}
