"""Benchmark: many creates with bridge.aio (bounded concurrency) against one at a time.

Graph takes tens to hundreds of milliseconds to create a job; here the emulator
(a subprocess, loopback only) holds every create for ``--latency`` seconds. In
the same run, for ``--count`` creates each:

1. yardstick: ``GraphClient.create`` one after another (what a sync loop does);
2. ``bridge.aio.new_application_synchronization_job`` on one ``AsyncGraphClient``,
   at most ``--concurrency`` in flight (``asyncio.Semaphore``), as docs/guide.md shows;
3. for scale: raw ``httpx.AsyncClient`` POSTs with the same bound (no retries, no
   never-create-twice, no binding): what the async layer costs on top.

Prints jobs/s and the ratios. Usage::

    PYTHONPATH=. python3 bench/bench_aio.py [--count 80] [--concurrency 8] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bridge  # noqa: E402
import bridge.aio  # noqa: E402
from bench_client import _start_emulator  # noqa: E402


def _admin(info: dict[str, Any], path: str, body: Any) -> None:
    httpx.post(f"{info['admin_url']}/{path}", json=body, verify=info["ca_file"]).raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=80)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    proc, info = _start_emulator()
    try:
        bridge.add_environment("BenchAio", info["login_url"], info["graph_url"],
                               ca_file=info["ca_file"])
        conn = bridge.connect(client_id=info["client_id"], tenant_id=info["tenant_id"],
                              client_secret=info["client_secret"], environment="BenchAio")
        _admin(info, "faults", [{"route": "jobs.create", "kind": "latency",
                                 "seconds": args.latency, "count": -1}])
        app = info["application_id"]

        started = time.perf_counter()
        with bridge.GraphClient(conn) as client:
            for i in range(args.count):
                bridge.new_application_synchronization_job(application_id=app,
                                                           template_id=f"s{i}", client=client)
        sequential = time.perf_counter() - started

        async def with_aio() -> float:
            async with bridge.aio.AsyncGraphClient(conn) as client:
                limit = asyncio.Semaphore(args.concurrency)

                async def one(i: int) -> None:
                    async with limit:
                        await bridge.aio.new_application_synchronization_job(
                            application_id=app, template_id=f"a{i}", client=client)

                t0 = time.perf_counter()
                await asyncio.gather(*(one(i) for i in range(args.count)))
                return time.perf_counter() - t0

        async def with_raw_httpx() -> float:
            token = conn.get_token().token
            url = f"{info['graph_url']}/v1.0/applications/{app}/synchronization/jobs"
            async with httpx.AsyncClient(verify=info["ca_file"]) as http:
                limit = asyncio.Semaphore(args.concurrency)

                async def one(i: int) -> None:
                    async with limit:
                        r = await http.post(url, json={"templateId": f"r{i}"},
                                            headers={"Authorization": f"Bearer {token}"})
                        r.raise_for_status()

                t0 = time.perf_counter()
                await asyncio.gather(*(one(i) for i in range(args.count)))
                return time.perf_counter() - t0

        concurrent = asyncio.run(with_aio())
        raw = asyncio.run(with_raw_httpx())
        rate = args.count / sequential, args.count / concurrent, args.count / raw
        print(f"{args.count} creates, Graph latency {args.latency * 1000:.0f} ms, "
              f"concurrency {args.concurrency}")
        print(f"  sync, one at a time (yardstick): {rate[0]:7.1f} jobs/s")
        print(f"  bridge.aio, bounded:             {rate[1]:7.1f} jobs/s  "
              f"({rate[1] / rate[0]:.1f}x the yardstick)")
        print(f"  raw httpx.AsyncClient, bounded:  {rate[2]:7.1f} jobs/s  "
              f"(bridge.aio reaches {rate[1] / rate[2]:.0%} of it)")
        bridge.disconnect()
        return 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
