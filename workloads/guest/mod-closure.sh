#!/usr/bin/env bash
# Print the .ko paths (relative to lib/modules/RELEASE) needed for the named
# modules, dependencies first, each once, in a valid load order.
#   mod-closure.sh ROOT RELEASE MODULE...
# A module that is built into the kernel (modules.builtin) is skipped with a
# note on stderr; one that exists neither way is an error.
set -euo pipefail

root=${1:?usage: mod-closure.sh ROOT RELEASE MODULE...}
release=${2:?}
shift 2
moddir="$root/lib/modules/$release"
dep="$moddir/modules.dep"
[ -f "$dep" ] || { echo "mod-closure: $dep missing (run depmod)" >&2; exit 1; }

declare -A seen=()
order=()

# Module names use '-' and '_' interchangeably; file names keep their own.
path_of() {
  local n=${1//-/_}
  awk -F: -v n="$n" '{ f = $1; sub(/.*\//, "", f); sub(/\.ko(\.[a-z]+)?$/, "", f);
                       gsub(/-/, "_", f); if (f == n) { print $1; exit } }' "$dep"
}

visit() {
  local p=$1 d
  [ -n "${seen[$p]:-}" ] && return 0
  seen[$p]=1
  # modules.dep lists a module's dependencies, already in load order
  # (last = load first); visiting each first gives a valid order too.
  for d in $(awk -F: -v p="$p" '$1 == p { print $2; exit }' "$dep"); do
    visit "$d"
  done
  order+=("$p")
}

for m in "$@"; do
  p=$(path_of "$m")
  if [ -z "$p" ]; then
    if grep -Eq "/${m//[-_]/[-_]}\.ko$" "$moddir/modules.builtin"; then
      echo "mod-closure: $m is built into the kernel" >&2
      continue
    fi
    echo "mod-closure: module $m not found in $release" >&2
    exit 1
  fi
  visit "$p"
done
[ ${#order[@]} -eq 0 ] || printf '%s\n' "${order[@]}"
