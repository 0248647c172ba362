#!/bin/sh
# A toy training loop in POSIX sh and awk that speaks hpo's stdout protocol:
# each epoch it prints one line
#   @@hpo {"type":"report","epoch":N,"metrics":{"value":V}}
# and reads hpo's decision ("continue" or "stop") as one line on standard input.
#
# The "model" is a noisy quadratic that converges with the epochs like a
# learning curve: at epoch n,
#   value(n) = (x - 1)^2 + 4 * |1 - 1.6 * rate|^n + noise(seed, n) / sqrt(n)
# so `x` sets where it ends (best at x = 1) and `rate` how fast it gets there
# (fastest at rate = 0.625; near 0 it crawls). Early epochs already tell a bad x
# from a good one, which is what lets ASHA stop bad trials early.
#
# Parameters come from HPO_PARAMS (or HPO_PARAMS_FILE) as JSON. This script
# reads them with sed, which is enough for a flat object of numbers such as
# {"rate":0.3,"x":-1.25} and nothing more: a toy, not a JSON parser.
# The noise comes from HPO_SEED (a Park-Miller generator in awk, the same on
# every awk), so a trial is reproducible. After each epoch the epoch number is
# checkpointed (a temporary file, then mv); a requeued trial resumes from
# HPO_RESUME_DIR. Environment: HPO_EPOCHS (default 27), EPOCH_SECONDS (sleep
# per epoch, default 0: a stand-in for real work).
set -eu

params=${HPO_PARAMS:-}
if [ -z "$params" ] && [ -n "${HPO_PARAMS_FILE:-}" ]; then
  params=$(cat "$HPO_PARAMS_FILE")
fi

# param NAME: the number after "NAME": in $params, or nothing.
param() {
  printf '%s' "$params" | tr -d '\n' |
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\(-\{0,1\}[0-9][0-9.eE+-]*\).*/\1/p"
}

x=$(param x)
rate=$(param rate)
for pair in "x=$x" "rate=$rate"; do
  case $pair in
    *=) echo "quadratic.sh: no number \"${pair%=}\" in HPO_PARAMS ($params)" >&2; exit 2 ;;
  esac
done

epochs=${HPO_EPOCHS:-27}
# The seed's last 9 digits (HPO_SEED is a 64-bit number; awk computes in doubles).
seed=$(printf '%s' "${HPO_SEED:-0}" | tail -c 9)
pause=${EPOCH_SECONDS:-0}

start=1
value=
if [ -n "${HPO_RESUME_DIR:-}" ] && [ -f "$HPO_RESUME_DIR/state" ]; then
  read -r done_epochs value < "$HPO_RESUME_DIR/state"
  start=$((done_epochs + 1))
  echo "resuming after epoch $done_epochs"
fi

epoch=$start
while [ "$epoch" -le "$epochs" ]; do
  [ "$pause" = 0 ] || sleep "$pause"
  value=$(awk -v x="$x" -v rate="$rate" -v n="$epoch" -v seed="$seed" 'BEGIN {
    m = 2147483647
    s = (seed * 7919 + n * 104729) % (m - 1) + 1     # one stream per (seed, epoch)
    for (i = 0; i < 3; i++) s = (s * 16807) % m        # exact in doubles: 16807 * m < 2^53
    noise = 0.2 * (s / m - 0.5)
    b = 1 - 1.6 * rate; if (b < 0) b = -b
    printf "%.6g", (x - 1) ^ 2 + 4 * b ^ n + noise / sqrt(n)
  }')
  if [ -n "${HPO_CHECKPOINT_DIR:-}" ]; then
    printf '%s %s\n' "$epoch" "$value" > "$HPO_CHECKPOINT_DIR/state.tmp"
    mv "$HPO_CHECKPOINT_DIR/state.tmp" "$HPO_CHECKPOINT_DIR/state"
  fi
  echo "epoch $epoch: value $value"
  printf '@@hpo {"type":"report","epoch":%s,"metrics":{"value":%s}}\n' "$epoch" "$value"
  if ! read -r decision; then
    echo "quadratic.sh: standard input ended before hpo's decision for epoch $epoch (run it through an hpo worker)" >&2
    exit 1
  fi
  case $decision in
    stop) echo "stopped by hpo after epoch $epoch"; exit 0 ;;
    continue) ;;
    *) echo "quadratic.sh: unexpected decision '$decision' for epoch $epoch" >&2; exit 1 ;;
  esac
  epoch=$((epoch + 1))
done
[ -z "$value" ] || printf '@@hpo {"type":"final","metrics":{"value":%s}}\n' "$value"
