"""In-process host of MgBridge's pythonnet transport: protocol messages on worker threads.

The PowerShell side (``Invoke-BridgePythonNet``) loads this file once per pwsh
process, right after ``PythonEngine.Initialize()``, and from then on calls only
the functions below, each with the GIL held for the length of the call, with
``str`` arguments and a ``str`` result (nothing Python-typed ever reaches
PowerShell)::

    setup(config_json)      once: sys.path as the configured interpreter has it
    begin(text) -> reply    start one request; waits up to SLICE seconds for it
    step(ticket) -> reply   wait up to SLICE seconds more (or take the next event)
    cancel(ticket)          the caller stopped: drop the late answer and events

``reply`` is ``"<ticket>|<kind><payload>"`` for :func:`begin` and
``"<kind><payload>"`` for :func:`step`, where kind is ``R`` (the response JSON:
the call is over), ``E`` (one event JSON, such as the device-code prompt, sent
while the call goes on) or ``W`` (still running; no payload).

Why worker threads: an in-process call cannot be killed like a helper process.
The request runs on a pooled daemon worker thread (a new one only when none is
idle); the PowerShell thread waits in short
slices (``threading.Condition.wait`` releases the GIL, so other runspaces run
meanwhile) and checks between slices whether its pipeline was stopped
(Ctrl+C). A stopped caller cancels its ticket and returns at once; the request
finishes in the background and its answer is dropped -- exactly what the
subprocess helper does for a ``cancel`` (bridge/protocol/_server.py).

The ops in :data:`INLINE_OPS` only touch the core's local state and take
microseconds; they run on the caller's thread, skipping the handoff.

Messages go to :func:`bridge.protocol.dispatch`, with an ``emit`` for events;
responses are encoded as :func:`bridge.protocol.handle_json` encodes them.
"""

from __future__ import annotations

import itertools
import json
import queue
import sys
import threading
from typing import Any, Mapping, Optional

__all__ = ["SLICE", "setup", "begin", "step", "cancel", "inflight"]

#: How long one begin/step waits before handing control back to PowerShell (seconds).
SLICE = 0.05

#: Ops that only read or set the core's local state (no I/O, microseconds): run on the
#: caller's thread, which saves the worker handoff. Everything else may block on the network.
INLINE_OPS = frozenset({"hello", "profile", "request_context", "environments", "get_context"})

_lock = threading.Lock()
_tickets = itertools.count(1)
_calls: dict[int, "_Call"] = {}
_jobs: "queue.SimpleQueue[tuple[_Call, Mapping[str, Any]]]" = queue.SimpleQueue()
_idle = 0  # workers waiting for a job (under _lock)


class _Call:
    """One request in flight: its answer, its pending events, whether it was abandoned."""

    __slots__ = ("ticket", "message_id", "cond", "events", "response", "cancelled")

    def __init__(self, ticket: int, message_id: Any) -> None:
        self.ticket = ticket
        self.message_id = message_id
        self.cond = threading.Condition(threading.Lock())
        self.events: list[str] = []
        self.response: Optional[str] = None
        self.cancelled = False


def _dumps(value: Any) -> str:
    # The same encoding as bridge.protocol.handle_json (one line, UTF-8 text, no NaN).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=str)


def _error_response(message_id: Any, exc: BaseException) -> str:
    """An ``ok: false`` response in the protocol's shape, for a failure outside dispatch."""
    try:
        from bridge.protocol import PROTOCOL_VERSION, error_to_dict
        error = error_to_dict(exc)
        version = PROTOCOL_VERSION
    except BaseException:  # the core itself does not import: say so, in the same shape
        error = {"type": type(exc).__name__, "errorId": "InternalError",
                 "category": "NotSpecified",
                 "message": f"Internal error in the bridge core: {type(exc).__name__}: {exc}"}
        version = 1
    return _dumps({"v": version, "id": message_id, "ok": False, "error": error,
                   "warnings": [], "verbose": [], "debug": [], "messages": []})


def setup(config_json: str) -> str:
    """Make ``sys.path`` what the configured interpreter has (plus the checkout, first).

    ``config_json``: ``{"path": [...], "prepend": [...]}``. Entries of ``path``
    that the embedded interpreter lacks are appended in order (a ``PYTHONPATH``
    or a ``.pth`` the probe saw); ``prepend`` goes first (the checkout holding
    ``bridge/``, as the subprocess transport's ``PYTHONPATH``). Returns a JSON
    summary for ``-Verbose``.
    """
    config = json.loads(config_json)
    for entry in reversed(list(config.get("prepend") or [])):
        if entry in sys.path:
            sys.path.remove(entry)
        sys.path.insert(0, entry)
    for entry in config.get("path") or []:
        if entry and entry not in sys.path:
            sys.path.append(entry)
    return _dumps({"executable": sys.executable, "prefix": sys.prefix,
                   "base_prefix": sys.base_prefix, "version": sys.version.split()[0]})


def _run(call: _Call, message: Mapping[str, Any]) -> None:
    def emit(event: str, data: Mapping[str, Any]) -> None:
        with call.cond:
            if call.cancelled:
                return
            call.events.append(_dumps({"v": message.get("v", 1), "id": call.message_id,
                                       "event": event, **data}))
            call.cond.notify_all()

    try:
        from bridge.protocol import dispatch
        text = _dumps(dispatch(message, emit=emit))
    except BaseException as exc:  # dispatch answers every failure itself; this is the rest
        text = _error_response(call.message_id, exc)
    with call.cond:
        call.response = text
        call.cond.notify_all()
    if call.cancelled:
        with _lock:
            _calls.pop(call.ticket, None)


_worker_names = itertools.count(1)


def _worker() -> None:
    """Run jobs forever; between jobs the worker counts as idle and waits without the GIL."""
    global _idle
    while True:
        call, message = _jobs.get()
        _run(call, message)
        with _lock:
            _idle += 1


def _reply(call: _Call) -> str:
    """The next thing to hand PowerShell (cond held): an event, the response, or 'still running'."""
    if call.events:
        return "E" + call.events.pop(0)
    if call.response is not None:
        with _lock:
            _calls.pop(call.ticket, None)
        return "R" + call.response
    return "W"


def _wait(call: _Call) -> str:
    with call.cond:
        if not call.events and call.response is None:
            call.cond.wait(SLICE)
        return _reply(call)


def _cancel_by_id(target: Any) -> bool:
    # The 'cancel' op, for parity with the subprocess helper: abandon the newest call with
    # that request id (ids are per module instance; this is rarely needed in-process, where
    # the caller's own Ctrl+C path cancels by ticket).
    with _lock:
        found = [c for c in _calls.values() if c.message_id == target and not c.cancelled]
    if not found:
        return False
    cancel(str(found[-1].ticket))
    return True


def begin(text: str) -> str:
    """Start one request (the protocol's JSON text) and wait up to :data:`SLICE` for it."""
    global _idle
    ticket = next(_tickets)
    try:
        message = json.loads(text)
    except ValueError:
        from bridge.protocol import handle_json  # it words the ProtocolError for bad JSON
        return f"{ticket}|R" + handle_json(text)
    if not isinstance(message, dict):
        from bridge.protocol import dispatch
        return f"{ticket}|R" + _dumps(dispatch(message))
    message_id = message.get("id")
    if message.get("op") == "cancel":
        args = message.get("args")
        done = _cancel_by_id(args.get("target") if isinstance(args, dict) else None)
        return f"{ticket}|R" + _dumps({"v": message.get("v", 1), "id": message_id, "ok": True,
                                       "result": {"cancelled": done}, "warnings": [],
                                       "verbose": [], "debug": [], "messages": []})
    call = _Call(ticket, message_id)
    if message.get("op") in INLINE_OPS:
        _run(call, message)
        return f"{ticket}|R" + str(call.response)
    with _lock:
        _calls[ticket] = call
        spawn = _idle == 0
        if not spawn:
            _idle -= 1
    _jobs.put((call, message))
    if spawn:
        # No idle worker: one more (daemon: never holds up the process's exit). A worker
        # stuck on a stopped request is just busy; the next request gets another.
        threading.Thread(target=_worker, daemon=True,
                         name=f"mgbridge-pythonnet-{next(_worker_names)}").start()
    return f"{ticket}|" + _wait(call)


def step(ticket: str) -> str:
    """Wait up to :data:`SLICE` more for a request started by :func:`begin`."""
    with _lock:
        call = _calls.get(int(ticket))
    if call is None:
        return "R" + _error_response(None, LookupError(f"no request in flight with ticket {ticket}"))
    return _wait(call)


def cancel(ticket: str) -> None:
    """The caller stopped waiting: its answer and events are dropped when they come."""
    with _lock:
        call = _calls.get(int(ticket))
    if call is None:
        return
    with call.cond:
        call.cancelled = True
        call.events.clear()
        finished = call.response is not None
    if finished:
        with _lock:
            _calls.pop(call.ticket, None)


def inflight() -> int:
    """How many requests are running or unanswered (for tests)."""
    with _lock:
        return len(_calls)
