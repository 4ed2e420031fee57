#!/usr/bin/env bash
# False alarms of the whole audit (every detector, identity anomalies over the history) on the
# full histories of clean public repositories and on the Swift package copies of this machine.
#
# For each repository: `custody audit REPO --workspace <fresh temp dir> --format json --output F`
# (branches and tags, every commit, every detector), then one table row: commits scanned and
# findings by severity, and the critical and high findings listed one per line to judge by hand.
#
# Usage: Benchmarks/detectors-false-alarms.sh [CUSTODY_BINARY] > /tmp/false-alarms.txt
#   CUSTODY_BINARY defaults to .build/release/custody
#   (swift build -c release --product custody [--scratch-path DIR]).
#   KEEP=DIR keeps the JSON reports in DIR (default: a temporary folder, removed at the end).
#   REPOS="path …" overrides the list below.
# Repositories: fetched with the search tool's fetch into /work/.mirror (github:curl/curl,
# openssh/openssh-portable, tmux/tmux, jqlang/jq, madler/zlib) and the local package copies under
# /opt/swift-packages; missing ones are skipped. Nothing is written to the audited repositories.
set -euo pipefail
bin=${1:-.build/release/custody}
work=$(mktemp -d)
keep=${KEEP:-}
trap 'rm -rf "$work"' EXIT
default_repos=(
    /work/.mirror/curl+curl/repo
    /work/.mirror/openssh+openssh-portable/repo
    /work/.mirror/tmux+tmux/repo
    /work/.mirror/jqlang+jq/repo
    /work/.mirror/madler+zlib/repo
    /opt/swift-packages/apple/swift-crypto.git
    /opt/swift-packages/apple/swift-nio.git
    /opt/swift-packages/swiftlang/swift-syntax.git
    /opt/swift-packages/groue/GRDB.swift.git
    /opt/swift-packages/vapor/vapor.git
)
if [ -n "${REPOS:-}" ]; then read -r -a repos <<<"$REPOS"; else repos=("${default_repos[@]}"); fi
out=${keep:-$work}
mkdir -p "$out"
reports=()
for repo in "${repos[@]}"; do
    [ -d "$repo" ] || { echo "skip $repo (missing)" >&2; continue; }
    name=$(echo "$repo" | sed -E 's#^/work/.mirror/##; s#^/opt/swift-packages/##; s#/repo$##; s#\.git$##; s#[/+]#_#g')
    ws="$work/ws-$name"
    start=$(date +%s.%N)
    status=0
    "$bin" audit "$repo" --workspace "$ws" --format json --output "$out/$name.json" || status=$?
    end=$(date +%s.%N)
    rm -rf "$ws"
    echo "$name exit=$status seconds=$(echo "$end - $start" | bc)" >&2
    reports+=("$name=$out/$name.json")
done

python3 - "${reports[@]}" <<'PY'
import json, sys
sev = ["critical", "high", "medium", "low", "info"]
rows, total, loud = [], {s: 0 for s in sev}, []
commits_total = 0
for arg in sys.argv[1:]:
    name, path = arg.split("=", 1)
    r = json.load(open(path))
    counts = r["counts"]
    by = counts.get("findingsBySeverity", {})
    commits = counts["commits"]
    commits_total += commits
    rows.append((name, commits, [by.get(s, 0) for s in sev]))
    for s in sev:
        total[s] += by.get(s, 0)
    for f in r.get("findings", []):
        if f["severity"] in ("critical", "high"):
            loud.append((name, f["severity"], f["ruleID"], f["commit"][:12], f.get("path") or "-",
                         str(f.get("startLine") or "-"), f["evidence"][:160].replace("\n", " ")))
print("| repository | commits scanned | critical | high | medium | low | info | high per 1,000 commits |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, commits, c in rows:
    per = 1000 * c[1] / commits if commits else 0
    print(f"| {name} | {commits:,} | " + " | ".join(f"{x:,}" for x in c) + f" | {per:.2f} |")
per = 1000 * total["high"] / commits_total if commits_total else 0
print(f"| **total** | **{commits_total:,}** | " + " | ".join(f"**{total[s]:,}**" for s in sev) + f" | **{per:.2f}** |")
print()
print("critical and high findings:")
for row in loud:
    print("\t".join(row))
PY
