#!/usr/bin/env bash
# Times the custody history reader (and `custody audit`, when built) against a single
# `git log -p -U0 --all` and against Kingfisher, on the same repositories, in the same run.
#
# Usage: Benchmarks/audit-vs-gitlog.sh REPO [REPO...]
#   RUNS=3          runs per tool (the median is reported)
#   JOBS=$(nproc)   git processes for custody
#   KINGFISHER=...  path of the kingfisher binary (default: from PATH; `pip install kingfisher-bin`)
#
# Prints, per repository and tool: median seconds, peak RSS (MB) and the ratio to git log.
# When `git log -p` itself dies on a missing object (the fetched mirrors leave out blobs of 4 MiB
# and more), the baseline becomes `git rev-list --all` minus the commits custody could not read,
# piped to `git log --no-walk=unsorted --stdin -p -U0`: the same readable part of the history.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
runs=${RUNS:-3}
jobs=${JOBS:-$(nproc)}
[ $# -ge 1 ] || { echo "usage: $0 REPO [REPO...]" >&2; exit 64; }

swift build -c release --product custody >&2 || exit 1
bin="$(swift build -c release --show-bin-path)/custody"
kingfisher=${KINGFISHER:-$(command -v kingfisher || true)}
has_audit=0
"$bin" audit --help 2>/dev/null | grep -q -- "--workspace" && has_audit=1

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure CMD...: runs CMD $runs times; sets MED (median s), RSS (max MB), STATUS (last exit code).
# The standard error of the first run is kept in $tmp/first.err.
measure() {
    local times=() i t m x
    RSS=0
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f "%e %M %x" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err"
        read -r t m x < <(tail -n 1 "$tmp/time")
        [ "$i" -eq 0 ] && cp "$tmp/err" "$tmp/first.err"
        times+=("$t")
        ((m / 1024 > RSS)) && RSS=$((m / 1024))
        STATUS=$x
    done
    MED=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

row() { printf '%-28s %-34s %9s %9s %8s  %s\n' "$@"; }

row "repository" "tool" "median s" "peak MB" "ratio" "note"
for repo in "$@"; do
    name=$(basename "$(dirname "$repo")")/$(basename "$repo")
    commits=$(git --git-dir="$repo" rev-list --all --count 2>/dev/null || git -C "$repo" rev-list --all --count)

    measure "$bin" debug read-history "$repo" --all-refs --jobs "$jobs" --problems
    reader=$MED reader_rss=$RSS
    grep '^problem: ' "$tmp/first.err" | awk '{print $2}' | sort -u >"$tmp/skip"
    summary=$(grep '^refs ' "$tmp/first.err" | head -n 1)
    measure "$bin" debug read-history "$repo" --all-refs --jobs 1
    reader1=$MED reader1_rss=$RSS

    measure git --git-dir="$repo" log -p -U0 --all
    note="git log -p -U0 --all"
    if [ "$STATUS" != 0 ]; then
        measure bash -c 'git --git-dir="$1" rev-list --all | grep -v -x -F -f "$2" | git --git-dir="$1" log --no-walk=unsorted --stdin -p -U0' _ "$repo" "$tmp/skip"
        note="git log died on a missing object; baseline skips $(wc -l <"$tmp/skip") unreadable commits"
    fi
    base=$MED
    row "$name ($commits commits)" "git log -p -U0 --all" "$base" "$RSS" "1.00" "$note"
    row "" "custody debug read-history -j$jobs" "$reader" "$reader_rss" "$(ratio "$reader" "$base")" "$summary"
    row "" "custody debug read-history -j1" "$reader1" "$reader1_rss" "$(ratio "$reader1" "$base")" ""

    if [ "$has_audit" = 1 ]; then
        measure bash -c 'w=$(mktemp -d); "$1" audit "$2" --all-refs --jobs "$3" --format json --output /dev/null --workspace "$w"; s=$?; rm -rf "$w"; [ $s -le 3 ]' _ "$bin" "$repo" "$jobs"
        row "" "custody audit (json, fresh store)" "$MED" "$RSS" "$(ratio "$MED" "$base")" "exit $STATUS"
    else
        row "" "custody audit" "-" "-" "-" "not in this build"
    fi

    if [ -n "$kingfisher" ]; then
        measure "$kingfisher" scan "$repo" --git-history full --no-validate --no-update-check -j "$jobs" --format json -o /dev/null
        row "" "kingfisher scan (full history)" "$MED" "$RSS" "$(ratio "$MED" "$base")" "exit $STATUS (non-zero = findings)"
    else
        row "" "kingfisher" "-" "-" "-" "not installed (pip install kingfisher-bin)"
    fi
done
