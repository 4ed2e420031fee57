#!/usr/bin/env bash
# Provenance of HEAD of a real repository versus `git blame --porcelain` on every file one
# after another, in the same run.
#
#   Benchmarks/provenance.sh [REPO] [RUNS]
#
# REPO: a git repository (bare or not), never modified: the warm case works on a temporary
# clone. Default: the tmux mirror fetched into /work/.mirror. RUNS: repetitions (median
# reported), default 1. CUSTODY: the custody binary (default .build/release/custody, else
# .build/debug/custody). Prints seconds and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=${1:-/work/.mirror/tmux+tmux/repo}
RUNS=${2:-1}
CUSTODY=${CUSTODY:-}
if [ -z "$CUSTODY" ]; then
    if [ -x .build/release/custody ]; then CUSTODY=.build/release/custody; else CUSTODY=.build/debug/custody; fi
fi
WORK=$(pwd)/Benchmarks/.work/provenance
rm -rf "$WORK"
mkdir -p "$WORK"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# A temporary clone (objects hard-linked; the source is not touched) used by every measurement.
git clone -q --no-checkout "$REPO" "$WORK/clone"
REV=$(git -C "$WORK/clone" rev-parse HEAD)
git -C "$WORK/clone" ls-tree -r -z --full-tree "$REV" | tr '\0' '\n' | awk -F'\t' '$1 ~ /^100(644|755) blob /{print $2}' > "$WORK/files"
FILES=$(wc -l < "$WORK/files")
echo "repository: $REPO at $REV ($FILES files), custody: $CUSTODY, cores: $(nproc)"

baseline=()
cold=()
for _ in $(seq "$RUNS"); do
    t0=$(now)
    while IFS= read -r f; do git -C "$WORK/clone" blame --porcelain "$REV" -- "$f" > /dev/null; done < "$WORK/files"
    t1=$(now)
    baseline+=("$(echo "$t1 - $t0" | bc)")
    rm -rf "$WORK/ws"
    t0=$(now)
    "$CUSTODY" provenance "$WORK/clone" --rev "$REV" --workspace "$WORK/ws" --format json --output "$WORK/cold.json"
    t1=$(now)
    cold+=("$(echo "$t1 - $t0" | bc)")
done

# Warm: one new commit in the clone that changes one file, then provenance again.
git -C "$WORK/clone" checkout -q "$REV"
first=$(head -n 1 "$WORK/files")
echo "/* custody benchmark */" >> "$WORK/clone/$first"
git -C "$WORK/clone" -c user.name=bench -c user.email=bench@example.invalid commit -qam "benchmark change"
warm=()
for _ in $(seq "$RUNS"); do
    # Re-prime the cache at REV, then time the run at the new commit.
    "$CUSTODY" provenance "$WORK/clone" --rev "$REV" --workspace "$WORK/ws" --format json --output /dev/null
    t0=$(now)
    "$CUSTODY" provenance "$WORK/clone" --rev HEAD --workspace "$WORK/ws" --format json --output "$WORK/warm.json"
    t1=$(now)
    warm+=("$(echo "$t1 - $t0" | bc)")
done

b=$(printf '%s\n' "${baseline[@]}" | median)
c=$(printf '%s\n' "${cold[@]}" | median)
w=$(printf '%s\n' "${warm[@]}" | median)
echo "git blame --porcelain, every file in turn: ${b}s"
echo "custody provenance, cold cache:            ${c}s  ($(echo "scale=3; $c / $b" | bc)x)"
echo "custody provenance, warm, one new commit:  ${w}s  ($(echo "scale=3; $w / $b" | bc)x)"
