"""The request a call would send: method, path, headers and the exact JSON body.

A :class:`GraphRequest` is what binding produces and what a transport sends.
The path is relative to the Graph endpoint and API version
(``/applications/{id}/synchronization/jobs``); the request also carries the
endpoint and version the call would use, which :func:`bridge._api.invoke` fills
in from the client, connection and profile (``what_if=True`` shows them), so
:meth:`GraphRequest.url` is the URL the call would really send to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping, Optional
from urllib.parse import quote

if TYPE_CHECKING:
    from ._call_options import CallOptions

__all__ = ["GraphRequest", "DEFAULT_GRAPH_ENDPOINT", "DEFAULT_API_VERSION", "API_VERSIONS",
           "encode_json", "jobs_path"]

DEFAULT_GRAPH_ENDPOINT = "https://graph.microsoft.com"
DEFAULT_API_VERSION = "v1.0"
API_VERSIONS = ("v1.0", "beta")


def encode_json(value: Any) -> bytes:
    """Serialize the body the one way every path uses: compact, UTF-8, key order kept.

    Same input gives byte-identical JSON whichever parameter set expressed it,
    because binding builds the dict in the spec's property order.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def jobs_path(application_id: str) -> str:
    """``/applications/{id}/synchronization/jobs`` with the id percent-encoded.

    Every character outside RFC 3986's unreserved set is encoded (``safe=""``),
    so no id can add a path segment, a query or a fragment.
    """
    return f"/applications/{quote(application_id, safe='')}/synchronization/jobs"


@dataclass(frozen=True)
class GraphRequest:
    """One Graph request, ready to send.

    Parameters:
        method: HTTP method (``"POST"``).
        path: path below ``{endpoint}/{api_version}``, already percent-encoded.
        body: the JSON body as a Python value (dicts in the spec's key order), or None.
        headers: extra headers (``Content-Type`` is implied by a body).
        parameter_set: the parameter set the call resolved to.
        warnings: binding warnings (unknown keys kept as additional properties).
        options: how to send it (the runtime parameters: proxy), or None for the
            connection's client; not part of the request's identity.
        endpoint: the Graph endpoint the call targets (``https://graph.microsoft.com``).
        api_version: the API version the call targets (``v1.0`` or ``beta``).
    """

    method: str
    path: str
    body: Optional[Any] = None
    headers: Mapping[str, str] = field(default_factory=dict)
    parameter_set: Optional[str] = None
    warnings: tuple[str, ...] = ()
    endpoint: str = DEFAULT_GRAPH_ENDPOINT
    api_version: str = DEFAULT_API_VERSION
    options: Optional["CallOptions"] = field(default=None, compare=False, repr=False)

    def targeting(self, endpoint: str, api_version: str) -> "GraphRequest":
        """The same request aimed at another endpoint and API version."""
        return replace(self, endpoint=endpoint, api_version=api_version)

    @property
    def content(self) -> bytes:
        """The exact bytes that go on the wire (empty without a body)."""
        return b"" if self.body is None else encode_json(self.body)

    def url(self, endpoint: Optional[str] = None, api_version: Optional[str] = None) -> str:
        """The absolute URL: the request's own target, or the endpoint and version given."""
        base = (endpoint or self.endpoint).rstrip("/")
        return f"{base}/{api_version or self.api_version}{self.path}"

    def to_dict(self, endpoint: Optional[str] = None,
                api_version: Optional[str] = None) -> dict[str, Any]:
        """A JSON-ready view, as ``what_if`` / ``-WhatIf`` show it."""
        headers = dict(self.headers)
        if self.body is not None:
            headers.setdefault("Content-Type", "application/json")
        return {"method": self.method, "url": self.url(endpoint, api_version),
                "headers": headers, "body": self.body,
                "parameterSet": self.parameter_set, "warnings": list(self.warnings)}
