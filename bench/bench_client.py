"""Benchmark: what GraphClient.create costs on top of a raw httpx POST.

Starts the emulator as a subprocess (``python -m bridge.emulator``), then, in
alternating rounds adding up to about three seconds each (bounded in count too):

1. baseline: raw ``httpx.Client`` POSTs of the same job body to the jobs URL,
   with a bearer token fetched once and the emulator's CA trusted;
2. ``GraphClient.create`` over a connection made with ``bridge``'s client-secret
   sign-in (msal), i.e. token lookup, client-request-id, logging checks, retry
   bookkeeping, JSON encode/decode.

Prints requests/s for both and the per-call overhead in milliseconds. Traffic
goes only to the emulator on 127.0.0.1; the emulator is stopped at the end.

Usage::

    PYTHONPATH=. python3 bench/bench_client.py [--seconds 3] [--max-requests 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bridge._auth import connect, disconnect  # noqa: E402
from bridge._client import GraphClient  # noqa: E402
from bridge._environments import add_environment  # noqa: E402
from bridge._request import GraphRequest, jobs_path  # noqa: E402


def _start_emulator() -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "bridge.emulator", "--port", "0"],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise SystemExit("the emulator did not start")
    return proc, json.loads(line)


def _run_for(call: Callable[[], Any], seconds: float, limit: int) -> tuple[int, float]:
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while count < limit and time.perf_counter() < deadline:
        call()
        count += 1
    return count, time.perf_counter() - started


def _measure(calls: dict[str, Callable[[], Any]], seconds: float, limit: int,
             rounds: int = 3) -> dict[str, float]:
    """Alternate the contenders in rounds, so the emulator's growing job list affects both alike."""
    counts = {name: 0 for name in calls}
    times = {name: 0.0 for name in calls}
    for call in calls.values():
        for _ in range(20):  # warm up the pool and caches
            call()
    for _ in range(rounds):
        for name, call in calls.items():
            count, elapsed = _run_for(call, seconds / rounds, limit // rounds)
            counts[name] += count
            times[name] += elapsed
    rates = {}
    for name in calls:
        count, elapsed = counts[name], times[name]
        rate = count / elapsed
        rates[name] = rate
        print(f"{name:<28} {count:6d} requests in {elapsed:5.2f} s = {rate:8.1f} req/s "
              f"({1000 / rate:6.3f} ms/request)")
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--max-requests", type=int, default=20000)
    args = parser.parse_args()

    proc, info = _start_emulator()
    try:
        body = {"templateId": "AWSSingleSignon"}
        url = f"{info['graph_url']}/v1.0{jobs_path(info['application_id'])}"
        with httpx.Client(verify=info["ca_file"]) as raw:
            token = raw.post(f"{info['authority']}/oauth2/v2.0/token", data={
                "grant_type": "client_credentials", "client_id": info["client_id"],
                "client_secret": info["client_secret"],
                "scope": f"{info['graph_url']}/.default"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                       "Accept": "application/json"}
            payload = json.dumps(body).encode()

            def raw_post() -> None:
                response = raw.post(url, content=payload, headers=headers)
                if response.status_code != 201:
                    raise SystemExit(f"baseline POST answered {response.status_code}")
                response.json()

            add_environment("Bench", info["login_url"], info["graph_url"],
                            ca_file=info["ca_file"])
            conn = connect(client_id=info["client_id"], tenant_id=info["tenant_id"],
                           client_secret=info["client_secret"], environment="Bench")
            client = GraphClient(conn)
            request = GraphRequest("POST", jobs_path(info["application_id"]), body=body)
            rates = _measure({"raw httpx POST": raw_post,
                              "GraphClient.create": lambda: client.create(request)},
                             args.seconds, args.max_requests)
            disconnect()
        baseline, bridged = rates["raw httpx POST"], rates["GraphClient.create"]
        overhead = 1000 / bridged - 1000 / baseline
        print(f"{'overhead per call':<28} {overhead:+.3f} ms "
              f"({bridged / baseline:.0%} of the raw rate)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
