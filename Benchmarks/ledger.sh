#!/usr/bin/env bash
# Ledger benchmark: appends/s (checkpoint every 100 entries) and verify entries/s on a 1,000,000-entry log.
#
#   Benchmarks/ledger.sh [RUNS] [APPENDS] [VERIFY_ENTRIES]
#
# Builds the release binary, then for each run:
#   - appends APPENDS (default 100000) entries of ~200 bytes with a checkpoint every 100, fsync on
#     (durable) and off (--no-sync: survives a killed process, not a power cut);
#   - verifies a log of VERIFY_ENTRIES (default 1000000) entries, built once with checkpoints every 100.
# Prints each run and the medians. Scratch space: $TMPDIR or /tmp (about 450 MB for 1M entries).
set -euo pipefail
RUNS=${1:-5}
APPENDS=${2:-100000}
VERIFY=${3:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release --product custody >/dev/null
BIN=$(swift build -c release --show-bin-path)/custody
WORK=$(mktemp -d "${TMPDIR:-/tmp}/custody-ledger-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"$BIN" keygen --name bench.example.invalid/ledger --output "$WORK/key" >/dev/null

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN {printf "%.0f\n", n/(b-a)}'; }

durable=(); nosync=(); verify=()
for run in $(seq 1 "$RUNS"); do
  for mode in durable nosync; do
    dir="$WORK/append-$mode-$run"
    flags=(); [ "$mode" = nosync ] && flags=(--no-sync)
    t0=$(now)
    "$BIN" ledger append-test "$dir" --key "$WORK/key.key" --count "$APPENDS" --checkpoint-every 100 --quiet "${flags[@]}" >/dev/null
    t1=$(now)
    r=$(rate "$APPENDS" "$t0" "$t1")
    echo "run $run append ($mode): $r appends/s"
    if [ "$mode" = durable ]; then durable+=("$r"); else nosync+=("$r"); fi
    rm -rf "$dir"
  done
done

big="$WORK/big"
echo "building a $VERIFY-entry log (checkpoint every 100)…"
"$BIN" ledger append-test "$big" --key "$WORK/key.key" --count "$((VERIFY - 1))" --checkpoint-every 100 --quiet --no-sync >/dev/null
for run in $(seq 1 "$RUNS"); do
  t0=$(now)
  "$BIN" ledger verify "$big" --key "$WORK/key.vkey" >/dev/null
  t1=$(now)
  r=$(rate "$VERIFY" "$t0" "$t1")
  echo "run $run verify: $r entries/s"
  verify+=("$r")
done

echo "median append (durable, fsync at each checkpoint): $(printf '%s\n' "${durable[@]}" | median) appends/s"
echo "median append (--no-sync):                          $(printf '%s\n' "${nosync[@]}" | median) appends/s"
echo "median verify ($VERIFY entries):                   $(printf '%s\n' "${verify[@]}" | median) entries/s"
