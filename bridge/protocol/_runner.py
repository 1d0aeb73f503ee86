"""The one call runner: requests in flight, cancel, late answers dropped, one reply shape.

Both transports hand every request message to a :class:`CallRunner`: the
subprocess helper (:mod:`bridge.protocol._server`, keyed by the message id)
and the in-process pythonnet host (:mod:`bridge.protocol._host`, keyed by a
ticket the PowerShell side chose before the call began). The runner

* answers malformed messages and the ops of :data:`INLINE_OPS` (local state,
  microseconds) at once on the caller's thread;
* runs every other request on a pooled daemon worker thread, so the caller
  stays free to read the next message or notice a stop (several requests may
  run at once: each reply carries its request's id, so a caller may multiplex);
* delivers each request's events and its one response to that request's
  ``sink`` (a callable taking one encoded JSON line);
* on :meth:`CallRunner.cancel` answers the request at once with an
  ``OperationStopped`` error and drops whatever it produces later -- the HTTP
  call in flight cannot be interrupted safely, but the caller gets control
  back, and the session's state survives.

Replies are encoded by :func:`bridge.protocol._dispatch.encode`, error replies
built by :func:`bridge.protocol._dispatch.error_response`: one of each.
"""

from __future__ import annotations

import itertools
import queue
import threading
from typing import Any, Callable, Hashable, Mapping, Optional

from ._dispatch import PROTOCOL_VERSION, dispatch, encode, error_response, protocol_error
from ._errors import Cancelled

__all__ = ["CallRunner", "Sink", "INLINE_OPS"]

#: Receives one encoded message (no newline) of one request, and whether it is the last
#: (the response) or not (an event).
Sink = Callable[[str, bool], None]

#: Ops that only read or set the core's local state (no I/O): answered on the caller's thread.
INLINE_OPS = frozenset({"hello", "profile", "request_context", "environments", "get_context",
                        "shutdown"})


class _Call:
    """One request in flight: where its output goes, and whether it was abandoned."""

    __slots__ = ("key", "message_id", "sink", "cancelled", "lock")

    def __init__(self, key: Hashable, message_id: Any, sink: Sink) -> None:
        self.key = key
        self.message_id = message_id
        self.sink = sink
        self.cancelled = False
        self.lock = threading.Lock()  # orders output against cancel: nothing after the stop

    def event(self, text: str) -> None:
        """Deliver an event unless the request was cancelled."""
        with self.lock:
            if not self.cancelled:
                self.sink(text, False)


class CallRunner:
    """Runs request messages for one transport (see the module doc).

    Usage::

        runner = CallRunner()
        runner.submit(7, {"v": 1, "id": 7, "op": "invoke", "args": {...}}, sink=write_line)
        runner.cancel(7)            # True: 7 is answered with OperationStopped now
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()  # notified whenever a request leaves the table
        self._calls: dict[Hashable, _Call] = {}
        self._jobs: "queue.SimpleQueue[tuple[_Call, Mapping[str, Any]]]" = queue.SimpleQueue()
        self._idle = 0  # workers waiting for a job (under _lock)
        self._names = itertools.count(1)

    # -- starting
    def submit(self, key: Hashable, message: Any, sink: Sink) -> None:
        """Run one request; its events and response go to ``sink`` (the response exactly once,
        unless the request is cancelled first: then the OperationStopped reply is the last)."""
        if not isinstance(message, Mapping) or message.get("op") in INLINE_OPS \
                or not _usable_id(message.get("id")):
            sink(encode(dispatch(message)), True)  # the ProtocolError of a bad message, too
            return
        if message.get("op") == "cancel":
            args = message.get("args")
            done = self.cancel_id(args.get("target") if isinstance(args, Mapping) else None)
            sink(encode({"v": PROTOCOL_VERSION, "id": message.get("id"), "ok": True,
                         "result": {"cancelled": done}, "warnings": [], "verbose": [],
                         "debug": [], "messages": []}), True)
            return
        call = _Call(key, message.get("id"), sink)
        with self._lock:
            if key in self._calls:
                duplicate = True
            else:
                duplicate = False
                self._calls[key] = call
                spawn = self._idle == 0
                if not spawn:
                    self._idle -= 1
        if duplicate:
            sink(encode(protocol_error(message.get("id"), "a request with this id is in flight")),
                 True)
            return
        self._jobs.put((call, message))
        if spawn:
            # No idle worker: one more (daemon: never holds up the process's exit). A worker
            # still finishing a cancelled request is just busy; the next request gets another.
            threading.Thread(target=self._work, daemon=True,
                             name=f"mgbridge-worker-{next(self._names)}").start()

    # -- stopping
    def cancel(self, key: Hashable) -> bool:
        """Abandon one request: answer it with OperationStopped now and drop its later output.

        Returns False when nothing is in flight under ``key`` (already answered, or unknown).
        """
        with self._lock:
            call = self._calls.pop(key, None)
            self._lock.notify_all()
        if call is None:
            return False
        with call.lock:
            if call.cancelled:
                return False
            stopped = encode(error_response(call.message_id,
                                            Cancelled("The operation was stopped by the caller.")))
            call.sink(stopped, True)
            call.cancelled = True
        return True

    def cancel_id(self, message_id: Any) -> bool:
        """:meth:`cancel` the request in flight with this message id (the ``cancel`` op)."""
        with self._lock:
            keys = [k for k, c in self._calls.items() if c.message_id == message_id]
        return any([self.cancel(k) for k in keys])

    def inflight(self) -> int:
        """How many requests are running and not yet answered or cancelled."""
        with self._lock:
            return len(self._calls)

    def running(self, message_id: Any) -> bool:
        """Whether a request with this message id is still in flight (not answered or cancelled)."""
        with self._lock:
            return any(c.message_id == message_id for c in self._calls.values())

    # -- the workers
    def _work(self) -> None:
        while True:
            call, message = self._jobs.get()
            self._run(call, message)
            with self._lock:
                self._idle += 1

    def _run(self, call: _Call, message: Mapping[str, Any]) -> None:
        def emit(event: str, data: Mapping[str, Any]) -> None:
            call.event(encode({"v": PROTOCOL_VERSION, "id": call.message_id, "event": event,
                               **data}))

        try:
            text = encode(dispatch(message, emit=emit))
        except BaseException as exc:  # dispatch answers every failure itself; this is the rest
            text = encode(error_response(call.message_id, exc))
        with call.lock:
            # Leave the table and answer in one step, so a cancel sees either, never both.
            with self._lock:
                if self._calls.get(call.key) is call:
                    del self._calls[call.key]
                    self._lock.notify_all()
            if not call.cancelled:
                call.sink(text, True)

    def wait_idle(self, timeout: Optional[float]) -> None:
        """Wait (at most ``timeout`` s) until nothing is in flight; for a clean shutdown."""
        with self._lock:
            self._lock.wait_for(lambda: not self._calls, timeout)


def _usable_id(message_id: Any) -> bool:
    # Requests without an id (or with one dispatch refuses) are answered inline by dispatch.
    return message_id is not None and not isinstance(message_id, bool) \
        and isinstance(message_id, (int, str))
