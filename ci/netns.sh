#!/usr/bin/env bash
# Host side of virtio-net tests: a network namespace holding a tap for hv
# and a veth pair to talk to it, with link-local test addresses only.
#
#   ci/netns.sh up NS TAP [ADDR/PREFIX]   create NS, TAP (persistent, in NS)
#                                          and put ADDR (default
#                                          10.211.0.1/24) on TAP
#   ci/netns.sh down NS                    delete NS and everything in it
#   ci/netns.sh exec NS CMD...             run CMD inside NS (e.g. hv run)
#
# hv opens the tap by name, so it must run inside the namespace:
#   ci/netns.sh exec hvt build/bin/hv run ... --net tap=hvtap0
set -euo pipefail
cmd=${1:-}; ns=${2:-}
[ -n "$cmd" ] && [ -n "$ns" ] || { sed -n '2,13p' "$0"; exit 2; }
case $cmd in
  up)
    tap=${3:?tap name}; addr=${4:-10.211.0.1/24}
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" tuntap add dev "$tap" mode tap vnet_hdr
    ip -n "$ns" addr add "$addr" dev "$tap"
    ip -n "$ns" link set "$tap" up
    ;;
  down)
    ip netns del "$ns" 2>/dev/null || true
    ;;
  exec)
    shift 2
    exec ip netns exec "$ns" "$@"
    ;;
  *)
    echo "ci/netns.sh: unknown command $cmd (up, down, exec)" >&2; exit 2 ;;
esac
