"""The call behind ``new_application_synchronization_job`` and the PowerShell cmdlet.

:func:`invoke` is the one entry point both the Python API (generated in
``bridge/_generated/api.py``) and the PowerShell protocol use: bind the
parameters, then either return the request (what-if) or send it.
"""

from __future__ import annotations

import logging
import warnings as _warnings
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from ._binding import bind
from ._call_options import call_options
from ._models import SynchronizationJob
from ._request import GraphRequest

if TYPE_CHECKING:  # the client pulls in httpx and msal; binding alone does not need them
    from ._client import GraphClient

__all__ = ["invoke", "prepare", "send", "BindingWarning"]

logger = logging.getLogger("bridge")


class BindingWarning(UserWarning):
    """An input key was not a known property; it is sent as an additional property."""


def invoke(parameters: Mapping[str, Any], *, what_if: bool = False,
           client: Optional["GraphClient"] = None,
           emit_warnings: bool = True,
           proxy_environ: Optional[Mapping[str, str]] = None) -> Union[SynchronizationJob, GraphRequest]:
    """Bind ``parameters`` (PowerShell names) and send the request, or return it.

    Parameters:
        parameters: parameter name -> value, as :func:`bridge._binding.bind` takes them;
            the SDK's runtime parameters (``Proxy``, ``ProxyCredential``,
            ``ProxyUseDefaultCredentials``, ``HttpPipelineAppend``/``Prepend``) are
            read by :func:`bridge._call_options.call_options`.
        what_if: return the :class:`GraphRequest` without sending anything.
        client: the :class:`GraphClient` to send with (default: the connection
            made by :func:`bridge.connect`, or a client through the given proxy).
        emit_warnings: issue binding warnings through :mod:`warnings` and the
            ``bridge`` logger (the PowerShell protocol returns them instead).
        proxy_environ: the proxy variables ``ProxyUseDefaultCredentials`` reads
            (default: this process's environment).
    """
    request = prepare(parameters, proxy_environ=proxy_environ)
    if emit_warnings:
        for message in request.warnings:
            logger.warning(message)
            _warnings.warn(message, BindingWarning, stacklevel=3)
    if what_if:
        return request
    return SynchronizationJob(send(request, client))


def prepare(parameters: Mapping[str, Any], *,
            proxy_environ: Optional[Mapping[str, str]] = None) -> GraphRequest:
    """Bind a call and read its runtime options into ``request.options``.

    Raises BindingError before anything is sent.
    """
    options = call_options(parameters, target=_endpoint, environ=proxy_environ)
    request = bind(parameters)
    return replace(request, warnings=request.warnings + options.warnings, options=options)


def send(request: GraphRequest, client: Optional["GraphClient"] = None) -> dict[str, Any]:
    """Create the job: with ``client``, or the default client, or one through the call's proxy."""
    owned = False
    if client is None:
        from ._client import client_for_call
        client, owned = client_for_call(request.options)
    try:
        return client.create(request)
    finally:
        if owned:
            client.close()


def _endpoint() -> str:
    # The Graph endpoint the call goes to, for the environment's proxy choice (no client needed).
    from ._auth import get_connection
    conn = get_connection()
    if conn is not None and not conn.closed:
        return conn.environment.graph_endpoint
    return "https://graph.microsoft.com"
