#!/bin/sh
# Lines explained per second on the test table (ExplainCorpus + AdversarialCorpus), one core,
# optimized build. Usage: Benchmarks/explain/run.sh [runs] [iterations]
#
# Builds a small driver (Benchmarks/explain/main.swift) together with the Shell sources using
# `swiftc -O -wmo` (no dependency builds needed), pins it to one core and reports, per run, the
# wall-clock rate and the process's user CPU time. Lines per CPU-second = lines explained
# (iterations + 1 warm-up pass) / user seconds; it is the figure to quote on a shared machine.
# With a release build of custody, `custody explain --benchmark FILE --iterations N` measures the
# same loop through the CLI and prints both rates itself.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
iterations=${2:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$root" > "$work/lines.txt" <<'PY'
import re, sys
root = sys.argv[1]
for name in ("ExplainCorpus.swift", "AdversarialCorpus.swift"):
    text = open(f"{root}/Tests/CustodyCoreTests/Shell/{name}").read()
    for m in re.finditer(r'#"(.*?)"#', text):
        if name == "ExplainCorpus.swift" and text[m.start() - 2:m.start()] != "C(":
            continue
        print(m.group(1).replace("\\#n", "\\n"))
PY
swiftc -O -wmo -package-name custody -module-name ExplainBench "$root"/Sources/CustodyCore/Shell/*.swift \
    "$root/Benchmarks/explain/main.swift" -o "$work/explainbench" 2>/dev/null
count=$(wc -l < "$work/lines.txt")
echo "$count lines per pass, $iterations timed passes + 1 warm-up, $runs runs (taskset -c 0)"
for i in $(seq "$runs"); do
    /usr/bin/time -f "%U" -o "$work/user" taskset -c 0 "$work/explainbench" "$work/lines.txt" "$iterations"
    user=$(cat "$work/user")
    python3 -c "print(f'  user {float(\"$user\"):.2f} s CPU: {int($count * ($iterations + 1) / max(float(\"$user\"), 0.001))} lines per CPU-second')"
done
