#!/usr/bin/env python3
"""Benchmark the escort gateway against OpenSSH's sshd on loopback. See escort.sh."""

import argparse
import hashlib
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


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--custody", required=True)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--flood-megabytes", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--priority", type=int, default=0,
                        help="run both servers, their shells and this client at nice -N (root; same for both targets)")
    parser.add_argument("--realtime-echo", action="store_true",
                        help="measure echo latency with both servers and the client under SCHED_FIFO (root)")
    args = parser.parse_args()
    if args.priority:
        os.nice(-args.priority)  # children (both servers, ssh clients) inherit it
        print(f"priority: both servers and clients at nice -{args.priority}", flush=True)
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
        # Interleaved (custody, sshd, custody, sshd, ...) so that load changes on a shared
        # machine hit both alike; medians of the runs.
        rates = {t.name: [] for t in targets}
        echoes = {t.name: [] for t in targets}
        cpu = []
        for _ in range(args.runs):
            for target in targets:
                before = cpu_seconds(gateway.pid)
                total, elapsed = throughput(target, data, size)
                if target is targets[0]:
                    cpu.append(cpu_seconds(gateway.pid) - before)
                if total < size:
                    raise RuntimeError(f"{target.name}: got {total} of {size} bytes")
                rates[target.name].append(size / elapsed / 1e6)
        if args.realtime_echo:
            # Echo latency with both servers (and the shells they start from now on) and the
            # client under SCHED_FIFO, so that other work on a shared machine does not decide the
            # tail. Same for both targets; throughput and the flood run without it.
            for pid in (gateway.pid, sshd.pid):
                subprocess.run(["chrt", "-a", "-f", "-p", "10", str(pid)], check=True)
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
            print("echo latency: servers and client under SCHED_FIFO priority 10", flush=True)
        for _ in range(args.runs):
            for target in targets:
                echoes[target.name].append(latency(target, program, args.rounds))
        if args.realtime_echo:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
            for pid in (gateway.pid, sshd.pid):
                subprocess.run(["chrt", "-a", "-o", "-p", "0", str(pid)], check=True)
        results = {}
        for target in targets:
            runs = rates[target.name]
            p50 = statistics.median(e[0] for e in echoes[target.name])
            p99 = statistics.median(e[1] for e in echoes[target.name])
            results[target.name] = {"MBps": statistics.median(runs), "p50ms": p50, "p99ms": p99}
            print(f"{target.name:16s} throughput median {statistics.median(runs):7.1f} MB/s "
                  f"(runs {', '.join(f'{r:.1f}' for r in runs)}), echo median of {args.runs} runs: "
                  f"p50 {p50:.3f} ms p99 {p99:.3f} ms "
                  f"(p99 runs {', '.join(f'{e[1]:.2f}' for e in echoes[target.name])})", flush=True)
        ratio = results["custody escort"]["MBps"] / results["openssh sshd"]["MBps"]
        print(f"throughput ratio custody/sshd: {ratio:.2f} (target >= 0.5); custody p99 echo "
              f"{results['custody escort']['p99ms']:.3f} ms (target < 5 ms); sshd p99 "
              f"{results['openssh sshd']['p99ms']:.3f} ms; gateway CPU per {size / 1e6:.0f} MB cat: "
              f"median {statistics.median(cpu):.2f} s", flush=True)

        # 1 GB flood through the gateway; the recording must hold every byte the client got.
        if args.flood_megabytes:
            target = targets[0]
            proc = subprocess.Popen(target.ssh(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
            fd = proc.stdout.fileno()
            proc.stdin.write(b"stty -echo; echo FLOOD-START\n")
            early = read_until(fd, b"FLOOD-START\r\n")
            early = early[early.find(b"FLOOD-START\r\n") + len(b"FLOOD-START\r\n"):]
            start = time.perf_counter()
            proc.stdin.write(f"yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c {args.flood_megabytes}M; echo; echo FLOOD-END; exit\n".encode())
            total = len(early)
            received = hashlib.sha256(early)
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                total += len(chunk)
                received.update(chunk)
            elapsed = time.perf_counter() - start
            proc.wait(timeout=60)
            time.sleep(0.5)
            sessions = json.loads(subprocess.run([args.custody, "escort", "sessions", "--json", "--workspace", workspace],
                                                 capture_output=True, check=True).stdout)
            last = sessions[-1]
            recorded = 0
            replayed = hashlib.sha256()
            # The client's bytes since FLOOD-START: what the recording holds after that marker.
            with open(last["recording"], "rb") as f:
                next(f)
                started = False
                tail = b""
                for line in f:
                    event = json.loads(line)
                    if event[1] != "o":
                        continue
                    data = event[2].encode()
                    if not started:
                        tail += data
                        at = tail.find(b"FLOOD-START\r\n")
                        if at < 0:
                            tail = tail[-64:]
                            continue
                        started = True
                        data = tail[at + len(b"FLOOD-START\r\n"):]
                    recorded += len(data)
                    replayed.update(data)
            same = replayed.digest() == received.digest()
            print(f"flood: client got {total / 1e6:.1f} MB in {elapsed:.1f} s ({total / elapsed / 1e6:.1f} MB/s); "
                  f"recording holds {recorded / 1e6:.1f} MB of output after the start mark, SHA-256 equal to the "
                  f"client's: {same}; session ended '{last['endReason']}'; gateway peak RSS "
                  f"{rss_kb(gateway.pid) / 1024:.0f} MB, CPU {cpu_seconds(gateway.pid):.1f} s so far; "
                  f"gateway alive: {gateway.poll() is None}")
            if not same:
                raise RuntimeError("the recording differs from what the client received")
    finally:
        for proc in processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
