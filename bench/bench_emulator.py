"""Throughput and latency of the emulator's create-job route over HTTPS with keep-alive.

Runs ``python -m bridge.emulator`` in a subprocess, then for a bounded time
POSTs create-job requests with one pooled ``httpx.Client``: first from one
thread, then from four threads sharing the client. Prints plain figures::

    python bench/bench_emulator.py [--seconds 3] [--threads 4]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import httpx

REPO = Path(__file__).resolve().parents[1]
#: Hard cap per run, whatever the duration: every loop here is bounded.
MAX_REQUESTS = 200_000


def start_emulator() -> tuple["subprocess.Popen[str]", dict[str, Any]]:
    """Spawn the emulator and read its JSON line (fails after 30 s)."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "bridge.emulator"], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=str(REPO))
    lines: list[str] = []
    assert proc.stdout is not None
    stdout: IO[str] = proc.stdout
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(30)
    if not lines or not lines[0].strip():
        proc.kill()
        raise SystemExit("the emulator did not start within 30 s")
    return proc, json.loads(lines[0])


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values."""
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run(client: httpx.Client, url: str, headers: dict[str, str], seconds: float,
        threads: int) -> dict[str, float]:
    """POST create-job requests from ``threads`` threads for ``seconds``; collect latencies."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    deadline = time.monotonic() + seconds
    budget = MAX_REQUESTS // threads

    def worker(slot: int) -> None:
        mine = latencies[slot]
        for _ in range(budget):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            response = client.post(url, json={"templateId": "Bench"}, headers=headers)
            mine.append(time.perf_counter() - started)
            if response.status_code != 201:
                errors[slot] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 30)
    elapsed = time.monotonic() - started
    flat = sorted(v for chunk in latencies for v in chunk)
    if not flat:
        raise SystemExit("no request completed")
    return {"requests": len(flat), "errors": sum(errors), "seconds": elapsed,
            "rps": len(flat) / elapsed, "p50_ms": percentile(flat, 0.50) * 1000,
            "p95_ms": percentile(flat, 0.95) * 1000, "mean_ms": statistics.fmean(flat) * 1000}


def main() -> int:
    """Run both variants and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    proc, info = start_emulator()
    try:
        limits = httpx.Limits(max_connections=args.threads, max_keepalive_connections=args.threads)
        with httpx.Client(verify=info["ca_file"], trust_env=False, timeout=30,
                          limits=limits) as client:
            token = client.post(f"{info['authority']}/oauth2/v2.0/token", data={
                "grant_type": "client_credentials", "client_id": info["client_id"],
                "client_secret": info["client_secret"],
                "scope": "https://graph.microsoft.com/.default"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            url = (f"{info['graph_url']}/v1.0/applications/{info['application_id']}"
                   "/synchronization/jobs")
            client.post(url, json={"templateId": "Warmup"}, headers=headers)
            for threads in (1, args.threads):
                client.post(f"{info['admin_url']}/reset")
                figures = run(client, url, headers, args.seconds, threads)
                print(f"threads={threads} requests={figures['requests']} "
                      f"errors={figures['errors']} seconds={figures['seconds']:.2f} "
                      f"req/s={figures['rps']:.0f} p50={figures['p50_ms']:.2f}ms "
                      f"p95={figures['p95_ms']:.2f}ms mean={figures['mean_ms']:.2f}ms")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
