#!/usr/bin/env bash
# Same-run A/B of custody binaries: `git log -p -U0 --branches --tags` and `custody audit` with
# each binary, interleaved round by round (so host noise hits all alike; the binaries take turns
# going first), on one repository.
#
# Usage: Benchmarks/audit-ab.sh ROUNDS REPO BIN [BIN...]
#
# Prints, per command: median wall and CPU seconds (user + system, with children), the ratio of
# the median wall to git log's, the ratio of the fastest rounds, and every round's wall time.
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: $0 ROUNDS REPO BIN [BIN...]" >&2; exit 64; }
rounds=$1 repo=$2
shift 2
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A walls cpus
names=(git "$@")

record() {
    local t u s
    read -r t u s <"$tmp/time"
    walls[$1]+="$t "
    cpus[$1]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') "
}

for ((i = 0; i < rounds; i++)); do
    /usr/bin/time -o "$tmp/time" -f "%e %U %S" git --git-dir="$repo" log -p -U0 --branches --tags >/dev/null 2>&1
    record git
    # The binaries take turns going first: a run right after another custody run was measured
    # up to 0.2 s slower on jq (the previous run's writes still being flushed), whichever ran.
    bins=("$@")
    for ((k = 0; k < ${#bins[@]}; k++)); do
        bin=${bins[$(((k + i) % ${#bins[@]}))]}
        ws=$(mktemp -d "$tmp/ws.XXXXXX")
        /usr/bin/time -o "$tmp/time" -f "%e %U %S" "$bin" audit "$repo" --format json --output /dev/null \
            --workspace "$ws" >/dev/null 2>&1
        record "$bin"
        rm -rf "$ws"
    done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimum() { tr ' ' '\n' | grep . | sort -n | head -1; }
base=$(median <<<"${walls[git]}")
least=$(minimum <<<"${walls[git]}")
# The ratio of the fastest rounds as well: on a shared host, noise only ever adds time.
for name in "${names[@]}"; do
    wall=$(median <<<"${walls[$name]}")
    fastest=$(minimum <<<"${walls[$name]}")
    printf '%-40s wall %7s s  cpu %7s s  ratio %5s  min-ratio %5s  [%s]\n' "$name" "$wall" \
        "$(median <<<"${cpus[$name]}")" "$(awk -v a="$wall" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="$fastest" -v b="$least" 'BEGIN { printf "%.2f", a / b }')" "${walls[$name]% }"
done
