#!/usr/bin/env bash
# False alarms of the content detectors on the full histories of clean public repositories.
#
# For each repository, runs `custody debug scan-history REPO` (every commit of every ref, added
# lines from `git log -p --unified=0`), prints the findings at high or above (to judge them by
# hand) and a summary line: commits scanned and findings by severity.
#
# Usage: Benchmarks/detectors-false-alarms.sh [CUSTODY_BINARY] > /tmp/false-alarms.txt
#   CUSTODY_BINARY defaults to .build/release/custody.
# Repositories: fetched into /work/.mirror with the search tool's fetch (github:jqlang/jq,
# github:madler/zlib, github:tmux/tmux) and the local package copies of swift-crypto and swift-nio.
set -euo pipefail
bin=${1:-.build/release/custody}
repos=(
    /work/.mirror/madler+zlib/repo
    /work/.mirror/jqlang+jq/repo
    /work/.mirror/tmux+tmux/repo
    /opt/swift-packages/apple/swift-crypto.git
    /opt/swift-packages/apple/swift-nio.git
)
for repo in "${repos[@]}"; do
    [ -d "$repo" ] || { echo "skip $repo (missing)"; continue; }
    echo "== $repo"
    "$bin" debug scan-history --show "${SHOW:-high}" "$repo"
done
