#!/usr/bin/env bash
# Times the custody history reader (and `custody audit`, when built) against a single
# `git log -p -U0 --all` and against Kingfisher, on the same repositories, in the same run.
#
# Usage: Benchmarks/audit-vs-gitlog.sh REPO [REPO...]
#   RUNS=3          runs per tool (the median is reported)
#   JOBS=$(nproc)   git processes for custody
#   KINGFISHER=...  path of the kingfisher binary (default: from PATH; `pip install kingfisher-bin`);
#                   KINGFISHER=none skips it
#   REFS=all        all refs (`git log --all`, custody --all-refs); REFS=branches: branches and
#                   tags only (`git log --branches --tags`, custody's default selection)
#   CUSTODY=...     a custody binary to use (default: build one with `swift build -c release`)
#   READER=0        skip the reader-only rows (`custody debug read-history`)
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

if [ -n "${CUSTODY:-}" ]; then
    bin=$CUSTODY
else
    swift build -c release --product custody >&2 || exit 1
    bin="$(swift build -c release --show-bin-path)/custody"
fi
refs=${REFS:-all}
if [ "$refs" = all ]; then
    git_refs=(--all) custody_refs=(--all-refs) refs_text="--all"
else
    git_refs=(--branches --tags) custody_refs=() refs_text="--branches --tags"
fi
kingfisher=${KINGFISHER:-$(command -v kingfisher || true)}
[ "$kingfisher" = none ] && kingfisher=
has_audit=0
"$bin" audit --help 2>/dev/null | grep -q -- "--workspace" && has_audit=1

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure CMD...: runs CMD $runs times; sets MED (median wall s), CPU (median user+system s of the
# command and its children), RSS (max MB), STATUS (last exit code).
# The standard error of the first run is kept in $tmp/first.err.
measure() {
    local times=() cpus=() i t m x u s
    RSS=0
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f "%e %M %x %U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err"
        read -r t m x u s < <(tail -n 1 "$tmp/time")
        [ "$i" -eq 0 ] && cp "$tmp/err" "$tmp/first.err"
        times+=("$t")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
        ((m / 1024 > RSS)) && RSS=$((m / 1024))
        STATUS=$x
    done
    MED=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
    CPU=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

row() { printf '%-28s %-34s %9s %9s %8s %9s %9s  %s\n' "$@"; }

row "repository" "tool" "median s" "peak MB" "ratio" "cpu s" "cpu ratio" "note"
for repo in "$@"; do
    name=$(basename "$(dirname "$repo")")/$(basename "$repo")
    commits=$(git --git-dir="$repo" rev-list "${git_refs[@]}" --count 2>/dev/null || git -C "$repo" rev-list "${git_refs[@]}" --count)

    : >"$tmp/skip"
    summary=""
    if [ "${READER:-1}" = 1 ]; then
        measure "$bin" debug read-history "$repo" "${custody_refs[@]}" --jobs "$jobs" --problems
        reader=$MED reader_rss=$RSS reader_cpu=$CPU
        grep '^problem: ' "$tmp/first.err" | awk '{print $2}' | sort -u >"$tmp/skip"
        summary=$(grep '^refs ' "$tmp/first.err" | head -n 1)
        measure "$bin" debug read-history "$repo" "${custody_refs[@]}" --jobs 1
        reader1=$MED reader1_rss=$RSS reader1_cpu=$CPU
    fi

    measure git --git-dir="$repo" log -p -U0 "${git_refs[@]}"
    note="git log -p -U0 $refs_text"
    if [ "$STATUS" != 0 ]; then
        if [ "${READER:-1}" != 1 ]; then
            "$bin" debug read-history "$repo" "${custody_refs[@]}" --jobs "$jobs" --problems >/dev/null 2>"$tmp/err"
            grep '^problem: ' "$tmp/err" | awk '{print $2}' | sort -u >"$tmp/skip"
        fi
        measure bash -c 'git --git-dir="$1" rev-list "${@:3}" | grep -v -x -F -f "$2" | git --git-dir="$1" log --no-walk=unsorted --stdin -p -U0' _ "$repo" "$tmp/skip" "${git_refs[@]}"
        note="git log died on a missing object; baseline skips $(wc -l <"$tmp/skip") unreadable commits"
    fi
    base=$MED base_cpu=$CPU
    row "$name ($commits commits)" "git log -p -U0 $refs_text" "$base" "$RSS" "1.00" "$CPU" "1.00" "$note"
    if [ "${READER:-1}" = 1 ]; then
        row "" "custody debug read-history -j$jobs" "$reader" "$reader_rss" "$(ratio "$reader" "$base")" "$reader_cpu" "$(ratio "$reader_cpu" "$base_cpu")" "$summary"
        row "" "custody debug read-history -j1" "$reader1" "$reader1_rss" "$(ratio "$reader1" "$base")" "$reader1_cpu" "$(ratio "$reader1_cpu" "$base_cpu")" ""
    fi

    if [ "$has_audit" = 1 ]; then
        measure bash -c 'w=$(mktemp -d); "$1" audit "$2" "${@:4}" --jobs "$3" --timings --format json --output /dev/null --workspace "$w"; s=$?; rm -rf "$w"; [ $s -le 3 ]' _ "$bin" "$repo" "$jobs" "${custody_refs[@]}"
        timings=$(grep 'timings:' "$tmp/first.err" | head -n 1 | sed 's/^custody: timings: //')
        row "" "custody audit (all detectors, json, fresh store)" "$MED" "$RSS" "$(ratio "$MED" "$base")" "$CPU" "$(ratio "$CPU" "$base_cpu")" "exit $STATUS; $timings"
    else
        row "" "custody audit" "-" "-" "-" "-" "-" "not in this build"
    fi

    if [ -n "$kingfisher" ]; then
        measure "$kingfisher" scan "$repo" --git-history full --no-validate --no-update-check -j "$jobs" --format json -o /dev/null
        row "" "kingfisher scan (full history)" "$MED" "$RSS" "$(ratio "$MED" "$base")" "$CPU" "$(ratio "$CPU" "$base_cpu")" "exit $STATUS (non-zero = findings)"
    else
        row "" "kingfisher" "-" "-" "-" "-" "-" "not installed (pip install kingfisher-bin)"
    fi
done
