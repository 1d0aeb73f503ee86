"""Goal 3's yardstick (bench/bench_goals.py): the Python API's own per-call time.

The same emulator, the same create as warm_calls.ps1: connect, fifty warm-up calls,
then the median of ``calls`` calls of ``bridge.new_application_synchronization_job``, one
``perf_counter`` each. Prints one JSON line.

    python bench/goals/warm_calls.py VALUES_FILE [CALLS]
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import bridge


def main(values_file: str, calls: int = 200) -> None:
    with open(values_file, encoding="utf-8") as handle:
        login, graph, ca_file, tenant, client_id, secret, app = handle.read().splitlines()[:7]
    bridge.add_environment("Bench", login, graph, ca_file=ca_file)
    bridge.connect(client_id=client_id, tenant_id=tenant, client_secret=secret,
                   environment="Bench")
    for _ in range(50):
        bridge.new_application_synchronization_job(application_id=app, template_id="warm-up")
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        bridge.new_application_synchronization_job(application_id=app, template_id="warm")
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"median_ms": statistics.median_low(times)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)
