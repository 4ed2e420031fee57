#!/usr/bin/env bash
# Custody side by side with Kingfisher, semgrep (open rules), trufflehog3 and guarddog on the
# attack-replay repository built by Tests/CustodyCoreTests/Detectors/AttackReplayTests.swift.
#
# Usage: Benchmarks/peers.sh            (after `swift build --build-tests`)
#   WORK=/tmp/custody-peers             where everything is written (replaced)
#   CUSTODY_BIN=path/to/release/custody  also times the whole audit with the release binary
#   SEMGREP_RULES=/work/.mirror/semgrep+semgrep-rules/repo   a semgrep-rules git directory (fetch
#                                       github:semgrep/semgrep-rules); semgrep has no network here
# Peers: pip install kingfisher-bin semgrep trufflehog3 guarddog
# Prints one line per tool: seconds, findings, attacks hit (of 11), false alarms (findings on the
# two clean commits or on files no attack touched).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/custody-peers}
rules=${SEMGREP_RULES:-/work/.mirror/semgrep+semgrep-rules/repo}
rm -rf "$work"; mkdir -p "$work"
: > "$work/times.tsv"

(cd "$root" && CUSTODY_REPLAY_EXPORT="$work/replay" swift test --skip-build --filter AttackReplayTests) > "$work/custody.log" 2>&1
git clone -q "$work/replay" "$work/head"

timed() {  # name command…
    local name=$1; shift
    local start end
    start=$(date +%s.%N)
    "$@" > "$work/$name.out" 2> "$work/$name.err"
    local rc=$?
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\n' "$name" "$(python3 -c "print(round($end - $start, 2))")" "$rc" >> "$work/times.tsv"
}

# Custody's release binary: the whole audit of the replay repository (read, every detector,
# identity anomalies over the history, report), without the store.
custody_bin=${CUSTODY_BIN:-$root/.build/release/custody}
[ -x "$custody_bin" ] && timed custody-release "$custody_bin" audit "$work/replay" --no-store --format json --output "$work/custody-release.json"
command -v kingfisher >/dev/null && timed kingfisher kingfisher scan "$work/replay" --git-history full --no-validate --format json -o "$work/kingfisher.json"
command -v trufflehog3 >/dev/null && timed trufflehog3 trufflehog3 "$work/replay" --format json -o "$work/trufflehog3.json"
if command -v semgrep >/dev/null && [ -d "$rules" ]; then
    mkdir -p "$work/semgrep-rules"
    git --git-dir="$rules" archive HEAD c javascript php bash python generic yaml/github-actions dockerfile \
        | tar -x -C "$work/semgrep-rules"
    # Keep rule files only (the rules tree also holds test fixtures).
    find "$work/semgrep-rules" -type f ! -name '*.yaml' ! -name '*.yml' -delete
    find "$work/semgrep-rules" -name '*.test.yaml' -delete -o -name '*.test.yml' -delete
    timed semgrep semgrep scan --metrics=off --disable-version-check --quiet --json -o "$work/semgrep.json" \
        --config "$work/semgrep-rules" "$work/head"
fi
if command -v guarddog >/dev/null; then
    timed guarddog-npm guarddog npm scan "$work/head/bindings/node" --output-format json
fi

python3 - "$work" <<'PY'
import json, sys, os, subprocess
work = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(f"{work}/replay.commits.tsv") if not l.startswith("commit\t")]
attacks = {r[0]: r for r in rows if not r[1].startswith("clean")}
clean = {r[0] for r in rows if r[1].startswith("clean")}
paths = {}
for c, r in attacks.items():
    for p in r[3].split(","):
        paths.setdefault(p, set()).add(c)
times = {l.split("\t")[0]: l.split("\t")[1] for l in open(f"{work}/times.tsv")}

def judge(name, hits):  # hits: list of (commit or None, path)
    found, false = set(), 0
    for commit, path in hits:
        path = (path or "").replace(f"{work}/head/", "").replace(f"{work}/replay/", "")
        if commit and commit in attacks:
            found.add(commit)
        elif commit is None and path in paths:
            found |= paths[path]
        else:
            false += 1
    return f"{name}\t{times.get(name, '-')}\t{len(hits)}\t{len(found)}/{len(attacks)}\t{false}"

out = ["tool\tseconds\tfindings\tattacks hit\tfalse alarms"]
# Custody: its own export (commit-level).
hits = []
for l in open(f"{work}/replay.custody.tsv"):
    if l.startswith("#") or l.startswith("commit\t"): continue
    c, sev, cat, rule, path = l.rstrip("\n").split("\t")
    if sev in ("info", "low"): continue  # report medium and above, like the peers' defaults
    hits.append((c, path))
first = open(f"{work}/replay.custody.tsv").readline().strip()
out.append(judge("custody", hits) + f"\t({first[2:]})")
try:
    report = json.load(open(f"{work}/custody-release.json"))
    hits = [(f["commit"], f.get("path")) for f in report["findings"] if f["severity"] not in ("info", "low")]
    out.append(judge("custody-release", hits) + "\t(release binary, full audit)")
except Exception as e:
    out.append(f"custody-release\t-\t-\t-\t- (no output: {type(e).__name__})")
def walk(x, acc):
    if isinstance(x, dict):
        c = x.get("commit") or x.get("commit_id") or (x.get("git_metadata") or {}).get("commit", {}).get("id") if isinstance(x.get("git_metadata"), dict) else x.get("commit")
        p = x.get("path") or x.get("file") or x.get("location")
        if ("rule" in x or "check_id" in x or "rule_id" in x) and p:
            acc.append((c if isinstance(c, str) and len(c) >= 40 else None, p if isinstance(p, str) else None))
            return
        for v in x.values(): walk(v, acc)
    elif isinstance(x, list):
        for v in x: walk(v, acc)
for name, f in [("kingfisher", "kingfisher.json"), ("trufflehog3", "trufflehog3.json"), ("semgrep", "semgrep.json")]:
    try:
        data = json.load(open(f"{work}/{f}"))
    except Exception as e:
        out.append(f"{name}\t{times.get(name, '-')}\t-\t-\t- (no output: {type(e).__name__})"); continue
    acc = []
    if name == "semgrep":
        acc = [(None, r["path"]) for r in data.get("results", [])]
    else:
        walk(data, acc)
    out.append(judge(name, acc))
try:
    text = open(f"{work}/guarddog-npm.out").read()
    data = json.loads(text[text.index("{"):])
    acc = []
    for rule, v in (data.get("results") or {}).items():
        for item in (v if isinstance(v, list) else ([v] if v else [])):
            loc = item.get("location", "") if isinstance(item, dict) else ""
            acc.append((None, "bindings/node/" + loc.split(":")[0] if loc else "bindings/node/package.json"))
    out.append(judge("guarddog-npm", acc))
except Exception as e:
    out.append(f"guarddog-npm\t-\t-\t-\t- ({type(e).__name__})")
print("\n".join(out))
open(f"{work}/summary.tsv", "w").write("\n".join(out) + "\n")
PY
