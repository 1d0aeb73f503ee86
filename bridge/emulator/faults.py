"""Fault injection: a plan of faults keyed by route, consumed one request at a time.

A fault is a dict (the admin API's and :meth:`Emulator.set_faults`'s form)::

    {"route": "jobs.create", "kind": "status", "status": 429, "retry_after": 2.128, "count": 2}

Kinds:

``status``
    Answer ``status`` (default 503) with the service's error body instead of
    handling the request. Optional ``retry_after``: seconds (int or float, sent
    as given, e.g. ``2.128``) or ``"date:SECONDS"`` for an HTTP-date that many
    seconds ahead. Optional ``code``/``message`` override the error body.
``latency``
    Sleep ``seconds`` (float) in the connection's own thread, then handle the
    request normally. Other connections are not held up.
``drop_before``
    Close the connection without a response; the request is not handled
    (no job is stored).
``drop_after``
    Handle the request completely (a job *is* stored), then close the
    connection without a response.
``malformed_json``
    Handle the request, then send its status (201/200) with
    ``Content-Type: application/json`` and a truncated, unparseable body.

``count`` is how many matching requests the fault affects (default 1; ``-1``
means until cleared). ``route`` is a route key (see :data:`ROUTE_KEYS`) or
``"*"`` for every route. Faults are tried in order; the first one left with a
budget for the route applies.

The CLI's compact form is ``ROUTE:KIND[=VALUE][,KEY=VALUE...]``, where
``VALUE`` after the kind is its main parameter (``status=429``,
``latency=0.5``)::

    --fault jobs.create:status=429,count=2,retry_after=1
    --fault jobs.create:status=429,retry_after=date:3
    --fault token:latency=1.5
    --fault jobs.create:drop_after
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Optional, Union

from .messages import http_date

__all__ = ["Fault", "FaultPlan", "parse_fault_spec", "ROUTE_KEYS", "FAULT_KINDS",
           "retry_after_header"]

#: Every route key a fault (or a counter) can name.
ROUTE_KEYS = ("openid", "jwks", "token", "devicecode", "managed_identity",
              "jobs.create", "jobs.list", "jobs.get", "jobs.delete", "batch")
#: Every fault kind.
FAULT_KINDS = ("status", "latency", "drop_before", "drop_after", "malformed_json")
#: Upper bound on an injected delay, so a typo cannot hang a test run.
MAX_LATENCY = 600.0

RetryAfter = Union[int, float, str, None]


def retry_after_header(value: RetryAfter) -> Optional[str]:
    """The ``Retry-After`` header text for a fault's ``retry_after`` value, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.startswith("date:"):
            return http_date(time.time() + float(value[5:]))
        return value
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return str(int(value))


@dataclass
class Fault:
    """One fault of the plan; see the module docstring for the fields."""

    route: str
    kind: str
    count: int = 1
    status: int = 503
    retry_after: RetryAfter = None
    seconds: float = 0.0
    code: Optional[str] = None
    message: Optional[str] = None
    applied: int = field(default=0, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Fault":
        """Validate and build a fault; raises ValueError with a readable message."""
        if not isinstance(data, dict):
            raise ValueError(f"a fault must be an object, not {type(data).__name__}")
        unknown = set(data) - {"route", "kind", "count", "status", "retry_after", "seconds",
                               "code", "message", "applied"}
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        route = data.get("route")
        if route != "*" and route not in ROUTE_KEYS:
            raise ValueError(f"fault route {route!r} is not one of {', '.join(ROUTE_KEYS)} or '*'")
        kind = data.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {kind!r} is not one of {', '.join(FAULT_KINDS)}")
        count = data.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < -1:
            raise ValueError(f"fault count must be an integer >= -1, not {count!r}")
        status = data.get("status", 503)
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError(f"fault status must be an HTTP status code, not {status!r}")
        retry_after = data.get("retry_after")
        if retry_after is not None:
            if isinstance(retry_after, bool):
                raise ValueError("fault retry_after must be a number or 'date:SECONDS'")
            if isinstance(retry_after, str):
                if retry_after.startswith("date:"):
                    try:
                        float(retry_after[5:])
                    except ValueError as exc:
                        raise ValueError(f"bad retry_after {retry_after!r}") from exc
            elif not isinstance(retry_after, (int, float)) or retry_after < 0:
                raise ValueError(f"fault retry_after must be >= 0, not {retry_after!r}")
        seconds = data.get("seconds", 0.0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
                or not 0 <= seconds <= MAX_LATENCY:
            raise ValueError(f"fault seconds must be between 0 and {MAX_LATENCY}, not {seconds!r}")
        if kind == "latency" and "seconds" not in data:
            raise ValueError("a latency fault needs 'seconds'")
        for key in ("code", "message"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise ValueError(f"fault {key} must be a string")
        return cls(route=str(route), kind=str(kind), count=count, status=status,
                   retry_after=retry_after, seconds=float(seconds), code=data.get("code"),
                   message=data.get("message"))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with ``applied`` (how many requests it has hit so far)."""
        return asdict(self)


class FaultPlan:
    """The ordered, thread-safe list of active faults."""

    def __init__(self, faults: Optional[Iterable[dict[str, Any]]] = None) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._applied_total = 0
        if faults:
            self.replace(faults)

    def replace(self, faults: Iterable[dict[str, Any]]) -> None:
        """Validate every fault first, then swap the whole plan (all or nothing)."""
        built = [f if isinstance(f, Fault) else Fault.from_dict(f) for f in faults]
        with self._lock:
            self._faults = built

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults = []

    def take(self, route: str, kinds: Optional[Iterable[str]] = None) -> Optional[Fault]:
        """Consume one use of the first fault matching ``route`` (and ``kinds``, if given).

        Returns None when no fault applies. Inner ``$batch`` requests pass
        ``kinds`` so that connection-level faults are left for top-level requests.
        """
        allowed = None if kinds is None else set(kinds)
        with self._lock:
            for fault in self._faults:
                if fault.count == 0 or fault.route not in (route, "*"):
                    continue
                if allowed is not None and fault.kind not in allowed:
                    continue
                if fault.count > 0:
                    fault.count -= 1
                fault.applied += 1
                self._applied_total += 1
                return fault
        return None

    @property
    def applied_total(self) -> int:
        """How many requests have been hit by a fault since start (or reset)."""
        with self._lock:
            return self._applied_total

    def reset_total(self) -> None:
        """Zero :attr:`applied_total` (part of the admin reset)."""
        with self._lock:
            self._applied_total = 0

    def to_list(self) -> list[dict[str, Any]]:
        """The plan as JSON-ready dicts, exhausted faults included."""
        with self._lock:
            return [fault.to_dict() for fault in self._faults]


_MAIN_PARAMETER = {"status": "status", "latency": "seconds"}


def _scalar(text: str) -> Union[int, float, str]:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_fault_spec(spec: str) -> dict[str, Any]:
    """Turn the CLI's compact form (``jobs.create:status=429,count=2``) into a fault dict.

    Raises:
        ValueError: the spec is not ``ROUTE:KIND[=VALUE][,KEY=VALUE...]`` or names
            an unknown route, kind or field.
    """
    route, sep, rest = spec.partition(":")
    if not sep or not rest:
        raise ValueError(f"fault spec {spec!r} is not ROUTE:KIND[=VALUE][,KEY=VALUE...]")
    items = [item.strip() for item in rest.split(",") if item.strip()]
    kind, eq, value = items[0].partition("=")
    data: dict[str, Any] = {"route": route.strip(), "kind": kind.strip()}
    if eq:
        main = _MAIN_PARAMETER.get(data["kind"])
        if main is None:
            raise ValueError(f"fault kind {data['kind']!r} takes no value in {spec!r}")
        data[main] = _scalar(value.strip())
    for item in items[1:]:
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"expected KEY=VALUE, got {item!r} in {spec!r}")
        key, text = key.strip(), value.strip()
        if key in ("code", "message") or (key == "retry_after" and text.startswith("date:")):
            data[key] = text
        else:
            data[key] = _scalar(text)
    if isinstance(data.get("seconds"), int):
        data["seconds"] = float(data["seconds"])
    Fault.from_dict(data)  # validate now, so the CLI fails before it starts serving
    return data
