#!/bin/sh
# Lines explained per second on the test table (ExplainCorpus + AdversarialCorpus), one core,
# release build. Usage: Benchmarks/explain/run.sh [runs] [iterations]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
iterations=${2:-20}
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT
# Extract the command lines from the Swift tables (raw string literals #"…"#; \#n is a newline).
python3 - "$root" > "$lines" <<'PY'
import re, sys
root = sys.argv[1]
for name in ("ExplainCorpus.swift", "AdversarialCorpus.swift"):
    text = open(f"{root}/Tests/CustodyCoreTests/Shell/{name}").read()
    for m in re.finditer(r'#"(.*?)"#', text):
        line = m.group(1)
        if name == "ExplainCorpus.swift" and not text[m.start() - 2:m.start()] == "C(":
            continue
        print(line.replace("\\#n", "\\n"))
PY
cd "$root"
swift build -c release --product custody >/dev/null
echo "$(wc -l < "$lines") lines per iteration, $iterations iterations, $runs runs (taskset -c 0)"
for i in $(seq "$runs"); do
    taskset -c 0 .build/release/custody explain --benchmark "$lines" --iterations "$iterations"
done
