#!/usr/bin/env bash
# Times `custody audit` on a repository twice with a fresh workspace: the first run reads and
# stores the whole history, the second finds nothing new (store load + report only). Prints the
# phase timings custody measures itself (--timings) and peak memory (/usr/bin/time, if present).
#
#   Benchmarks/audit-store.sh /work/.mirror/curl+curl/repo [extra custody audit flags]
#
# The audited repository is only read. Nothing is committed from it.
set -euo pipefail
repo=${1:?usage: $0 REPO [custody audit flags]}
shift
cd "$(dirname "$0")/.."
swift build -c release --product custody >/dev/null
bin=.build/release/custody
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
timer=()
[[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "  wall %e s, peak RSS %M KiB")
for run in first second; do
    echo "$run run:"
    status=0
    "${timer[@]}" "$bin" audit "$repo" --workspace "$ws" --timings --format json --output "$ws/report-$run.json" "$@" \
        || status=$?
    echo "  exit $status (3 means some objects were missing; the report lists them)"
done
python3 - "$ws/report-first.json" "$ws/report-second.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    r = json.load(open(path))
    c = r["counts"]
    print(f'{path.rsplit("-", 1)[1][:-5]}: commits {c["commits"]}, new {c["newCommits"]}, contributors {c["contributors"]}, '
          f'unknown identities {c["unknownIdentities"]}, findings {c["findings"]}, problems {c["problems"]}, '
          f'duration {r["durationSeconds"]:.2f} s')
PY
