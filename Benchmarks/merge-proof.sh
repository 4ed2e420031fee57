#!/usr/bin/env bash
# The in-process merge proof (MergeVerifier) against git's re-merge of every merge, on real
# histories: the added lines read for each merge must be identical, and the time is compared.
#
# Usage: CUSTODY=path/to/custody [RUNS=3] [REFS=branches|all] Benchmarks/merge-proof.sh REPO [REPO...]
#
# For each repository: one `custody debug read-history --merge-digests` with the proof (merges
# proven, or their re-merge redone in-process) and one with `--remerge-all` (git re-merges every
# merge); the per-merge digests (merge id, number of changes, SHA-256 of each change's kind,
# paths, blob ids (the old one is the re-merge's result), modes, line numbers and added lines)
# must be equal, else the script says which merges differ and exits 1.
# Then RUNS interleaved timed reads of each; prints median wall and CPU (user + system of custody
# and its git children) and the merge counts.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: CUSTODY=BIN $0 REPO [REPO...]" >&2; exit 64; }
bin=${CUSTODY:?set CUSTODY to a custody binary (a release build)}
runs=${RUNS:-3}
refs=()
[ "${REFS:-branches}" = all ] && refs=(--all-refs)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }

for repo in "$@"; do
    name=$(basename "$(dirname "$repo")")
    "$bin" debug read-history "$repo" "${refs[@]}" --merge-digests >"$tmp/proof" 2>"$tmp/proof.err"
    "$bin" debug read-history "$repo" "${refs[@]}" --merge-digests --remerge-all >"$tmp/git" 2>"$tmp/git.err"
    merges=$(wc -l <"$tmp/proof")
    if [ "$merges" -eq 0 ] || [ ! -s "$tmp/git" ]; then
        echo "$name: no merge digests (did custody fail? $(tail -n 1 "$tmp/proof.err"))" >&2
        status=1
        continue
    fi
    if cmp -s "$tmp/proof" "$tmp/git"; then
        same="identical digests for all $merges merges"
    else
        same="DIFFERENT: $(diff "$tmp/proof" "$tmp/git" | grep -c '^<') of $merges merges differ"
        diff "$tmp/proof" "$tmp/git" | head -n 10 >&2
        status=1
    fi
    counts=$(tail -n 1 "$tmp/proof.err" | grep -o 'merges-without-own-paths.*merges-remerged [0-9]*')
    : >"$tmp/t-proof"
    : >"$tmp/t-git"
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -a -o "$tmp/t-proof" -f "%e %U %S" "$bin" debug read-history "$repo" "${refs[@]}" >/dev/null 2>&1
        /usr/bin/time -a -o "$tmp/t-git" -f "%e %U %S" "$bin" debug read-history "$repo" "${refs[@]}" --remerge-all >/dev/null 2>&1
    done
    for kind in proof git; do
        wall=$(awk '/^[0-9]/ {print $1}' "$tmp/t-$kind" | median)
        cpu=$(awk '/^[0-9]/ {printf "%.2f\n", $2 + $3}' "$tmp/t-$kind" | median)
        printf '%-28s %-14s wall %6s s  cpu %6s s\n' "$name" "$kind" "$wall" "$cpu"
    done
    printf '%-28s %s; %s\n' "$name" "$same" "$counts"
done
exit $status
