#!/usr/bin/env bash
# Benchmark: hpo's ring all-reduce (HPOCollectives, over ZeroMQ TCP) against
# Open MPI's MPI_Allreduce (TCP), side by side in this script, between N
# processes, Float sums of 4 KB to 64 MB (issue 17). Three kinds of links:
#   shared    every rank on this host, hpo through shared memory (its default there)
#             against Open MPI's shared-memory transport (--mca btl vader,self);
#   loopback  every rank on 127.0.0.1, both over TCP;
#   shaped    one rank per fake host (Cluster/netns, root only), each host's
#             link limited by tc tbf to RATE in both directions (no added
#             delay: this kernel has no netem).
# Per size it prints the time of one all-reduce, the algorithm bandwidth
# (algbw = bytes / time) and the bus bandwidth (busbw = algbw · 2(N−1)/N, as
# nccl-tests reports it) in GB/s (10^9 B/s) for both, and hpo's busbw over
# Open MPI's. Each figure is the mean over many iterations between barriers
# (200 for small buffers, fewer as they grow, at least 3): see
# Tests/CollectivesProbe/Bench.swift and mpi_allreduce.c, which time alike.
#
# Usage: Experiments/benchmarks/distributed/allreduce.sh
#   LINKS="shared loopback shaped" MEMBERS="2 3" SIZES_MAX=67108864 CHUNK_BYTES=1048576
#   RATE=1gbit   the shaped links' rate (tc syntax)
#   PROBE=path/to/hpo-collectives-probe skips the release build.
# Needs Open MPI (openmpi-bin, libopenmpi-dev: mpicc, mpirun); installs them
# with apt when missing and root. Open MPI runs with `--mca btl tcp,self`
# (TCP, as hpo's ring) on loopback and shaped links, `vader,self` on shared, and, on shaped links, starts its daemons in
# the fake hosts through netns_agent.sh. Ports: a random block above 20000.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${HPO_ROOT:-$(cd "$HERE/../../.." && pwd)}
LINKS=${LINKS:-"shared loopback shaped"}
# KEEP=DIR keeps every raw result (hpo-LINKS-N, mpi-LINKS-N) there, e.g. for model.py.
KEEP=${KEEP:-}
MEMBERS=${MEMBERS:-"2 3"}
SIZES_MAX=${SIZES_MAX:-67108864}
CHUNK_BYTES=${CHUNK_BYTES:-1048576}
RATE=${RATE:-1gbit}
export HPO_NETNS_PREFIX=${HPO_NETNS_PREFIX:-hpoar}
export HPO_NETNS_SUBNET=${HPO_NETNS_SUBNET:-10.203.0}
NETNS="$ROOT/Cluster/netns"
work=$(mktemp -d)
trap '[ -z "$KEEP" ] || { mkdir -p "$KEEP" && cp "$work"/hpo-* "$work"/mpi-* "$KEEP"/ 2>/dev/null; }; "$NETNS" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "allreduce.sh: Open MPI is missing; install openmpi-bin and libopenmpi-dev" >&2; exit 2; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openmpi-bin libopenmpi-dev >&2
fi
mpicc -O2 -o "$work/mpi_allreduce" "$HERE/mpi_allreduce.c"
if [ -z "${PROBE:-}" ]; then
  echo "== release build of hpo-collectives-probe" >&2
  (cd "$ROOT" && swift build -c release --product hpo-collectives-probe) >&2
  PROBE=$ROOT/.build/release/hpo-collectives-probe
fi
mpi=(mpirun --allow-run-as-root --oversubscribe --bind-to none --mca btl tcp,self)

# hpo RESULT N HOST... : one probe per rank (rank r on HOST r; "lo" = 127.0.0.1 here).
hpo() {
  local out=$1 n=$2; shift 2
  local hosts=("$@") base=$((20000 + RANDOM % 30000)) addresses="" r
  for ((r = 0; r < n; r++)); do
    local ip=127.0.0.1
    [ "${hosts[r]}" = lo ] || ip=$("$NETNS" ip "${hosts[r]}")
    addresses+="${addresses:+,}tcp://$ip:$((base + r))"
  done
  local pids=()
  for ((r = n - 1; r >= 0; r--)); do
    local run=(env "HPO_PROBE_SHARED_MEMORY=${SHARED:-0}")
    [ "${hosts[r]}" = lo ] || run=("$NETNS" run "${hosts[r]}" "${run[@]}")
    if [ "$r" = 0 ]; then
      "${run[@]}" "$PROBE" bench "bench-$n" 0 "$addresses" "$CHUNK_BYTES" "$SIZES_MAX" > "$out"
    else
      "${run[@]}" "$PROBE" bench "bench-$n" "$r" "$addresses" "$CHUNK_BYTES" "$SIZES_MAX" &
      pids+=($!)
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

# side_by_side HPO MPI : one table of both runs, by size.
side_by_side() {
  python3 - "$1" "$2" <<'PY'
import sys
def rows(path):
    return {int(f[1]): [float(x) for x in f[2:]] for f in (l.split() for l in open(path)) if len(f) == 6}
h, m = rows(sys.argv[1]), rows(sys.argv[2])
print("| bytes | hpo µs | hpo algbw | hpo busbw | Open MPI µs | Open MPI algbw | Open MPI busbw | hpo / Open MPI busbw |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for size in sorted(h):
    hs, ms = h[size], m.get(size)
    mpi = f"{ms[1]:.1f} | {ms[2]:.3f} | {ms[3]:.3f} | {hs[3] / ms[3]:.2f}" if ms else "- | - | - | -"
    print(f"| {size:,} | {hs[1]:.1f} | {hs[2]:.3f} | {hs[3]:.3f} | {mpi} |")
PY
}

echo "# $(nproc) cores; chunk $CHUNK_BYTES bytes; GB/s = 10^9 B/s; Open MPI $(mpirun --version 2>/dev/null | head -1 | awk '{print $NF}') over TCP"
for links in $LINKS; do
  case $links in
    shared)
      for n in $MEMBERS; do
        hosts=(); for ((r = 0; r < n; r++)); do hosts+=(lo); done
        SHARED=1 hpo "$work/hpo-$links-$n" "$n" "${hosts[@]}"
        mpirun --allow-run-as-root --oversubscribe --bind-to none --mca btl vader,self -np "$n" \
          "$work/mpi_allreduce" "$SIZES_MAX" > "$work/mpi-$links-$n"
        echo; echo "## one host, shared memory (hpo's default there; Open MPI's vader), N = $n"
        side_by_side "$work/hpo-$links-$n" "$work/mpi-$links-$n"
      done
      ;;
    loopback)
      for n in $MEMBERS; do
        hosts=(); for ((r = 0; r < n; r++)); do hosts+=(lo); done
        hpo "$work/hpo-$links-$n" "$n" "${hosts[@]}"
        "${mpi[@]}" -np "$n" --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo \
          "$work/mpi_allreduce" "$SIZES_MAX" > "$work/mpi-$links-$n"
        echo; echo "## loopback (127.0.0.1), N = $n"
        side_by_side "$work/hpo-$links-$n" "$work/mpi-$links-$n"
      done
      ;;
    shaped)
      if ! reason=$("$NETNS" check); then echo; echo "## shaped links: skipped ($reason)"; continue; fi
      for n in $MEMBERS; do
        "$NETNS" up "$n"
        hosts=(); mpi_hosts=""
        for ((r = 1; r <= n; r++)); do
          # Both directions of host r's link: the bridge port (towards it) and its eth0 (from it).
          tc qdisc add dev "$HPO_NETNS_PREFIX-v$r" root tbf rate "$RATE" burst 256kb latency 50ms
          "$NETNS" run "$r" tc qdisc add dev eth0 root tbf rate "$RATE" burst 256kb latency 50ms
          hosts+=("$r"); mpi_hosts+="${mpi_hosts:+,}$("$NETNS" ip "$r")"
        done
        hpo "$work/hpo-$links-$n" "$n" "${hosts[@]}"
        "${mpi[@]}" -np "$n" --host "$mpi_hosts" --mca plm_rsh_agent "$HERE/netns_agent.sh" \
          --mca btl_tcp_if_include "$HPO_NETNS_SUBNET.0/24" --mca oob_tcp_if_include "$HPO_NETNS_SUBNET.0/24" \
          "$work/mpi_allreduce" "$SIZES_MAX" > "$work/mpi-$links-$n"
        "$NETNS" down
        echo; echo "## shaped links: one rank per fake host, each link $RATE (tc tbf), N = $n"
        side_by_side "$work/hpo-$links-$n" "$work/mpi-$links-$n"
      done
      ;;
    *) echo "allreduce.sh: unknown links '$links'; accepted: shared, loopback, shaped" >&2; exit 2 ;;
  esac
done
