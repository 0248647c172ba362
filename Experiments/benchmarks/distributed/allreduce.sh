#!/usr/bin/env bash
# Benchmark: hpo's ring all-reduce (HPOCollectives) between N processes on
# 127.0.0.1, Float buffers from 4 KB to 64 MB, for N = 2 and 3 (issue 17).
# Prints, per size, the mean time of one all-reduce, the algorithm bandwidth
# (algbw = bytes / time) and the bus bandwidth (busbw = algbw · 2(N−1)/N, as
# nccl-tests reports it), in GB/s (10^9 bytes/s).
#
# Usage: Experiments/benchmarks/distributed/allreduce.sh
#   SIZES_MAX=67108864 MEMBERS="2 3" CHUNK_BYTES=1048576 by default;
#   PROBE=path/to/hpo-collectives-probe skips the release build.
# Each member is a process of the release build of Tests/CollectivesProbe; the
# ports are a random block above 20000 (a clash fails the bind, loudly).
# Not yet here: Open MPI's MPI_Allreduce side by side, and the shaped links in
# network namespaces (Cluster/netns) the issue asks for.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${HPO_ROOT:-$(cd "$HERE/../../.." && pwd)}
SIZES_MAX=${SIZES_MAX:-67108864}
MEMBERS=${MEMBERS:-"2 3"}
CHUNK_BYTES=${CHUNK_BYTES:-1048576}
if [ -z "${PROBE:-}" ]; then
  echo "== release build of hpo-collectives-probe" >&2
  (cd "$ROOT" && swift build -c release --product hpo-collectives-probe) >&2
  PROBE=$ROOT/.build/release/hpo-collectives-probe
fi

echo "# $(nproc) cores, chunk $CHUNK_BYTES bytes, 127.0.0.1"
printf "N\tbytes\titers\tus/op\talgbw GB/s\tbusbw GB/s\n"
for n in $MEMBERS; do
  base=$((20000 + RANDOM % 30000))
  addresses=""
  for ((r = 0; r < n; r++)); do addresses+="${addresses:+,}tcp://127.0.0.1:$((base + r))"; done
  pids=()
  for ((r = 1; r < n; r++)); do
    "$PROBE" bench "bench-$n" "$r" "$addresses" "$CHUNK_BYTES" "$SIZES_MAX" &
    pids+=($!)
  done
  "$PROBE" bench "bench-$n" 0 "$addresses" "$CHUNK_BYTES" "$SIZES_MAX"
  for pid in "${pids[@]}"; do wait "$pid"; done
done
