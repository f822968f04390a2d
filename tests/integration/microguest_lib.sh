# Shared by tests/integration/microguest_*.sh (sourced, not a test itself:
# run-integration.sh runs *.sh, so this file only defines functions when
# sourced and exits 0 when run).
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
HV=${HV:-build/bin/hv}
WL=build/workloads

mg_require() {
  if [ ! -c /dev/kvm ]; then echo "no /dev/kvm on this host"; exit 77; fi
  for f in "$HV" "$WL/micro/selftest.elf" "$WL/native/selftest"; do
    [ -x "$f" ] || [ -f "$f" ] || { echo "missing $f (run make)"; exit 1; }
  done
}

# mg_check FILE WORKLOAD ENV: every result line is valid, has a positive
# finite value or is unavailable with a reason; prints a summary.
mg_check() {
  python3 - "$@" <<'PY'
import json, math, sys
path, workload, env = sys.argv[1:4]
n = 0
for line in open(path):
    if not line.startswith("{"):
        continue
    o = json.loads(line)
    assert o["workload"] == workload, o
    for k in ("metric", "unit"):
        assert isinstance(o[k], str), o
    assert isinstance(o["higher_is_better"], bool), o
    v = o["value"]
    if v is None:
        ex = o.get("extra", {})
        assert ex.get("available") is False and ex.get("reason"), o
        print(f"  {env:6} {workload}: {o.get('params')} unavailable: {ex['reason']}")
    else:
        assert isinstance(v, (int, float)) and math.isfinite(v) and v > 0, o
        print(f"  {env:6} {workload}: {o['metric']} {o.get('params', '')} = {v:.6g} {o['unit']}")
    n += 1
assert n > 0, f"{workload} ({env}) printed no result lines"
PY
}

# mg_value FILE METRIC: the first value of METRIC
mg_value() {
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    if l.startswith("{"):
        o=json.loads(l)
        if o["metric"]==sys.argv[2]: print(o["value"]); break' "$1" "$2"
}
