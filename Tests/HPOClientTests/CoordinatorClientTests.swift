import HPOCore
import HPOWire
import Testing

@testable import HPOClient

struct CoordinatorClientTests {
  @Test func request_withoutAnAnswer_throwsNoAnswerAfterTheTimeout() throws {
    let client = CoordinatorClient(
      transport: ScriptedCoordinator { _ in [] }, endpoint: "tcp://127.0.0.1:1", timeout: .milliseconds(200))
    let clock = ContinuousClock()
    let start = clock.now
    #expect(throws: ClientError.noAnswer(endpoint: "tcp://127.0.0.1:1", seconds: 0.2)) { try client.status() }
    #expect(start.duration(to: clock.now) >= .milliseconds(200))
  }

  @Test func request_skipsRepliesItDoesNotMatch_andReturnsTheFirstThatMatches() throws {
    let reply = StatusReply(experiments: [ScriptedCoordinator.status("a", .running, done: 1)], workers: 2)
    let transport = ScriptedCoordinator { _ in
      [.success(.submitted(SubmitReply(experiment: "old", accepted: true, message: "late"))), .success(.status(reply))]
    }
    let client = CoordinatorClient(transport: transport, endpoint: "e", timeout: .seconds(5))
    #expect(try client.status(of: "a") == reply)
    #expect(transport.sent == [.statusRequest(StatusRequest(experiment: "a"))])
  }

  @Test func errorReply_isRefused_withTheCoordinatorsMessage() {
    let client = CoordinatorClient(
      transport: ScriptedCoordinator { _ in [.success(.error(WireFailure(code: .internal, message: "disk full")))] },
      endpoint: "e", timeout: .seconds(5))
    #expect(throws: ClientError.refused("disk full")) { try client.cancel("a") }
  }

  @Test func unknownExperiment_isItsOwnError_forStatusAndTrials() {
    let client = CoordinatorClient(
      transport: ScriptedCoordinator { _ in [.success(.status(StatusReply(experiments: [], workers: 0)))] },
      endpoint: "e", timeout: .seconds(5))
    #expect(throws: ClientError.unknownExperiment("nope")) { try client.status(of: "nope") }
    #expect(throws: ClientError.unknownExperiment("nope")) { try client.trials(of: "nope") }
    #expect(ClientError.unknownExperiment("nope").description == "the coordinator has no experiment named nope")
  }

  @Test func trials_asksForThemAndReturnsThem() throws {
    let rows = [TrialSummary(
      number: 0, state: .complete, configuration: Configuration(["x": .float(0.5)]), value: 1.5, metrics: ["value": 1.5],
      epochs: 0, attempts: 1, worker: "w", reason: nil)]
    var status = ScriptedCoordinator.status("a", .finished, done: 1)
    status.trials = rows
    let transport = ScriptedCoordinator { _ in [.success(.status(StatusReply(experiments: [status], workers: 1)))] }
    let client = CoordinatorClient(transport: transport, endpoint: "e", timeout: .seconds(5))
    #expect(try client.trials(of: "a") == rows)
    #expect(transport.sent == [.statusRequest(StatusRequest(experiment: "a", includeTrials: true))])
  }

  @Test func handshakeFailure_endsTheRequestWithTheAdvice() {
    final class Failing: HandshakeProbe {
      func failure(persistingFor grace: Duration) -> String? { "check the key" }
      var lastFailure: String? { "check the key" }
    }
    let client = CoordinatorClient(
      transport: ScriptedCoordinator { _ in [] }, endpoint: "e", timeout: .seconds(30), handshake: Failing())
    #expect(throws: ClientError.handshakeFailed("check the key")) { try client.status() }
  }
}

extension CoordinatorClientTests {
  /// Timeouts that are not a multiple of the polling step: the last wait is
  /// cut to what is left and never negative (a socket refuses that).
  @Test(arguments: [1, 37, 150, 199, 250])
  func request_withAnyTimeout_pollsOnlyWithTimeLeft_andEndsWithNoAnswer(milliseconds: Int) {
    let client = CoordinatorClient(
      transport: ScriptedCoordinator { _ in [] }, endpoint: "e", timeout: .milliseconds(milliseconds))
    do {
      _ = try client.status()
      Issue.record("a reply came from nowhere")
    } catch ClientError.noAnswer(let endpoint, let seconds) {
      #expect(endpoint == "e")
      #expect(abs(seconds - Double(milliseconds) / 1000) < 1e-9)
    } catch {
      Issue.record("\(error)")
    }
  }
}

/// A coordinator frozen (SIGSTOP) or cut off for longer than the heartbeat timeout loses the
/// request on the dropped connection; a status is asked again, a change (submit, cancel) never twice
/// (Cluster/test-faults: coordinator/sigstop, coordinator/host-cut).
extension CoordinatorClientTests {
  @Test func status_whoseRequestWasLost_isAskedAgain_andAnswered() throws {
    let reply = StatusReply(experiments: [ScriptedCoordinator.status("a", .running, done: 1)], workers: 2)
    var asked = 0
    let transport = ScriptedCoordinator { _ in
      asked += 1
      return asked == 1 ? [] : [.success(.status(reply))]  // the first copy went down with its connection
    }
    let client = CoordinatorClient(transport: transport, endpoint: "e", timeout: .seconds(5))
    client.resendInterval = .milliseconds(100)
    #expect(try client.status(of: "a") == reply)
    #expect(transport.sent == Array(repeating: .statusRequest(StatusRequest(experiment: "a")), count: 2))
  }

  @Test func aLateDuplicateReply_isDropped_notTakenAsTheNextRequestsAnswer() throws {
    let old = StatusReply(experiments: [ScriptedCoordinator.status("a", .running, done: 1)], workers: 2)
    let new = StatusReply(experiments: [ScriptedCoordinator.status("a", .finished, done: 4)], workers: 2)
    var asked = 0
    let transport = ScriptedCoordinator { _ in
      asked += 1
      // Both copies of the first request answered; the second request gets the new state.
      return asked == 1 ? [.success(.status(old)), .success(.status(old))] : [.success(.status(new))]
    }
    let client = CoordinatorClient(transport: transport, endpoint: "e", timeout: .seconds(5))
    #expect(try client.status(of: "a") == old)
    #expect(try client.status(of: "a") == new)
  }

  @Test func cancel_withoutAnAnswer_isSentOnce_aChangeIsNeverRepeated() {
    let transport = ScriptedCoordinator { _ in [] }
    let client = CoordinatorClient(transport: transport, endpoint: "e", timeout: .milliseconds(400))
    client.resendInterval = .milliseconds(100)
    #expect(throws: ClientError.noAnswer(endpoint: "e", seconds: 0.4)) { try client.cancel("a") }
    #expect(transport.sent == [.cancel(CancelRequest(experiment: "a"))])
  }
}
