#!/usr/bin/env bash
# Size of the HTML report and the time headless Chromium takes to render it (to a screenshot)
# for a big history. Uses the custody binary in .build (debug unless CONFIG=release).
#
#   Benchmarks/report-html.sh /work/.mirror/curl+curl/repo
#
# The audited repository is only read. Nothing is committed from it.
set -euo pipefail
repo=${1:?usage: $0 REPO}
cd "$(dirname "$0")/.."
config=${CONFIG:-debug}
swift build -c "$config" --product custody >/dev/null
bin=.build/$config/custody
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
start=$(date +%s.%N)
"$bin" audit "$repo" --workspace "$ws" --format html --output "$ws/report.html" || echo "  audit exit $?"
end=$(date +%s.%N)
echo "audit+render: $(echo "$end - $start" | bc) s"
echo "html bytes: $(stat -c %s "$ws/report.html")"
"$bin" audit "$repo" --workspace "$ws" --format json --output "$ws/report.json" || true
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counts"]; print("commits", c["commits"], "findings", c["findings"], "contributors", c["contributors"], "unknown identities", c["unknownIdentities"])' "$ws/report.json"
for i in 1 2 3; do
    s=$(date +%s.%N)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$ws/profile" \
        --host-resolver-rules="MAP * ~NOTFOUND" --window-size=1200,2000 \
        --screenshot="$ws/shot.png" "file://$ws/report.html" >/dev/null 2>&1
    e=$(date +%s.%N)
    echo "chromium render run $i: $(echo "$e - $s" | bc) s"
done
