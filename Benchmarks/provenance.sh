#!/usr/bin/env bash
# Provenance of HEAD of a real repository versus `git blame --porcelain` on every file one
# after another, in the same run.
#
#   Benchmarks/provenance.sh [REPO] [RUNS]
#
# REPO: a git repository (bare or not), never modified: the warm case works on a temporary
# clone. Default: the tmux mirror fetched into /work/.mirror. RUNS (argument or environment):
# repetitions, medians reported, default 1. CUSTODY: the custody binary (default
# .build/release/custody, else .build/debug/custody). SAMPLE=N (default 1): blame only every
# Nth file and multiply its time by N — an estimate, for histories where blaming every file
# takes hours (the output says so). Prints wall seconds, CPU seconds (user + sys, children
# included) and the ratios of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=${1:-/work/.mirror/tmux+tmux/repo}
RUNS=${2:-${RUNS:-1}}
SAMPLE=${SAMPLE:-1}
CUSTODY=${CUSTODY:-}
if [ -z "$CUSTODY" ]; then
    if [ -x .build/release/custody ]; then CUSTODY=.build/release/custody; else CUSTODY=.build/debug/custody; fi
fi
CUSTODY=$(realpath "$CUSTODY")
WORK=$(pwd)/Benchmarks/.work/provenance
rm -rf "$WORK"
mkdir -p "$WORK"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# timed NAME COMMAND…: runs it under /usr/bin/time; appends "wall cpu" to $WORK/NAME.
timed() {
    local name=$1
    shift
    /usr/bin/time -f '%e %U %S' -o "$WORK/t" "$@"
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/t" >> "$WORK/$name"
}

# A temporary clone (objects hard-linked; the source is not touched) used by every measurement.
git clone -q --no-checkout "$REPO" "$WORK/clone"
REV=$(git -C "$WORK/clone" rev-parse HEAD)
git -C "$WORK/clone" ls-tree -r -z --full-tree "$REV" | tr '\0' '\n' | awk -F'\t' '$1 ~ /^100(644|755) blob /{print $2}' > "$WORK/files"
awk -v n="$SAMPLE" '(NR - 1) % n == 0' "$WORK/files" > "$WORK/blamed"
FILES=$(wc -l < "$WORK/files")
echo "repository: $REPO at $REV ($FILES files, blaming $(wc -l < "$WORK/blamed")), custody: $CUSTODY, cores: $(nproc), runs: $RUNS"

blame_all() {
    while IFS= read -r f; do git -C "$WORK/clone" blame --porcelain "$REV" -- "$f" > /dev/null; done < "$WORK/blamed"
}
export -f blame_all
export WORK REV

for _ in $(seq "$RUNS"); do
    timed blame bash -c blame_all
    rm -rf "$WORK/ws"
    timed cold "$CUSTODY" provenance "$WORK/clone" --rev "$REV" --workspace "$WORK/ws" --format json --output "$WORK/cold.json"
done
cp -a "$WORK/ws" "$WORK/ws-at-rev"  # the cache at REV

# Warm: one new commit in the clone that changes one file, then provenance again from the
# cache at REV (restored before each run).
git -C "$WORK/clone" checkout -q "$REV"
first=$(head -n 1 "$WORK/files")
echo "/* custody benchmark */" >> "$WORK/clone/$first"
git -C "$WORK/clone" -c user.name=bench -c user.email=bench@example.invalid commit -qam "benchmark change"
for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/ws"
    cp -a "$WORK/ws-at-rev" "$WORK/ws"
    timed warm "$CUSTODY" provenance "$WORK/clone" --rev HEAD --workspace "$WORK/ws" --format json --output "$WORK/warm.json"
done

b=$(cut -d' ' -f1 "$WORK/blame" | median)
b=$(echo "$b * $SAMPLE" | bc)
bc_=$(cut -d' ' -f2 "$WORK/blame" | median)
bc_=$(echo "$bc_ * $SAMPLE" | bc)
c=$(cut -d' ' -f1 "$WORK/cold" | median)
cc=$(cut -d' ' -f2 "$WORK/cold" | median)
w=$(cut -d' ' -f1 "$WORK/warm" | median)
wc_=$(cut -d' ' -f2 "$WORK/warm" | median)
estimate=""
[ "$SAMPLE" -gt 1 ] && estimate=" (ESTIMATE: every ${SAMPLE}th file blamed, times x${SAMPLE})"
echo "runs (wall cpu): blame [$(tr '\n' ' ' < "$WORK/blame")] cold [$(tr '\n' ' ' < "$WORK/cold")] warm [$(tr '\n' ' ' < "$WORK/warm")]"
echo "git blame --porcelain, every file in turn: ${b}s wall, ${bc_}s cpu${estimate}"
echo "custody provenance, cold cache:            ${c}s wall, ${cc}s cpu  ($(echo "scale=3; $c / $b" | bc)x wall, $(echo "scale=3; $cc / $bc_" | bc)x cpu)"
echo "custody provenance, warm, one new commit:  ${w}s wall, ${wc_}s cpu  ($(echo "scale=3; $w / $b" | bc)x wall, $(echo "scale=3; $wc_ / $bc_" | bc)x cpu)"
