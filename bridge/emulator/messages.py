"""Transport-neutral request and response objects, and the error bodies of each service.

The HTTP handler turns bytes into a :class:`Request`; every route returns a
:class:`Response`. ``$batch`` builds inner :class:`Request` objects from JSON and
runs them through the same pipeline, which is why nothing below knows about
sockets.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional
from urllib.parse import parse_qs

__all__ = [
    "Request", "Response", "Context", "Route", "new_guid", "utc_now", "iso_utc", "http_date",
    "json_response", "odata_error", "aad_error", "GRAPH_JSON_CONTENT_TYPE",
]

#: What Graph sends for OData payloads.
GRAPH_JSON_CONTENT_TYPE = ("application/json;odata.metadata=minimal;odata.streaming=true;"
                           "IEEE754Compatible=false;charset=utf-8")


def new_guid() -> str:
    """A fresh lowercase GUID with dashes, as Graph and AAD print them."""
    return str(uuid.uuid4())


def utc_now() -> _dt.datetime:
    """The current time, timezone-aware UTC."""
    return _dt.datetime.now(_dt.timezone.utc)


def iso_utc(moment: Optional[_dt.datetime] = None) -> str:
    """``2024-05-01T12:00:00`` — the second-precision form Graph uses in ``innerError.date``."""
    return (moment or utc_now()).strftime("%Y-%m-%dT%H:%M:%S")


def http_date(epoch_seconds: float) -> str:
    """An RFC 7231 IMF-fixdate (``Wed, 21 Oct 2015 07:28:00 GMT``)."""
    return email.utils.formatdate(epoch_seconds, usegmt=True)


@dataclass
class Request:
    """One received request (top-level, or an inner request of a ``$batch``).

    Parameters:
        method: upper-case HTTP method.
        path: the path, still percent-encoded (routes decode ids themselves, once).
        query_string: the raw query without ``?``.
        headers: header name -> value, names as received.
        body: the raw body bytes.
        client_address: the peer's IP address.
        via_batch: the id of the ``$batch`` request this one came from, if any.
    """

    method: str
    path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    client_address: str = "127.0.0.1"
    via_batch: Optional[str] = None

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """Case-insensitive header lookup (HTTP header names are case-insensitive)."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return default

    @property
    def query(self) -> dict[str, str]:
        """Query parameters, the last value winning, blank values kept."""
        parsed = parse_qs(self.query_string, keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (``application/json``)."""
        value = self.header("Content-Type") or ""
        return value.split(";", 1)[0].strip().lower()

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded`` (last value wins)."""
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}


@dataclass
class Response:
    """What a route answers.

    Parameters:
        status: HTTP status code.
        headers: extra headers; ``Content-Length`` is always added by the server.
        body: the body bytes.
        drop: close the connection instead of sending anything (fault injection).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drop: bool = False

    def json(self) -> Any:
        """The body decoded as JSON (for ``$batch`` and tests)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(status: int, value: Any, headers: Optional[Mapping[str, str]] = None,
                  content_type: str = "application/json; charset=utf-8") -> Response:
    """A JSON response with the given status."""
    merged = {"Content-Type": content_type}
    merged.update(headers or {})
    return Response(status, merged, _dumps(value))


def odata_error(status: int, code: str, message: str, request_id: str,
                client_request_id: str, headers: Optional[Mapping[str, str]] = None,
                inner_extra: Optional[Mapping[str, Any]] = None) -> Response:
    """Graph's error envelope: ``{"error": {"code", "message", "innerError": {...}}}``."""
    inner: dict[str, Any] = {"date": iso_utc(), "request-id": request_id,
                             "client-request-id": client_request_id}
    inner.update(inner_extra or {})
    body = {"error": {"code": code, "message": message, "innerError": inner}}
    return json_response(status, body, headers, content_type="application/json")


def aad_error(status: int, error: str, aadsts: int, description: str, trace_id: str,
              correlation_id: str, headers: Optional[Mapping[str, str]] = None) -> Response:
    """The identity platform's error body (``error``, ``error_description``, ``error_codes``...).

    The description starts with ``AADSTS<code>:`` and ends with the trace and
    correlation ids and a timestamp, like the real service's.
    """
    stamp = utc_now().strftime("%Y-%m-%d %H:%M:%SZ")
    text = (f"AADSTS{aadsts}: {description} Trace ID: {trace_id} "
            f"Correlation ID: {correlation_id} Timestamp: {stamp}")
    body = {"error": error, "error_description": text, "error_codes": [aadsts],
            "timestamp": stamp, "trace_id": trace_id, "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={aadsts}"}
    return json_response(status, body, headers)


@dataclass(frozen=True)
class Context:
    """Per-request ids, shared by the pipeline and the route that answers.

    Parameters:
        request_id: the server-generated id (``request-id`` header, ``innerError``).
        client_request_id: the caller's ``client-request-id``, or a generated one.
    """

    request_id: str
    client_request_id: str


Handler = Callable[[Request, "re.Match[str]", Context], Response]


@dataclass(frozen=True)
class Route:
    """One endpoint: a route key (for faults and counters), methods, a path pattern.

    ``family`` picks the error dialect used for injected faults and unknown
    paths: ``graph`` (OData envelope), ``aad`` (identity platform),
    ``msi`` (App Service identity endpoint) or ``imds`` (instance metadata).
    """

    key: str
    methods: tuple[str, ...]
    pattern: "re.Pattern[str]"
    handler: Handler
    family: str
