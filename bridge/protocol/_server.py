"""The subprocess helper: read messages on stdin, answer on stdout, one JSON object per line.

Every request goes to the call runner (:mod:`bridge.protocol._runner`, shared with
the in-process host), keyed by its message id: it runs on a worker thread, so the
reader stays free for ``cancel``, which answers the target request at once with an
OperationStopped error and drops its late result. Requests from the runspaces of
one pwsh process overlap: the shim multiplexes them by request id over this one
helper, and each answer carries its request's id.

Framing rules (see docs/protocol.md): UTF-8, ``\\n``-terminated lines, no
line longer than :data:`MAX_LINE`; the helper's own stdout is the protocol
channel only -- anything Python prints goes to stderr. Secrets arrive only
inside messages; nothing here logs a message.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any, BinaryIO, Optional

from ._dispatch import PROTOCOL_VERSION, encode, protocol_error
from ._runner import CallRunner

__all__ = ["serve", "main", "MAX_LINE"]

MAX_LINE = 64 * 1024 * 1024  # a body bigger than this is a mistake, not a request
_DRAIN_SECONDS = 5.0  # how long a shutdown waits for requests in flight


class _Server:
    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._lock = threading.Lock()
        self.runner = CallRunner()

    def write_text(self, text: str, last: bool = True) -> None:
        data = (text + "\n").encode("utf-8")
        with self._lock:
            self._out.write(data)
            self._out.flush()

    def handle_line(self, line: bytes) -> bool:
        """Handle one input line; False means shut down."""
        try:
            message: Any = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            self.write_text(encode(protocol_error(
                None, "the message is not valid UTF-8 JSON "
                f"({type(exc).__name__} at line {getattr(exc, 'lineno', '?')}, "
                f"column {getattr(exc, 'colno', '?')})")))
            return True
        op = message.get("op") if isinstance(message, dict) else None
        if op == "cancel" and isinstance(message, dict) and message.get("id") is None:
            args = message.get("args")  # a cancel without id wants no answer
            self.runner.cancel_id(args.get("target") if isinstance(args, dict) else None)
            return True
        if op == "shutdown":
            self.runner.wait_idle(_DRAIN_SECONDS)
        key = message.get("id") if isinstance(message, dict) else None
        self.runner.submit(key, message, self.write_text)
        return op != "shutdown"


def serve(stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Serve until stdin ends or a ``shutdown`` arrives."""
    server = _Server(stdout)
    while True:
        line = stdin.readline(MAX_LINE + 1)
        if not line:
            server.runner.wait_idle(_DRAIN_SECONDS)
            return 0
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            server.write_text(encode(protocol_error(
                None, f"a message line is longer than {MAX_LINE} bytes")))
            while line and not line.endswith(b"\n"):  # skip the rest of it
                line = stdin.readline(MAX_LINE)
            continue
        if not line.strip():
            continue
        if not server.handle_line(line):
            return 0


def main(argv: Optional[list[str]] = None) -> int:
    """``python -m bridge.protocol``: the helper. Takes no secrets as arguments, ever."""
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        print(f"bridge.protocol {PROTOCOL_VERSION}")
        return 0
    if args:
        print("usage: python -m bridge.protocol  (speaks the bridge protocol on stdin/stdout; "
              "see docs/protocol.md)", file=sys.stderr)
        return 2
    # The protocol owns fd 1: keep a private handle to it, then point fd 1 at stderr so
    # that a stray print (ours or a library's) cannot corrupt the framing.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    try:
        return serve(sys.stdin.buffer, channel)
    except KeyboardInterrupt:  # Ctrl+C reaches the helper too; the shim decides what to do
        return 130
    except BrokenPipeError:
        return 0
