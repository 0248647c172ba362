import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// `hpo_client.py`: the standard-library-only Python module every command trial
/// can `import hpo_client` (the worker puts its folder first on `PYTHONPATH`).
/// It speaks issue 18's protocol over the report socket (`HPO_REPORT_FD`).
public enum HPOClientPython {
  /// The module's file name.
  public static let fileName = "hpo_client.py"

  /// Writes the module into a folder of its own under `folder`, named by its
  /// content hash (`hpo-client-<12 hex>`), unless it is already there; returns
  /// that folder, for `PYTHONPATH`. Atomic: a reader sees the whole file or none.
  /// Safe to call from several threads and processes at once.
  /// - Throws: ``FileWriteError`` when the folder or the file cannot be written.
  public static func install(in folder: String) throws(FileWriteError) -> String {
    let bytes = Array(source.utf8)
    let target = folder + "/hpo-client-" + String(SHA256Hex.of(bytes).prefix(12))
    let path = target + "/" + fileName
    if existingContent(path) == bytes { return target }
    try AtomicFile.makeDirectory(target)
    try AtomicFile.write(bytes, to: path)
    return target
  }

  /// The bytes of the file at `path`, `nil` when it cannot be read.
  private static func existingContent(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
      let n = fread(&chunk, 1, chunk.count, file)
      result += chunk[0..<n]
      if n < chunk.count { break }
    }
    return ferror(file) == 0 ? result : nil
  }

  /// The module's source (Python 3.9+).
  public static let source = #"""
    """hpo_client: report a command trial's metrics to hpo. Standard library only.

    Inside a trial run by an hpo worker:

        import hpo_client
        params = hpo_client.params()                 # the configuration, a dict
        for epoch in range(1, (hpo_client.epochs() or 10) + 1):
            loss, accuracy = train_one_epoch(params)
            if hpo_client.report(epoch, {"accuracy": accuracy, "loss": loss}):
                break                                # the scheduler said stop: exit soon
        hpo_client.final({"accuracy": accuracy})

    Outside hpo (no HPO_REPORT_FD) the same script runs by hand: reports are
    printed to standard error and report() always returns False.
    Exit codes hpo reads: 0 finished, 75 try again, 78 infeasible (see infeasible()).
    """

    import json
    import math
    import operator
    import os
    import socket
    import sys
    import tempfile
    import threading

    __all__ = ["params", "report", "final", "infeasible", "checkpoint_dir", "resume_dir",
               "trial", "seed", "epochs"]

    _PREFIX = "@@hpo "
    _lock = threading.Lock()
    _socket = None
    _pending = b""
    _warned = False
    _checkpoint = None


    def _channel():
        """The report socket, or None when not run by hpo (warned once)."""
        global _socket, _warned
        if _socket is not None:
            return _socket
        fd = os.environ.get("HPO_REPORT_FD", "")
        if not fd:
            if not _warned:
                _warned = True
                sys.stderr.write("hpo_client: HPO_REPORT_FD is not set, so this is not an hpo trial: "
                                 "reports go to standard error and report() never says stop\n")
            return None
        _socket = socket.socket(fileno=int(fd))
        return _socket


    def _send(message):
        line = _PREFIX + json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n"
        sock = _channel()
        if sock is None:
            sys.stderr.write("hpo_client: " + line[len(_PREFIX):])
            return None
        sock.sendall(line.encode("utf-8"))
        return sock


    def _answer(sock):
        global _pending
        while b"\n" not in _pending:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("hpo_client: the hpo worker closed the report channel")
            _pending += chunk
        line, _, _pending = _pending.partition(b"\n")
        return line.decode("utf-8", "replace").strip()


    def _metrics(metrics):
        if not isinstance(metrics, dict):
            raise TypeError("metrics must be a dict of names to numbers, got %s" % type(metrics).__name__)
        result = {}
        for name, value in metrics.items():
            if not isinstance(name, str):
                raise TypeError("metric names must be strings, got %r" % (name,))
            if isinstance(value, bool):
                raise ValueError("metric %r must be a number, got %r" % (name, value))
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError("metric %r must be a number, got %r" % (name, value)) from None
            if not math.isfinite(number):
                raise ValueError("metric %r must be finite, got %r" % (name, value))
            result[name] = number
        return result


    def report(epoch, metrics):
        """Reports an epoch's metrics (epoch: an integer >= 1; metrics: names to finite
        numbers). Returns True when the scheduler says stop: then exit soon (any exit
        code), or hpo ends the process after a grace period. False: go on."""
        if isinstance(epoch, bool):
            raise ValueError("epoch must be an integer >= 1, got %r" % (epoch,))
        try:
            number = operator.index(epoch)
        except TypeError:
            raise ValueError("epoch must be an integer >= 1, got %r" % (epoch,)) from None
        if number < 1:
            raise ValueError("epoch must be an integer >= 1, got %r" % (epoch,))
        message = {"type": "report", "epoch": number, "metrics": _metrics(metrics)}
        with _lock:
            sock = _send(message)
            if sock is None:
                return False
            answer = _answer(sock)
        if answer == "stop":
            return True
        if answer == "continue":
            return False
        raise RuntimeError("hpo_client: unexpected answer from the hpo worker: %r" % answer)


    def final(metrics):
        """The trial's final metrics (else hpo takes the last report's)."""
        message = {"type": "final", "metrics": _metrics(metrics)}
        with _lock:
            _send(message)


    def infeasible(reason):
        """This configuration cannot run (e.g. max_depth > n_features): tells hpo why
        and exits with status 78; the trial is INFEASIBLE, not failed."""
        with _lock:
            _send({"type": "infeasible", "reason": str(reason)})
        sys.stdout.flush()
        sys.stderr.flush()
        sys.exit(78)


    def params():
        """The trial's configuration: a dict of parameter names to values (HPO_PARAMS)."""
        text = os.environ.get("HPO_PARAMS")
        if text is None and os.environ.get("HPO_PARAMS_FILE"):
            with open(os.environ["HPO_PARAMS_FILE"], encoding="utf-8") as f:
                text = f.read()
        if text is None:
            raise RuntimeError("hpo_client.params(): HPO_PARAMS is not set (hpo sets it in every trial); "
                               "to run by hand: HPO_PARAMS='{\"lr\": 0.1}' python3 your_script.py")
        return json.loads(text)


    def checkpoint_dir():
        """The folder to write checkpoints into (HPO_CHECKPOINT_DIR); by hand, a fresh temporary one."""
        global _checkpoint
        path = os.environ.get("HPO_CHECKPOINT_DIR")
        if path:
            return path
        if _checkpoint is None:
            _checkpoint = tempfile.mkdtemp(prefix="hpo-checkpoint-")
            sys.stderr.write("hpo_client: HPO_CHECKPOINT_DIR is not set; checkpoints go to %s\n" % _checkpoint)
        return _checkpoint


    def resume_dir():
        """The last checkpoint of an earlier attempt of this trial (HPO_RESUME_DIR), or None."""
        return os.environ.get("HPO_RESUME_DIR") or None


    def _integer(name):
        text = os.environ.get(name)
        return int(text) if text else None


    def trial():
        """The trial's number (HPO_TRIAL), or None by hand."""
        return _integer("HPO_TRIAL")


    def seed():
        """The trial's seed (HPO_SEED), for every random choice of the script; None by hand."""
        return _integer("HPO_SEED")


    def epochs():
        """The number of epochs the experiment asks for (HPO_EPOCHS), or None."""
        return _integer("HPO_EPOCHS")
    """#
}
