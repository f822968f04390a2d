#!/usr/bin/env bash
# Every workload runs natively and as a micro-guest under hv and prints sane
# result lines (positive, finite, or unavailable with a reason); the
# guest/native ratio of intops is printed (not asserted: this checks that
# both ran, not a speed).
set -eu
. "$(dirname "$0")/microguest_lib.sh"
mg_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
declare -A args=(
  [intops]="iters=20000000 reps=3" [flops]="iters=5000000 reps=3"
  [stream]="size=4M reps=3" [ptrchase]="max=4M loads=200000"
  [pagetouch]="size=16M" [exits]="batches=5 ops=20"
  [dupages]="size=8M hold=0" [wsalloc]="size=8M passes=2"
)
# every workload that is built both natively and as a micro-guest
for w in $(python3 -c 'import json;print(" ".join(e["name"] for e in json.load(open("workloads/manifest.json"))["workloads"] if {"native", "micro"} <= set(e["envs"])))'); do
  a=${args[$w]:-}
  # shellcheck disable=SC2086
  "$WL/native/$w" $a >"$tmp/$w.native"
  # shellcheck disable=SC2086
  timeout 60 "$HV" run --quiet --mem 256M --guest "micro:$w" -- $a >"$tmp/$w.micro"
  mg_check "$tmp/$w.native" "$w" native
  mg_check "$tmp/$w.micro" "$w" micro
done
n=$(mg_value "$tmp/intops.native" ops_per_sec)
g=$(mg_value "$tmp/intops.micro" ops_per_sec)
python3 -c "import sys; print('intops guest/native ratio: %.4f' % (float(sys.argv[2]) / float(sys.argv[1])))" "$n" "$g"
# every exit benchmark: a positive cost or a reason
python3 - "$tmp/exits.micro" <<'PY'
import json, sys
ops = {}
for l in open(sys.argv[1]):
    if l.startswith("{"):
        o = json.loads(l)
        if o["metric"] == "cycles_per_op":
            ops[o["params"]["op"]] = o
for op in ("cpuid", "pio_read", "pio_write", "mmio_read", "mmio_write", "hypercall", "hlt"):
    assert op in ops, f"exits: no result for {op}"
    o = ops[op]
    # these always exit to KVM or hv from a micro-guest: a cost, never a reason
    if op in ("cpuid", "pio_read", "pio_write", "mmio_read", "mmio_write"):
        assert (o["value"] or 0) > 0, f"exits: {op} must be measured: {o}"
    assert (o["value"] or 0) > 0 or o["extra"].get("reason"), o
print("exit benchmarks all reported")
PY
