"""The in-process host of MgBridge's pythonnet transport: protocol messages in pwsh's own process.

The PowerShell side (``Initialize-BridgePythonNet``) imports this module once per pwsh
process, right after ``PythonEngine.Initialize()`` and the ``sys.path`` set-up,
and from then on ``[MgBridge.PythonNetCall]`` calls only the functions below, each with the GIL held for the
length of the call, with ``str`` arguments and a ``str`` result (nothing
Python-typed ever reaches PowerShell)::

    begin("<ticket>|<json>") -> reply  start one request; waits up to SLICE seconds for it
    step(ticket) -> reply              wait up to SLICE seconds more (or take the next event)
    cancel(ticket)                     the caller stopped: answer and events are dropped
    running(id) -> "1" | "0"           whether a request with that id is in flight (tests)
    summary() -> json                  the interpreter, for -Verbose

``reply`` is ``"<kind><payload>"``: kind ``R`` (the response JSON: the call is
over), ``E`` (one event JSON, such as the device-code prompt, sent while the call
goes on) or ``W`` (still running; no payload).

The *caller* picks the ticket, before ``begin``: a stop (Ctrl+C) that lands as
``begin`` returns still finds the ticket to cancel, so no call is left behind.

Requests run in the one call runner (:mod:`bridge.protocol._runner`), shared with
the subprocess helper: in-flight tracking, cancel and late-answer dropping are the
same there and here. The PowerShell thread waits in short slices
(``threading.Condition.wait`` releases the GIL, so other runspaces run meanwhile)
and checks between slices whether its pipeline was stopped.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Optional

from ._dispatch import encode, error_response
from ._runner import CallRunner

__all__ = ["SLICE", "begin", "step", "cancel", "running", "inflight", "summary"]

#: How long one begin/step waits before handing control back to PowerShell (seconds).
SLICE = 0.05

_runner = CallRunner()
_lock = threading.Lock()
_mailboxes: dict[str, "_Mailbox"] = {}


class _Mailbox:
    """What one request has delivered and the caller has not taken yet."""

    __slots__ = ("cond", "events", "response")

    def __init__(self) -> None:
        self.cond = threading.Condition(threading.Lock())
        self.events: list[str] = []
        self.response: Optional[str] = None

    def deliver(self, text: str, last: bool) -> None:
        with self.cond:
            if last:
                self.response = text
            else:
                self.events.append(text)
            self.cond.notify_all()

    def take(self, ticket: str, wait: bool) -> str:
        with self.cond:
            if wait and not self.events and self.response is None:
                self.cond.wait(SLICE)
            if self.events:
                return "E" + self.events.pop(0)
            if self.response is not None:
                with _lock:
                    _mailboxes.pop(ticket, None)
                return "R" + self.response
            return "W"


def begin(text: str) -> str:
    """Start one request, given as ``"<ticket>|<message JSON>"``; wait up to :data:`SLICE`."""
    ticket, _, body = text.partition("|")
    try:
        message = json.loads(body)
    except ValueError:
        from ._dispatch import handle_json  # it words the ProtocolError for bad JSON
        return "R" + handle_json(body)
    box = _Mailbox()
    with _lock:
        _mailboxes[ticket] = box
    _runner.submit(ticket, message, box.deliver)
    return box.take(ticket, wait=True)


def step(ticket: str) -> str:
    """Wait up to :data:`SLICE` more for a request started by :func:`begin`."""
    with _lock:
        box = _mailboxes.get(ticket)
    if box is None:
        return "R" + encode(error_response(None, LookupError(
            f"no request in flight with ticket {ticket}")))
    return box.take(ticket, wait=True)


def cancel(ticket: str) -> str:
    """The caller stopped waiting: drop the request's answer and events when they come."""
    _runner.cancel(ticket)
    with _lock:
        _mailboxes.pop(ticket, None)
    return ""


def running(message_id: str) -> str:
    """``"1"`` while a request with this message id (JSON text) runs; a cancelled one is over."""
    return "1" if _runner.running(json.loads(message_id)) else "0"


def inflight() -> int:
    """How many requests run unanswered (for diagnostics; tests use :func:`running`)."""
    return _runner.inflight()


def summary() -> str:
    """The embedded interpreter, as JSON, for ``-Verbose``."""
    return encode({"executable": sys.executable, "prefix": sys.prefix,
                   "base_prefix": sys.base_prefix, "version": sys.version.split()[0]})
