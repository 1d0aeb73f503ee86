"""The subprocess helper: read messages on stdin, answer on stdout, one JSON object per line.

Each request runs on its own thread, so the reader stays free for ``cancel``:
a cancel answers the target request at once with an OperationStopped error
and drops its late result (the HTTP call cannot be interrupted safely, but
the caller gets control back and the session's state survives). Requests from
the runspaces of one pwsh process overlap: the shim multiplexes them by request
id over this one helper, and each answer carries its request's id.

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
from typing import Any, BinaryIO, Mapping, Optional

from ._dispatch import PROTOCOL_VERSION, _dumps, dispatch, protocol_error
from ._errors import Cancelled, error_to_dict

__all__ = ["serve", "main", "MAX_LINE"]

MAX_LINE = 64 * 1024 * 1024  # a body bigger than this is a mistake, not a request


class _Server:
    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._lock = threading.Lock()
        self._inflight: dict[Any, threading.Event] = {}

    def write(self, message: Mapping[str, Any]) -> None:
        data = (_dumps(message) + "\n").encode("utf-8")
        with self._lock:
            self._out.write(data)
            self._out.flush()

    def _run(self, message: Mapping[str, Any], cancelled: threading.Event) -> None:
        message_id = message.get("id")

        def emit(event: str, data: Mapping[str, Any]) -> None:
            if not cancelled.is_set():
                self.write({"v": PROTOCOL_VERSION, "id": message_id, "event": event, **data})

        try:
            response = dispatch(message, emit=emit)
        finally:
            with self._lock:
                self._inflight.pop(message_id, None)
        if not cancelled.is_set():
            self.write(response)

    def drain(self, timeout: float = 5.0) -> None:
        """Let requests in flight finish (briefly) so their answers are written."""
        for thread in threading.enumerate():
            if thread.name.startswith("mgbridge-"):
                thread.join(timeout)

    def cancel(self, target: Any) -> bool:
        with self._lock:
            event = self._inflight.pop(target, None)
        if event is None:
            return False
        event.set()
        self.write({"v": PROTOCOL_VERSION, "id": target, "ok": False,
                    "error": error_to_dict(Cancelled("The operation was stopped by the caller."))})
        return True

    def handle_line(self, line: bytes) -> bool:
        """Handle one input line; False means shut down."""
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            self.write(protocol_error(None, "the message is not valid UTF-8 JSON "
                                      f"({type(exc).__name__} at line {getattr(exc, 'lineno', '?')}"
                                      f", column {getattr(exc, 'colno', '?')})"))
            return True
        if not isinstance(message, dict):
            self.write(protocol_error(None, "a message must be a JSON object"))
            return True
        op = message.get("op")
        message_id = message.get("id")
        if op == "cancel":
            args = message.get("args") or {}
            done = self.cancel(args.get("target") if isinstance(args, dict) else None)
            if message_id is not None:  # a cancel without id wants no answer
                self.write({"v": PROTOCOL_VERSION, "id": message_id, "ok": True,
                            "result": {"cancelled": done}})
            return True
        if op == "shutdown":
            self.drain()
        if op in ("shutdown", "hello") or message_id is None:
            self.write(dispatch(message))
            return op != "shutdown"
        cancelled = threading.Event()
        with self._lock:
            if message_id in self._inflight:
                self.write(protocol_error(message_id, "a request with this id is in flight"))
                return True
            self._inflight[message_id] = cancelled
        threading.Thread(target=self._run, args=(message, cancelled), daemon=True,
                         name=f"mgbridge-{message_id}").start()
        return True


def serve(stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Serve until stdin ends or a ``shutdown`` arrives."""
    server = _Server(stdout)
    while True:
        line = stdin.readline(MAX_LINE + 1)
        if not line:
            server.drain()
            return 0
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            server.write(protocol_error(None, f"a message line is longer than {MAX_LINE} bytes"))
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
