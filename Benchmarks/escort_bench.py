#!/usr/bin/env python3
"""Benchmark the escort gateway against OpenSSH's sshd on loopback. See escort.sh."""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

RAW_ECHO = ("import os, sys, tty\n"
            "tty.setraw(0)\n"
            "os.write(1, b'READY\\r\\n')\n"
            "while True:\n"
            "    c = os.read(0, 1)\n"
            "    if not c or c == b'q': break\n"
            "    os.write(1, c)\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path], check=True)
    return open(path + ".pub").read().strip()


class Target:
    def __init__(self, name, port, user, key, known_hosts):
        self.name, self.port, self.user, self.key, self.known_hosts = name, port, user, key, known_hosts

    def ssh(self, extra=()):
        return ["ssh", "-tt", "-q", "-p", str(self.port), "-i", self.key, "-F", "/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "Ciphers=aes128-gcm@openssh.com",
                *extra, f"{self.user}@127.0.0.1"]


def read_until(fd, marker, limit=30):
    data = b""
    deadline = time.time() + limit
    while marker not in data:
        if time.time() > deadline:
            raise RuntimeError(f"timed out waiting for {marker!r}; got {data[-200:]!r}")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise RuntimeError(f"EOF waiting for {marker!r}; got {data[-200:]!r}")
        data += chunk
    return data


def throughput(target, path, size):
    proc = subprocess.Popen(target.ssh(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    fd = proc.stdout.fileno()
    proc.stdin.write(b"stty -echo; echo START-MARK\n")
    read_until(fd, b"START-MARK\r\n")
    start = time.perf_counter()
    proc.stdin.write(f"cat {path}; exit\n".encode())
    total = 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        total += len(chunk)
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    return total, elapsed


def latency(target, program, rounds):
    proc = subprocess.Popen(target.ssh(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    fd = proc.stdout.fileno()
    proc.stdin.write(f"python3 {program}\n".encode())
    read_until(fd, b"READY\r\n")
    samples = []
    for i in range(rounds + 20):
        byte = bytes([0x61 + i % 16])
        start = time.perf_counter()
        proc.stdin.write(byte)
        got = b""
        while byte not in got:
            got += os.read(fd, 64)
        if i >= 20:
            samples.append((time.perf_counter() - start) * 1000)
    proc.stdin.write(b"q")
    proc.stdin.write(b"exit\n")
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99) - 1]


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--custody", required=True)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--flood-megabytes", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="custody-escort-bench-")
    processes = []
    try:
        user = os.environ.get("USER") or "root"
        key = os.path.join(root, "client")
        pub = keygen(key)
        program = os.path.join(root, "rawecho.py")
        open(program, "w").write(RAW_ECHO)
        data = os.path.join(root, "data.txt")
        # Printable lines so both terminals carry the same bytes; base64 of random data.
        subprocess.run(f"head -c {args.megabytes * 3 // 4 * 1024 * 1024} /dev/urandom | base64 -w 100 > {data}",
                       shell=True, check=True)
        size = os.path.getsize(data)

        # The gateway: the benchmark person needs no escort, so lines run at once, recorded.
        roster = os.path.join(root, "roster.yaml")
        open(roster, "w").write(f"people:\n  - id: bench\n    name: Bench\n    keys: [\"{pub}\"]\n    usPerson: true\n    roles: [developer]\n")
        policy = os.path.join(root, "policy.yaml")
        open(policy, "w").write("escort:\n  needsEscort: nobody\n")
        workspace = os.path.join(root, "ws")
        gateway = subprocess.Popen([args.custody, "escort", "serve", "--roster", roster, "--policy", policy,
                                    "--workspace", workspace, "--port", "0", "--directory", root],
                                   stdout=subprocess.PIPE, start_new_session=True)
        processes.append(gateway)
        port = int(gateway.stdout.readline().decode().strip().rsplit(":", 1)[1])
        host_key = gateway.stdout.readline().decode().strip()[len("host key "):]
        known = os.path.join(root, "known_hosts")
        with open(known, "w") as f:
            f.write(f"[127.0.0.1]:{port} {host_key}\n")

        # A private sshd on a high port.
        sshd_port = free_port()
        host = os.path.join(root, "sshd_host")
        host_pub = keygen(host)
        authorized = os.path.join(root, "authorized_keys")
        open(authorized, "w").write(pub + "\n")
        config = os.path.join(root, "sshd_config")
        open(config, "w").write(
            f"Port {sshd_port}\nListenAddress 127.0.0.1\nHostKey {host}\nAuthorizedKeysFile {authorized}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
            "PermitRootLogin prohibit-password\nPidFile none\nCiphers aes128-gcm@openssh.com\n")
        os.makedirs("/run/sshd", exist_ok=True)
        sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", config], stderr=subprocess.DEVNULL,
                                start_new_session=True)
        processes.append(sshd)
        with open(known, "a") as f:
            f.write(f"[127.0.0.1]:{sshd_port} {host_pub}\n")
        time.sleep(0.5)

        targets = [Target("custody escort", port, "bench", key, known), Target("openssh sshd", sshd_port, user, key, known)]
        results = {}
        for target in targets:
            rates = []
            for _ in range(args.runs):
                total, elapsed = throughput(target, data, size)
                if total < size:
                    raise RuntimeError(f"{target.name}: got {total} of {size} bytes")
                rates.append(size / elapsed / 1e6)
            p50, p99 = latency(target, program, args.rounds)
            results[target.name] = {"MBps": statistics.median(rates), "runs": rates, "p50ms": p50, "p99ms": p99}
            print(f"{target.name:16s} throughput median {statistics.median(rates):7.1f} MB/s "
                  f"(runs {', '.join(f'{r:.1f}' for r in rates)}), echo p50 {p50:.3f} ms p99 {p99:.3f} ms", flush=True)
        ratio = results["custody escort"]["MBps"] / results["openssh sshd"]["MBps"]
        print(f"throughput ratio custody/sshd: {ratio:.2f} (target >= 0.5); custody p99 echo "
              f"{results['custody escort']['p99ms']:.3f} ms (target < 5 ms)")

        # 1 GB flood through the gateway; the recording must hold every byte the client got.
        if args.flood_megabytes:
            target = targets[0]
            proc = subprocess.Popen(target.ssh(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
            fd = proc.stdout.fileno()
            proc.stdin.write(b"stty -echo; echo FLOOD-START\n")
            read_until(fd, b"FLOOD-START\r\n")
            start = time.perf_counter()
            proc.stdin.write(f"yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c {args.flood_megabytes}M; echo; echo FLOOD-END; exit\n".encode())
            total = 0
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                total += len(chunk)
            elapsed = time.perf_counter() - start
            proc.wait(timeout=60)
            time.sleep(0.5)
            sessions = json.loads(subprocess.run([args.custody, "escort", "sessions", "--json", "--workspace", workspace],
                                                 capture_output=True, check=True).stdout)
            last = sessions[-1]
            recorded = 0
            with open(last["recording"], "rb") as f:
                next(f)
                for line in f:
                    event = json.loads(line)
                    if event[1] == "o":
                        recorded += len(event[2].encode())
            print(f"flood: client got {total / 1e6:.1f} MB in {elapsed:.1f} s ({total / elapsed / 1e6:.1f} MB/s); "
                  f"recording holds {recorded / 1e6:.1f} MB of output; session ended '{last['endReason']}'; "
                  f"gateway peak RSS {rss_kb(gateway.pid) / 1024:.0f} MB; gateway alive: {gateway.poll() is None}")
            if recorded < total - 64:
                raise RuntimeError("the recording lost output")
    finally:
        for proc in processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
