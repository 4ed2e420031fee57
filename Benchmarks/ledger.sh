#!/usr/bin/env bash
# Ledger benchmark: appends/s (checkpoint every 100 entries) and verify entries/s on a large log.
#
#   Benchmarks/ledger.sh [RUNS] [APPENDS] [VERIFY_ENTRIES]      (defaults: 5 100000 1000000)
#   CONFIG=debug Benchmarks/ledger.sh …                          (default CONFIG=release)
#   SCRATCH=.rel Benchmarks/ledger.sh 3                         (swift build --scratch-path .rel)
#   BIN=path/to/custody Benchmarks/ledger.sh 3                   (measure that binary, no build)
#   JOBS=1 Benchmarks/ledger.sh …                                (verify --jobs 1: one thread)
#   BASELINE=path/to/other/custody Benchmarks/ledger.sh 3        (also verify the same log with that
#                                                                  binary in each run, for a ratio)
#
# Each run appends APPENDS entries of ~200 bytes with a checkpoint every 100, with fsync at every
# checkpoint (durable) and without (--no-sync: survives a killed process, not a power cut); then a
# log of VERIFY_ENTRIES entries (built once, checkpoint every 100) is verified RUNS times.
# Rates are given per wall-clock second and per CPU second (user+sys): on a shared, loaded machine
# the wall-clock figure mostly measures the other tenants. Prints medians at the end.
set -euo pipefail
RUNS=${1:-5}
APPENDS=${2:-100000}
VERIFY=${3:-1000000}
CONFIG=${CONFIG:-release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${BIN:-}" ]; then
  swift build -c "$CONFIG" --product custody ${SCRATCH:+--scratch-path "$SCRATCH"} >/dev/null
  BIN=$(swift build -c "$CONFIG" ${SCRATCH:+--scratch-path "$SCRATCH"} --show-bin-path)/custody
fi
VERIFY_FLAGS=(); [ -n "${JOBS:-}" ] && VERIFY_FLAGS=(--jobs "$JOBS")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/custody-ledger-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"$BIN" keygen --name bench.example.invalid/ledger --output "$WORK/key" >/dev/null

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# Runs a command; prints "<wall seconds> <cpu seconds>".
measure() {
  local TIMEFORMAT='%R %U %S'
  { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{printf "%s %s\n", $1, $2+$3}'
}
rates() { awk -v n="$1" -v w="$2" -v c="$3" 'BEGIN {printf "%.0f %.0f\n", n/w, n/c}'; }

declare -a dw dc nw nc vw vc bw bc
for run in $(seq 1 "$RUNS"); do
  for mode in durable nosync; do
    dir="$WORK/append-$mode-$run"
    flags=(); [ "$mode" = nosync ] && flags=(--no-sync)
    read -r wall cpu < <(measure "$BIN" ledger append-test "$dir" --key "$WORK/key.key" --count "$APPENDS" \
      --checkpoint-every 100 --quiet "${flags[@]}")
    read -r rw rc < <(rates "$APPENDS" "$wall" "$cpu")
    echo "run $run append ($mode): $rw appends/s wall, $rc appends per CPU second"
    if [ "$mode" = durable ]; then dw+=("$rw"); dc+=("$rc"); else nw+=("$rw"); nc+=("$rc"); fi
    rm -rf "$dir"
  done
done

big="$WORK/big"
echo "building a $VERIFY-entry log (checkpoint every 100)…"
"$BIN" ledger append-test "$big" --key "$WORK/key.key" --count "$((VERIFY - 1))" --checkpoint-every 100 --quiet --no-sync >/dev/null
for run in $(seq 1 "$RUNS"); do
  read -r wall cpu < <(measure "$BIN" ledger verify "$big" --key "$WORK/key.vkey" "${VERIFY_FLAGS[@]}")
  read -r rw rc < <(rates "$VERIFY" "$wall" "$cpu")
  echo "run $run verify: $rw entries/s wall, $rc entries per CPU second"
  vw+=("$rw"); vc+=("$rc")
  if [ -n "${BASELINE:-}" ]; then
    read -r wall cpu < <(measure "$BASELINE" ledger verify "$big" --key "$WORK/key.vkey")
    read -r rw rc < <(rates "$VERIFY" "$wall" "$cpu")
    echo "run $run verify (baseline $BASELINE): $rw entries/s wall, $rc entries per CPU second"
    bw+=("$rw"); bc+=("$rc")
  fi
done

echo "BIN=$BIN CONFIG=$CONFIG JOBS=${JOBS:-all cores} RUNS=$RUNS APPENDS=$APPENDS VERIFY=$VERIFY (medians: wall / per CPU second)"
echo "append, fsync at each checkpoint: $(printf '%s\n' "${dw[@]}" | median) / $(printf '%s\n' "${dc[@]}" | median) appends/s"
echo "append, --no-sync:                $(printf '%s\n' "${nw[@]}" | median) / $(printf '%s\n' "${nc[@]}" | median) appends/s"
echo "verify:                           $(printf '%s\n' "${vw[@]}" | median) / $(printf '%s\n' "${vc[@]}" | median) entries/s"
if [ -n "${BASELINE:-}" ]; then
  echo "verify, baseline binary:          $(printf '%s\n' "${bw[@]}" | median) / $(printf '%s\n' "${bc[@]}" | median) entries/s"
fi
