"""Graph's answers: :class:`GraphResponse`, the :class:`GraphError` of an error answer, status names.

:func:`read_response` turns the httpx response the client's layers pass up into
a :class:`GraphResponse`, decoding its JSON once; a 2xx body that is not JSON is
a :class:`TransportError` there (Graph acted, but its answer cannot be read).
"""

from __future__ import annotations

import http
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import httpx

from ._exceptions import GraphError, TransportError
from ._redact import redact

__all__ = ["GraphResponse", "graph_error_from_response", "status_name", "read_response",
           "response_error"]

_NET_STATUS_NAMES = {200: "OK", 413: "RequestEntityTooLarge", 414: "RequestUriTooLong",
                     416: "RequestedRangeNotSatisfiable", 418: "418", 422: "UnprocessableEntity",
                     505: "HttpVersionNotSupported"}


def status_name(status: int) -> str:
    """The .NET ``HttpStatusCode`` name the SDK prints (``201`` -> ``"Created"``)."""
    if status in _NET_STATUS_NAMES:
        return _NET_STATUS_NAMES[status]
    try:
        name = http.HTTPStatus(status).name
    except ValueError:
        return str(status)
    return "".join(part.capitalize() for part in name.split("_"))


@dataclass(frozen=True)
class GraphResponse:
    """A Graph answer: status, headers and the decoded JSON body.

    Usage::

        response = client.send(GraphRequest("GET", jobs_path(app_id)))
        if response.ok:
            jobs = response.json["value"]
        print(response.request_id, response.client_request_id)

    Parameters:
        status: HTTP status code.
        headers: response headers (lower-case names).
        json: the decoded body, or None for an empty body.
        text: the raw body text.
        client_request_id: the ``client-request-id`` this attempt sent.
    """

    status: int
    headers: Mapping[str, str] = field(repr=False)
    json: Any = None
    text: str = field(default="", repr=False)
    client_request_id: Optional[str] = None

    @property
    def request_id(self) -> Optional[str]:
        """Graph's ``request-id`` header."""
        return self.headers.get("request-id")

    @property
    def ok(self) -> bool:
        """True for 2xx."""
        return 200 <= self.status < 300


def graph_error_from_response(status: int, headers: Mapping[str, str], text: str,
                              client_request_id: Optional[str] = None) -> GraphError:
    """A :class:`GraphError` from an error response.

    An OData envelope (``{"error": {"code", "message", "innerError": {...}}}``)
    gives code, message and inner error; the ids and date come from
    ``innerError`` first, then the ``request-id`` / ``client-request-id`` /
    ``Date`` headers. A body that is not an envelope (an HTML page from a proxy,
    plain text, nothing) gives the status name as the code and the first 500
    characters of the body (or the reason phrase) as the message.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    code, message, inner = "", "", {}
    try:
        payload = json.loads(text) if text else None
    except ValueError:
        payload = None
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code") or "")
        message = str(error.get("message") or "")
        raw_inner = error.get("innerError", error.get("innererror"))
        inner = raw_inner if isinstance(raw_inner, dict) else {}
    elif isinstance(error, str):  # OAuth-style {"error": "...", "error_description": "..."}
        code = error
        message = str(payload.get("error_description", "")) if isinstance(payload, dict) else ""
    if not code:
        code = status_name(status)
    if not message:
        body = " ".join(text.split())[:500] if text and payload is None else ""
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        message = body or reason or f"HTTP {status}"
    return GraphError(
        status, code, redact(message),
        request_id=inner.get("request-id") or lower.get("request-id"),
        client_request_id=(inner.get("client-request-id") or lower.get("client-request-id")
                           or client_request_id),
        date=inner.get("date") or lower.get("date"),
        inner_error=inner)



def _client_request_id(response: httpx.Response) -> Optional[str]:
    value: Optional[str] = response.request.headers.get("client-request-id")
    return value


def response_error(response: httpx.Response) -> GraphError:
    """The :class:`GraphError` of an httpx response (see :func:`graph_error_from_response`)."""
    return graph_error_from_response(response.status_code, response.headers, response.text,
                                     _client_request_id(response))


def read_response(response: httpx.Response) -> GraphResponse:
    """Graph's answer with its JSON body decoded (None when empty, or not JSON in an error).

    Raises:
        TransportError: a 2xx answer whose body is not valid JSON (``request_sent`` True).
    """
    text = response.text
    body: Any = None
    unreadable = False
    if text.strip():
        try:
            body = json.loads(text)
        except ValueError:
            unreadable = 200 <= response.status_code < 300  # an error page need not be JSON
    if unreadable:
        error = TransportError(
            f"Graph answered {response.status_code} {status_name(response.status_code)} with "
            f"a body that is not valid JSON (request-id {response.headers.get('request-id')}, "
            f"client-request-id {_client_request_id(response)}): {redact(text[:200])!r}")
        error.request_sent = True
        raise error
    return GraphResponse(response.status_code, dict(response.headers), body, text,
                         _client_request_id(response))
