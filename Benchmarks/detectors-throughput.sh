#!/usr/bin/env bash
# Throughput of the content detectors in MB/s of added-line text.
#
# Extracts the source trees of a few real repositories (HEAD only, into a temporary folder, never
# into the work tree), then runs `custody debug scan-text --quiet --repeat N` over them, once per
# corpus, three times each, and prints every run plus the median. A last corpus is one synthetic
# 1 MB single-line minified file, the worst case for line-oriented scanners.
#
# Usage: Benchmarks/detectors-throughput.sh [CUSTODY_BINARY]
#   CUSTODY_BINARY defaults to .build/release/custody (build with: swift build -c release --product custody)
# Repositories: /work/.mirror/{jqlang+jq,tmux+tmux,madler+zlib}/repo (fetch github:jqlang/jq …) and
# /opt/swift-packages/apple/swift-crypto.git; missing ones are skipped.
#   DETECTORS=all (default) runs every registered detector (`--all-detectors`); DETECTORS=content
#   runs only the content detectors.
set -euo pipefail
bin=${1:-.build/release/custody}
repeat=${REPEAT:-3}
which_flag=()
[ "${DETECTORS:-all}" = all ] && which_flag=(--all-detectors)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

extract() { # name git-dir
    local dir="$work/$1"
    mkdir -p "$dir"
    git --git-dir="$2" archive --format=tar HEAD | tar -x -C "$dir"
}

corpora=()
for spec in "jq:/work/.mirror/jqlang+jq/repo" "tmux:/work/.mirror/tmux+tmux/repo" \
    "zlib:/work/.mirror/madler+zlib/repo" "swift-crypto:/opt/swift-packages/apple/swift-crypto.git"; do
    name=${spec%%:*}; dir=${spec#*:}
    [ -d "$dir" ] || { echo "skip $name (no $dir)"; continue; }
    extract "$name" "$dir"
    corpora+=("$name")
done

# A 1 MB single-line minified JavaScript file: tokens that trip prefilters, on one line.
python3 - "$work/minified.min.js" <<'PY'
import random, sys
random.seed(7)
parts = ['var a=function(b){return b.exec(c)};', 'eval(x)', 'atob(y)', '"\\x41\\x42"+', 'if(t>1){}',
         'fetch("/api")', 'Date.now()', 'rm -rf ', '0123456789abcdef', 'headers["x"]=="y"', 'AKIA']
out, n = [], 0
while n < 1 << 20:
    p = random.choice(parts); out.append(p); n += len(p)
open(sys.argv[1], 'w').write(''.join(out)[: 1 << 20])
PY

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run_corpus() { # label files...
    local label=$1; shift
    local speeds=()
    for i in 1 2 3; do
        line=$("$bin" debug scan-text --quiet "${which_flag[@]}" --repeat "$repeat" "$@" | tail -1)
        echo "  $label run $i: $line"
        speeds+=("$(echo "$line" | sed -E 's/.*: ([0-9.]+) MB\/s.*/\1/')")
    done
    echo "$label median: $(printf '%s\n' "${speeds[@]}" | median) MB/s"
}

for name in "${corpora[@]}"; do
    mapfile -d '' files < <(find "$work/$name" -type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \
        -o -name '*.py' -o -name '*.js' -o -name '*.go' -o -name '*.swift' -o -name '*.sh' -o -name '*.md' \
        -o -name '*.jq' -o -name '*.y' -o -name '*.txt' -o -name '*.S' -o -name '*.yml' \) -print0)
    run_corpus "$name (${#files[@]} files)" "${files[@]}"
done
run_corpus "minified 1 MB line" "$work/minified.min.js"
