# Cluster/lib.sh: shared by the Cluster/test-* scripts (sourced, not run).
# PASS/FAIL lines and their count, processes started by PID and stopped by
# PID, polling with a deadline, the hpo binary to test.

passed=0
failed=0
started_pids=()

pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...: PASS if COMMAND succeeds
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# The summary line CI reads; returns the script's exit status.
summary() { # summary NAME
  echo "$1: $passed passed, $failed failed"
  [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# wait_for SECONDS COMMAND...: polls COMMAND every 0.2 s; 1 if it never succeeded.
wait_for() {
  local deadline; deadline=$(awk -v n="$(now)" -v s="$1" 'BEGIN { printf "%.0f", n + s }'); shift
  while :; do
    "$@" && return 0
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# start LOG COMMAND...: starts COMMAND in the background, output to LOG; sets $last_pid.
start() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  last_pid=$!
  started_pids+=("$last_pid")
}

# stop_pid PID [SECONDS]: SIGTERM, wait, then SIGKILL. Only ever our own PIDs.
stop_pid() {
  local pid=$1 grace=${2:-10} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 $((grace * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

stop_started() { # stops every process started with `start`, newest first
  local i
  for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do stop_pid "${started_pids[$i]}" 5; done
  started_pids=()
}

# The hpo binary: $HPO_BIN, else the release build, else the debug build.
find_hpo() {
  local candidate
  for candidate in "${HPO_BIN:-}" .build/release/hpo .build/debug/hpo; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      readlink -f "$candidate"
      return 0
    fi
  done
  echo "no hpo binary: set HPO_BIN, or build one (swift build -c release --product hpo)" >&2
  return 1
}

# Extra coordinator arguments the binary needs to serve a non-loopback
# address without keys: `--insecure` where this hpo has that flag.
insecure_flag() { # insecure_flag HPO
  if "$1" coordinator --help 2>&1 | grep -q -- '--insecure'; then echo "--insecure"; fi
}

# make_keys HPO DIR: CURVE keys laid out as Cluster/slurm/hpo.sbatch expects
# (DIR/coordinator.{key,pub}, DIR/client.{key,pub}, DIR/authorized/client.pub);
# fails where this hpo has no `hpo keys`.
make_keys() {
  "$1" --help 2>&1 | grep -qE '^ +keys( |$)' || return 1
  "$1" keys generate "$2" --name coordinator >/dev/null && "$1" keys generate "$2" --name client >/dev/null \
    && mkdir -p "$2/authorized" && cp "$2/client.pub" "$2/authorized/"
}
