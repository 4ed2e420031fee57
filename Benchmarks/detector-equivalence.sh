#!/usr/bin/env bash
# Checks that two custody binaries report exactly the same findings on real histories.
#
# Usage: Benchmarks/detector-equivalence.sh BASE_BIN NEW_BIN REPO...
#
# For each repository runs `custody audit REPO --workspace $(mktemp -d) --format json --output F`
# with both binaries (fresh workspaces, so nothing is cached), then compares the sorted findings:
# every key of every finding (rule id, category, commit, path, start and end line, severity,
# confidence, explanation, evidence, excerpt, fingerprint). Prints the count per repository and
# the first differences; exits 1 on any difference, 2 on a usage error or a failed audit.
# Extra audit options can be given in AUDIT_OPTS (e.g. AUDIT_OPTS="--all-refs").
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BASE_BIN NEW_BIN REPO..." >&2; exit 2; }
base=$1; new=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for repo in "$@"; do
    name=$(basename "$(dirname "$repo")")_$(basename "$repo")
    for which in base new; do
        bin=$base; [ $which = new ] && bin=$new
        ws=$(mktemp -d "$work/ws.XXXXXX")
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        "$bin" audit "$repo" --workspace "$ws" --format json --output "$work/$name.$which.json" ${AUDIT_OPTS:-} \
            2>"$work/$name.$which.err"
        rc=$?
        end=$(date +%s.%N)
        # Exit codes 0 (clean) and the findings/policy codes are normal; a missing report is not.
        if [ ! -s "$work/$name.$which.json" ]; then
            echo "$repo: $which audit wrote no report (exit $rc):" >&2
            head -5 "$work/$name.$which.err" >&2
            exit 2
        fi
        printf '%s: %s audit exit %s in %.1f s\n' "$repo" "$which" "$rc" "$(echo "$end - $start" | bc)"
    done
    python3 - "$work/$name.base.json" "$work/$name.new.json" "$repo" <<'PY' || status=1
import json, sys
def load(path):
    findings = json.load(open(path))["findings"]
    return sorted(json.dumps(f, sort_keys=True, ensure_ascii=True) for f in findings)
base, new, repo = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
if base == new:
    report = json.load(open(sys.argv[2]))
    severities = {}
    for f in report["findings"]:
        severities[f["severity"]] = severities.get(f["severity"], 0) + 1
    order = ["critical", "high", "medium", "low", "info"]
    counts = ", ".join(f"{s} {severities.get(s, 0)}" for s in order)
    print(f"{repo}: identical, {len(base)} findings ({counts}) over {report['counts']['commits']} commits")
    sys.exit(0)
only_base = sorted(set(base) - set(new))
only_new = sorted(set(new) - set(base))
print(f"{repo}: DIFFERENT: {len(base)} findings before, {len(new)} after; "
      f"{len(only_base)} only before, {len(only_new)} only after")
for f in only_base[:10]: print("  - " + f[:400])
for f in only_new[:10]: print("  + " + f[:400])
sys.exit(1)
PY
done
exit $status
