"""``python -m bridge.emulator``: run the emulator as a process.

Prints one JSON line (the :attr:`Emulator.info` keys) on stdout once it is
listening, then serves until SIGTERM or SIGINT, and exits 0.

Options::

    --host 127.0.0.1        listen address
    --port 0                port (0 = a free one; read it from the JSON line)
    --state FILE            load/persist tenant, credentials, applications and jobs
    --workdir DIR           where ca.pem is written (default: a temporary directory)
    --fault SPEC            repeatable; ROUTE:KIND[=VALUE][,KEY=VALUE...], e.g.
                              jobs.create:status=429,count=2,retry_after=1
                              jobs.create:status=503,retry_after=date:2
                              jobs.create:latency=0.5,count=-1
                              jobs.create:drop_before
                              jobs.create:drop_after
                              jobs.get:malformed_json
    --token-lifetime N      seconds an access token lives (default 3600)
    --lenient               keep unknown properties instead of Graph's 400
    --device-code-interval N  polling interval handed to device-code clients (default 5)
    --log-level LEVEL       logging to stderr (default WARNING)
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any, Optional, Sequence

from .faults import parse_fault_spec
from .runner import Emulator
from .state import DEFAULT_DEVICE_CODE_INTERVAL, DEFAULT_TOKEN_LIFETIME

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bridge.emulator",
        description="Local Microsoft Graph + Entra ID emulator over HTTPS.",
        epilog="Fault spec: ROUTE:KIND[=VALUE][,KEY=VALUE...]; routes: openid, jwks, token, "
               "devicecode, managed_identity, jobs.create, jobs.list, jobs.get, jobs.delete, "
               "batch, *; kinds: status (=CODE, retry_after=SECONDS|date:SECONDS), latency "
               "(=SECONDS), drop_before, drop_after, malformed_json; count=N (-1 = forever).")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--state", metavar="FILE",
                        help="load and persist credentials, applications and jobs here")
    parser.add_argument("--workdir", metavar="DIR",
                        help="where ca.pem is written (default: a temporary directory)")
    parser.add_argument("--fault", metavar="SPEC", action="append", default=[],
                        help="inject a fault (repeatable), e.g. jobs.create:status=429,count=2")
    parser.add_argument("--token-lifetime", type=int, default=DEFAULT_TOKEN_LIFETIME,
                        metavar="SECONDS", help="access token lifetime (default %(default)s)")
    parser.add_argument("--lenient", action="store_true",
                        help="keep and echo properties Graph's model does not define")
    parser.add_argument("--device-code-interval", type=int, default=DEFAULT_DEVICE_CODE_INTERVAL,
                        metavar="SECONDS",
                        help="polling interval given to device-code clients (default %(default)s)")
    parser.add_argument("--log-level", default="WARNING", help="stderr logging level")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run until SIGTERM/SIGINT; returns the exit code (0, or 2 for bad arguments)."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        faults = [parse_fault_spec(spec) for spec in args.fault]
    except ValueError as exc:
        parser.error(str(exc))
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    emulator = Emulator(faults=faults, state_file=args.state, workdir=args.workdir,
                        host=args.host, port=args.port, token_lifetime=args.token_lifetime,
                        strict_properties=not args.lenient,
                        device_code_interval=args.device_code_interval)
    emulator.start()
    try:
        sys.stdout.write(json.dumps(emulator.info) + "\n")
        sys.stdout.flush()
        # Wake up periodically so signals are handled promptly on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
