#!/usr/bin/env bash
# Escort gateway vs OpenSSH sshd on loopback: 200 MB cat throughput, raw-mode keystroke echo
# latency (p50/p99), and a 1 GB output flood through the gateway with its recording checked.
# Needs: openssh-client, openssh-server (sshd binary only; a private instance runs on a high
# port with a temporary config), python3. Run as root (sshd logs in as the current user).
#   swift build -c release --product custody
#   Benchmarks/escort.sh [.build/release/custody]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
custody="${1:-$here/../.build/release/custody}"
exec timeout 1800 python3 "$here/escort_bench.py" --custody "$custody" "${@:2}"
