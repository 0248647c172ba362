#!/usr/bin/env bash
# Open MPI's launch agent for allreduce.sh's shaped links (plm_rsh_agent):
# called as `netns_agent.sh HOST COMMAND...` in place of ssh, it runs COMMAND
# (Open MPI's daemon) in the fake host (Cluster/netns) whose address is HOST.
set -euo pipefail
netns="$(cd "$(dirname "$0")/../../.." && pwd)/Cluster/netns"
host=$1; shift
subnet=${HPO_NETNS_SUBNET:-10.201.0}
case $host in
  "$subnet".*) index=$(( ${host##*.} - 10 )) ;;
  *) echo "netns_agent.sh: $host is not a fake host of $subnet.0/24" >&2; exit 2 ;;
esac
exec "$netns" run "$index" bash -c "$*"
