"""The request a call would send: method, path, headers and the exact JSON body.

A :class:`GraphRequest` is what binding produces and what a transport sends.
The path is relative to the Graph endpoint and API version
(``/applications/{id}/synchronization/jobs``); the request also carries the
endpoint and version the call would use, which :func:`bridge._api.invoke` fills
in from the client, connection and profile (``what_if=True`` shows them), so
:meth:`GraphRequest.url` is the URL the call would really send to.

URLs are built here and nowhere else: :func:`expand_path` fills the spec's
``http.path`` (one percent-encoded segment per ``{name}``), :func:`jobs_path` is
that for the job collection, and :func:`graph_url` puts endpoint, version and
path together.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping, Optional
from urllib.parse import quote

from ._spec import PATH_PLACEHOLDER, load_spec

if TYPE_CHECKING:
    from ._call_options import CallOptions

__all__ = ["GraphRequest", "DEFAULT_GRAPH_ENDPOINT", "DEFAULT_API_VERSION", "API_VERSIONS",
           "encode_json", "expand_path", "graph_url", "jobs_path", "PathValueError"]

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


class PathValueError(ValueError):
    """A value that cannot fill a ``{name}`` of a path: ``.`` or ``..``.

    Attributes:
        name: the placeholder (``application-id``).
        value: the value.
    """

    def __init__(self, name: str, value: str) -> None:
        super().__init__(f"'{value}' would change the request's path")
        self.name = name
        self.value = value


def expand_path(template: str, values: Mapping[str, str]) -> str:
    """``template`` (the spec's ``http.path``) with each ``{name}`` filled from ``values``.

    Every character outside RFC 3986's unreserved set is encoded (``safe=""``), so no
    value can add a path segment, a query or a fragment. ``.`` and ``..`` stay as they
    are under percent-encoding (and ``%2E`` means ``.``) and a URL reads them as path
    steps to another resource, so they raise :class:`PathValueError`.
    """
    def segment(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values[name]
        if value in (".", ".."):
            raise PathValueError(name, value)
        return quote(value, safe="")

    return PATH_PLACEHOLDER.sub(segment, template)


def jobs_path(application_id: str) -> str:
    """The job collection of an application: the spec's ``http.path`` for that id.

    ``/applications/{application-id}/synchronization/jobs``, the id percent-encoded
    by :func:`expand_path`.
    """
    cmdlet = load_spec().cmdlet
    (name,) = cmdlet.path_names  # the cmdlet addresses its collection by one key
    return expand_path(cmdlet.http_path, {name: application_id})


def graph_url(endpoint: str, api_version: str, path: str) -> str:
    """``{endpoint}/{api_version}{path}``: an absolute Graph URL (``path`` starts with ``/``)."""
    return f"{endpoint.rstrip('/')}/{api_version}{path}"


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
        success: the statuses that mean success (the spec's ``http.success`` for the
            cmdlet's request); empty: any 2xx.
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
    success: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def targeting(self, endpoint: str, api_version: str) -> "GraphRequest":
        """The same request aimed at another endpoint and API version."""
        return replace(self, endpoint=endpoint, api_version=api_version)

    def succeeded(self, status: int) -> bool:
        """Whether an answer with ``status`` is this request's success."""
        return status in self.success if self.success else 200 <= status < 300

    @property
    def content(self) -> bytes:
        """The exact bytes that go on the wire (empty without a body)."""
        return b"" if self.body is None else encode_json(self.body)

    def url(self, endpoint: Optional[str] = None, api_version: Optional[str] = None) -> str:
        """The absolute URL: the request's own target, or the endpoint and version given."""
        return graph_url(endpoint or self.endpoint, api_version or self.api_version, self.path)

    def to_dict(self, endpoint: Optional[str] = None,
                api_version: Optional[str] = None) -> dict[str, Any]:
        """A JSON-ready view, as ``what_if`` / ``-WhatIf`` show it."""
        headers = dict(self.headers)
        if self.body is not None:
            headers.setdefault("Content-Type", "application/json")
        return {"method": self.method, "url": self.url(endpoint, api_version),
                "headers": headers, "body": self.body,
                "parameterSet": self.parameter_set, "warnings": list(self.warnings)}
