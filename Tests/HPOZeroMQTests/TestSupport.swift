// Shared helpers for the HPOZeroMQ tests.
import HPOZeroMQ
import Testing

/// Generous but bounded wait for anything that crosses the loopback.
let patience: Duration = .seconds(2)

/// Runs `body` with a fresh context; closes the context afterwards (sockets
/// made inside `body` are closed by then: explicitly or by their deinit).
func withContext<R>(_ body: (ZeroMQContext) throws -> R) throws -> R {
  let context = try ZeroMQContext()
  defer { context.close() }
  return try body(context)
}

/// A ROUTER bound to an ephemeral loopback port; returns it and its concrete
/// endpoint (read back through `lastEndpoint`).
func makeBoundRouter(
  _ context: ZeroMQContext, configure: (ZeroMQSocket) throws(ZeroMQError) -> Void = { _ in }
) throws -> (ZeroMQSocket, String) {
  let router = try ZeroMQSocket(.router, context: context, bind: ["tcp://127.0.0.1:*"], configure: configure)
  try router.setReceiveTimeout(patience)
  try router.setSendTimeout(patience)
  return (router, try router.lastEndpoint)
}

/// A DEALER with routing id `id` connected to `endpoint`.
func makeDealer(
  _ context: ZeroMQContext, id: String, endpoint: String,
  configure: (ZeroMQSocket) throws(ZeroMQError) -> Void = { _ in }
) throws -> ZeroMQSocket {
  let dealer = try ZeroMQSocket(.dealer, context: context, connect: [endpoint]) { (socket) throws(ZeroMQError) in
    try socket.setRoutingID(Array(id.utf8))
    try configure(socket)
  }
  try dealer.setReceiveTimeout(patience)
  try dealer.setSendTimeout(patience)
  return dealer
}

/// Distinct `inproc://` names per test (names are per context anyway).
func inprocName(_ test: String) -> String { "inproc://hpo-zmq-tests-\(test)" }
