#!/usr/bin/env python3
"""Load and fault test of `hefctl serve` on loopback (bounded; stops by itself).

  Benchmarks/scripts/service-load.py [--hefctl PATH] [--requests R] [--clients C] [--quick]

1. Setup: digits-square compiled in both packings; alice's and bob's keys; request files
   encrypted by `hefctl encrypt`; the expected answer of each request computed locally by
   `hefctl infer` (evaluation is deterministic, so the server's answer must be byte-identical).
2. Figures: for each packing, 1 and 2 concurrent clients, R valid requests: requests/s,
   p50/p99 latency, bytes on the wire per sample, and the server's overhead relative to the
   library's evaluate time (from the server's own /metrics: hef_evaluation_duration_seconds).
3. Faults: C clients x R requests mixing valid requests with malformed bodies, truncated
   uploads, unknown and foreign key ids, another model's ciphertexts, oversize bodies, slow
   clients; the server is killed (SIGKILL) and restarted mid-run. Every valid answer must equal
   the local one, every bad request must get a 4xx, keys must survive the restart, and the
   server's peak memory is reported.

Exit status 0 only when every check held. Standard library only.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALICE = ("alice", "alice-load-token-0123456789")
BOB = ("bob", "bob-load-token-9876543210")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, hefctl, models, data, tokens, port):
        self.args = [hefctl, "serve", "--models", models, "--data", data, "--tokens", tokens,
                     "--listen", f"127.0.0.1:{port}", "--idle-timeout", "10"]
        self.port = port
        self.logs = os.path.dirname(data)
        self.proc = None
        self.peak_kb = 0
        self.generation = 0  # how many times the server was killed

    def start(self):
        self.log = open(os.path.join(self.logs, f"serve-{time.time():.3f}.log"), "w")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _, _ = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("hefctl serve did not start")

    def sample_memory(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
        except OSError:
            pass

    def kill(self):
        self.sample_memory()
        self.generation += 1
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.sample_memory()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def request(port, method, path, body=None, token=None, timeout=600):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/octet-stream"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    result = (response.status, dict(response.getheaders()), data)
    conn.close()
    return result


def raw_exchange(port, head, body_parts, pause=0.0, timeout=60):
    """Sends a hand-made request (possibly truncated or slow); returns the status, or None when
    the server closed the connection without an answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(head)
        for part in body_parts:
            s.sendall(part)
            if pause:
                time.sleep(pause)
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        m = re.match(rb"HTTP/1\.1 (\d+)", answer)
        return int(m.group(1)) if m else None
    finally:
        s.close()


def metric(text, name, labels):
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hefctl", default=os.path.join(ROOT, ".build/release/hefctl"))
    ap.add_argument("--requests", type=int, default=40, help="valid requests per figure (default 40)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients in the fault phase (default 4)")
    ap.add_argument("--quick", action="store_true", help="8 requests per figure, 2 fault clients")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.quick:
        args.requests, args.clients = 8, 2
    random.seed(args.seed)
    hefctl = args.hefctl
    if not os.path.exists(hefctl):
        print("building hefctl (release)...", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--product", "hefctl"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="hef-load-")
    models, data = os.path.join(work, "models"), os.path.join(work, "data")
    os.makedirs(models)
    source = os.path.join(ROOT, "Models/digits-square")
    rows = open(os.path.join(source, "test_X.csv")).read().strip().splitlines()
    print(f"setup in {work}", file=sys.stderr)

    setups = {}
    for packing, samples in (("latency", 1), ("throughput", 64)):
        model = os.path.join(models, f"digits-square-{packing}.hef")
        run([hefctl, "model", "compile", os.path.join(source, "model.json"), "--calibrate",
             os.path.join(source, "calibration_X.csv"), "--packing", packing, "--out", model])
        keys = {}
        for who in ("alice", "bob"):
            kdir = os.path.join(work, f"keys-{who}-{packing}")
            run([hefctl, "keygen", "--model", model, "--out", kdir])
            keys[who] = kdir
        requests = []
        for i in range(4):
            chosen = rows[i * samples:(i + 1) * samples]
            x = os.path.join(work, f"x-{packing}-{i}.csv")
            open(x, "w").write("\n".join(chosen) + "\n")
            ct, out = os.path.join(work, f"x-{packing}-{i}.ct"), os.path.join(work, f"y-{packing}-{i}.ct")
            run([hefctl, "encrypt", "--model", model, "--public-key", os.path.join(keys["alice"], "public.key"),
                 "--in", x, "--out", ct])
            run([hefctl, "infer", "--model", model, "--eval-key", os.path.join(keys["alice"], "eval.key"),
                 "--in", ct, "--out", out])
            requests.append((open(ct, "rb").read(), sha(open(out, "rb").read())))
        setups[packing] = {"model": f"digits-square-{packing}", "keys": keys, "requests": requests,
                           "samples": samples}

    tokens = os.path.join(work, "tokens.txt")
    open(tokens, "w").write(f"{ALICE[0]} {ALICE[1]}\n{BOB[0]} {BOB[1]}\n")
    server = Server(hefctl, models, data, tokens, free_port())
    server.start()
    for packing, s in setups.items():
        for who, token in (("alice", ALICE[1]), ("bob", BOB[1])):
            body = open(os.path.join(s["keys"][who], "eval.key"), "rb").read()
            status, _, answer = request(server.port, "POST", f"/v1/models/{s['model']}/keys", body, token)
            assert status in (200, 201), answer
            s[f"key-{who}"] = json.loads(answer)["keyID"]

    failures = []

    def infer(s, index, token=ALICE[1], key=None):
        body, expected = s["requests"][index]
        start = time.perf_counter()
        status, headers, answer = request(
            server.port, "POST", f"/v1/models/{s['model']}/infer?key={key or s['key-alice']}", body, token)
        elapsed = time.perf_counter() - start
        return status, headers, answer, expected, elapsed, len(body)

    # Figures: valid requests only.
    figures = []
    for packing, s in setups.items():
        infer(s, 0)  # the evaluator is prepared once per model and key set: not part of the figures
        for clients in (1, 2):
            before = request(server.port, "GET", "/metrics")[2].decode()
            latencies, wire = [], []
            lock = threading.Lock()

            def worker(n):
                for i in range(n):
                    status, _, answer, expected, elapsed, sent = infer(s, i % 4)
                    with lock:
                        if status != 200 or sha(answer) != expected:
                            failures.append(f"figures {packing}: status {status} or answer differs")
                        latencies.append(elapsed)
                        wire.append(sent + len(answer))

            per = args.requests // clients
            t0 = time.perf_counter()
            threads = [threading.Thread(target=worker, args=(per,)) for _ in range(clients)]
            [t.start() for t in threads]
            [t.join() for t in threads]
            wall = time.perf_counter() - t0
            after = request(server.port, "GET", "/metrics")[2].decode()
            labels = {"model": s["model"]}
            eval_sum = metric(after, "hef_evaluation_duration_seconds_sum", labels) - metric(
                before, "hef_evaluation_duration_seconds_sum", labels)
            eval_count = metric(after, "hef_evaluation_duration_seconds_count", labels) - metric(
                before, "hef_evaluation_duration_seconds_count", labels)
            mean_eval = eval_sum / eval_count if eval_count else float("nan")
            route = {"route": "/v1/models/{id}/infer", "method": "POST"}
            server_sum = metric(after, "hef_http_request_duration_seconds_sum", route) - metric(
                before, "hef_http_request_duration_seconds_sum", route)
            server_count = metric(after, "hef_http_request_duration_seconds_count", route) - metric(
                before, "hef_http_request_duration_seconds_count", route)
            mean_server = server_sum / server_count if server_count else float("nan")
            mean_latency = statistics.mean(latencies)
            figures.append({
                "packing": packing, "clients": clients, "requests": len(latencies),
                "samples_per_request": s["samples"],
                "requests_per_s": len(latencies) / wall, "samples_per_s": len(latencies) * s["samples"] / wall,
                "p50_ms": 1000 * percentile(latencies, 0.5), "p99_ms": 1000 * percentile(latencies, 0.99),
                "mean_evaluate_ms": 1000 * mean_eval,
                "mean_server_ms": 1000 * mean_server,
                "overhead": (mean_latency - mean_eval) / mean_eval,
                "server_overhead": (mean_server - mean_eval) / mean_eval,
                "wire_bytes_per_sample": statistics.mean(wire) / s["samples"],
            })
            f = figures[-1]
            print(f"{packing:10} clients {clients}: {f['requests_per_s']:.1f} req/s, "
                  f"{f['samples_per_s']:.0f} samples/s, p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, "
                  f"evaluate {f['mean_evaluate_ms']:.1f} ms, in the server {f['mean_server_ms']:.1f} ms, "
                  f"overhead {100 * f['overhead']:.1f} % end to end, {100 * f['server_overhead']:.1f} % in the server, "
                  f"{f['wire_bytes_per_sample'] / 1e6:.3f} MB on the wire per sample", file=sys.stderr)
            server.sample_memory()

    # Faults: mixed valid and bad requests from several clients, one kill and restart.
    lat, thr = setups["latency"], setups["throughput"]
    tally = {}
    lock = threading.Lock()
    restarting = threading.Event()

    def count(kind, ok, detail=""):
        with lock:
            tally.setdefault(kind, [0, 0])
            tally[kind][0 if ok else 1] += 1
            if not ok:
                failures.append(f"{kind}: {detail}")

    def one(kind):
        if kind == "valid":
            status, headers, answer, expected, _, _ = infer(random.choice((lat, thr)), random.randrange(4))
            count(kind, status == 200 and sha(answer) == expected and "Hef-Receipt" in headers, f"status {status}")
        elif kind == "malformed":
            status = request(server.port, "POST", f"/v1/models/{lat['model']}/infer?key={lat['key-alice']}",
                             b"not a ciphertext file", ALICE[1])[0]
            count(kind, status == 400, f"status {status}")
        elif kind == "truncated":
            body = lat["requests"][0][0]
            head = (f"POST /v1/models/{lat['model']}/infer?key={lat['key-alice']} HTTP/1.1\r\nHost: x\r\n"
                    f"Authorization: Bearer {ALICE[1]}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
            try:
                status = raw_exchange(server.port, head, [body[: len(body) // 2]])
            except ConnectionResetError:
                status = None  # the server may close the connection on the half body: fine
            count(kind, status is None or 400 <= status < 500, f"status {status}")
        elif kind == "unknown-key":
            status = request(server.port, "POST", f"/v1/models/{lat['model']}/infer?key={'ab' * 32}",
                             lat["requests"][0][0], ALICE[1])[0]
            count(kind, status == 404, f"status {status}")
        elif kind == "foreign-key":
            status = request(server.port, "POST", f"/v1/models/{thr['model']}/infer?key={thr['key-bob']}",
                             thr["requests"][0][0], ALICE[1])[0]
            count(kind, status == 404, f"status {status}")
        elif kind == "other-model":
            status = request(server.port, "POST", f"/v1/models/{thr['model']}/infer?key={thr['key-alice']}",
                             lat["requests"][0][0], ALICE[1])[0]
            count(kind, 400 <= status < 500, f"status {status}")
        elif kind == "oversize":
            head = (f"POST /v1/models/{lat['model']}/infer?key={lat['key-alice']} HTTP/1.1\r\nHost: x\r\n"
                    f"Authorization: Bearer {ALICE[1]}\r\nContent-Length: {1 << 40}\r\n\r\n").encode()
            status = raw_exchange(server.port, head, [b"\0" * 4096])
            count(kind, status == 413, f"status {status}")
        elif kind == "slow":
            body = lat["requests"][1][0]
            head = (f"POST /v1/models/{lat['model']}/infer?key={lat['key-alice']} HTTP/1.1\r\nHost: x\r\n"
                    f"Authorization: Bearer {ALICE[1]}\r\nContent-Length: {len(body)}\r\n"
                    f"Connection: close\r\n\r\n").encode()
            parts = [body[i:i + len(body) // 4 + 1] for i in range(0, len(body), len(body) // 4 + 1)]
            status = raw_exchange(server.port, head, parts, pause=0.5)
            count(kind, status == 200, f"status {status}")

    kinds = ["valid"] * 4 + ["malformed", "truncated", "unknown-key", "foreign-key", "other-model", "oversize",
                             "slow"]

    def fault_worker(n):
        for _ in range(n):
            kind = random.choice(kinds)
            for attempt in range(30):
                generation = server.generation
                try:
                    one(kind)
                    break
                except (OSError, http.client.HTTPException):
                    # Only a request the kill interrupted: wait for the server and try again.
                    if not restarting.is_set() and server.generation == generation:
                        count(kind, False, "connection error while the server was up")
                        break
                    time.sleep(0.5)

    total = args.clients * args.requests
    threads = [threading.Thread(target=fault_worker, args=(args.requests,)) for _ in range(args.clients)]
    [t.start() for t in threads]
    time.sleep(3)
    restarting.set()
    server.kill()
    server.start()
    restarting.clear()
    # Keys survived: alice's registered key works without registering again.
    status, _, answer, expected, _, _ = infer(lat, 2)
    count("after-restart", status == 200 and sha(answer) == expected, f"status {status}")
    [t.join() for t in threads]
    server.stop()

    print(f"faults: {total} mixed requests from {args.clients} clients, one SIGKILL and restart", file=sys.stderr)
    for kind, (ok, bad) in sorted(tally.items()):
        print(f"  {kind:14} {ok} as expected, {bad} not", file=sys.stderr)
    print(f"server peak memory (VmHWM): {server.peak_kb / 1024:.0f} MiB", file=sys.stderr)
    summary = {"figures": figures, "faults": tally, "peak_memory_mib": server.peak_kb / 1024,
               "failures": failures[:20]}
    print(json.dumps(summary, indent=2))
    if failures:
        print(f"service-load: {len(failures)} check(s) failed, e.g. {failures[:3]}", file=sys.stderr)
        sys.exit(1)
    print("service-load: every check held", file=sys.stderr)


if __name__ == "__main__":
    main()
