#!/usr/bin/env bash
# Detector throughput over real histories, in MB/s of added-line text, two binaries side by side.
#
# Usage: Benchmarks/detectors-history-throughput.sh BASE_BIN NEW_BIN REPO...
#
# For each repository and binary runs `custody debug scan-history REPO --all-detectors --passes 3`:
# the history (branches and tags) is read into memory once, a warm-up pass caches the blobs the
# detectors read, then three detector passes over every commit are timed on one thread (no git,
# no parsing, no blob reads in the timed part). Prints each binary's three passes and median.
# The binaries alternate (base, new) per repository so that load changes hit both.
# Both binaries need `debug scan-history --passes` (commit d615f2d or later). The baseline of the
# third pass is d615f2d itself: main at a19617d plus only that debug command, detectors untouched.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BASE_BIN NEW_BIN REPO..." >&2; exit 2; }
base=$1; new=$2; shift 2
for repo in "$@"; do
    for which in base new; do
        bin=$base; [ $which = new ] && bin=$new
        out=$("$bin" debug scan-history "$repo" --all-detectors --passes "${PASSES:-3}")
        echo "$out" | sed "s|^|  $which: |" | grep -v repository
        echo "$repo $which: $(echo "$out" | tail -1 | sed 's/^repository [^:]*: //')"
    done
done
