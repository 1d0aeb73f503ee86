"""The call behind ``new_application_synchronization_job`` and the PowerShell cmdlet.

:func:`invoke` is the one entry point both the Python API (generated in
``bridge/_generated/api.py``) and the PowerShell protocol use: bind the
parameters, then either return the request (what-if) or send it.
"""

from __future__ import annotations

import logging
import warnings as _warnings
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Protocol, Union

from ._binding import bind
from ._call_options import call_options
from ._generated.models import SynchronizationJob
from ._request import GraphRequest

if TYPE_CHECKING:  # the client pulls in httpx and msal; binding alone does not need them
    from ._client import GraphClient

__all__ = ["invoke", "bind_for", "send", "BindingWarning", "OutcomeWarning", "emit_outcome_warning"]


class _Target(Protocol):
    """What aims a request: a sync or an async client."""

    @property
    def endpoint(self) -> str: ...

    api_version: str

logger = logging.getLogger("bridge")


class BindingWarning(UserWarning):
    """An input key was not a known property; it is sent as an additional property."""


class OutcomeWarning(UserWarning):
    """Graph's answer to a create was lost; the object returned was found by listing."""


def emit_outcome_warning(message: str) -> None:
    """Say an :class:`OutcomeWarning` through :mod:`warnings` and the ``bridge`` logger.

    Called by :func:`invoke` (sync or ``bridge.aio``'s) once the create returned, so the
    warning points at the caller's line: this function, invoke, the generated function,
    the caller.
    """
    logger.warning(message)
    _warnings.warn(message, OutcomeWarning, stacklevel=4)


def invoke(parameters: Mapping[str, Any], *, what_if: bool = False,
           client: Optional["GraphClient"] = None,
           emit_warnings: bool = True,
           proxy_environ: Optional[Mapping[str, str]] = None) -> Union[SynchronizationJob, GraphRequest]:
    """Bind ``parameters`` (PowerShell names) and send the request, or return it.

    Parameters:
        parameters: parameter name -> value, as :func:`bridge._binding.bind` takes them;
            the SDK's runtime parameters (``Proxy``, ``ProxyCredential``,
            ``ProxyUseDefaultCredentials``, ``HttpPipelineAppend``/``Prepend``) are
            read by :func:`bridge._call_options.call_options` into ``request.options``.
        what_if: return the :class:`GraphRequest` without sending anything.
        client: the :class:`GraphClient` to send with (default: the connection
            made by :func:`bridge.connect`, through the call's proxy when it has one).
        emit_warnings: issue binding warnings through :mod:`warnings` and the
            ``bridge`` logger (the PowerShell protocol returns them instead).
        proxy_environ: the proxy variables ``ProxyUseDefaultCredentials`` reads
            (default: this process's environment).
    """
    request = bind_for(parameters, client, emit_warnings=emit_warnings,
                       proxy_environ=proxy_environ)
    if what_if:
        return request
    said: list[str] = []
    job = SynchronizationJob(send(request, client, warn=said.append if emit_warnings else None))
    for message in said:
        emit_outcome_warning(message)
    return job


def send(request: GraphRequest, client: Optional["GraphClient"] = None, *,
         warn: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
    """Create the job: with ``client``, or the default client, or one through the call's proxy."""
    owned = False
    if client is None:
        from ._client import client_for_call
        client, owned = client_for_call(request.options)
    try:
        return client.create(request, warn=warn)
    finally:
        if owned:
            client.close()


def bind_for(parameters: Mapping[str, Any], client: Optional["_Target"],
             *, emit_warnings: bool = True,
             proxy_environ: Optional[Mapping[str, str]] = None) -> GraphRequest:
    """Bind ``parameters`` and aim the request where the call would send it.

    The target is the one truth both faces show: ``client``'s endpoint and API
    version when given, otherwise the default connection's environment (Global
    when not connected) and the profile (:func:`bridge.select_profile`), which
    is what :func:`bridge._client.get_default_client` would send with. The call's
    runtime options (proxy) ride along in ``request.options``.
    """
    options = call_options(parameters, target=lambda: _target_endpoint(client),
                           environ=proxy_environ)
    request = bind(parameters)
    request = replace(request, warnings=request.warnings + options.warnings, options=options)
    if emit_warnings:
        for message in request.warnings:
            logger.warning(message)
            _warnings.warn(message, BindingWarning, stacklevel=4)
    if client is not None:
        return request.targeting(client.endpoint, client.api_version)
    from ._auth import get_connection
    from ._settings import get_profile
    connection = get_connection()
    endpoint = connection.environment.graph_endpoint \
        if connection is not None and not connection.closed else request.endpoint
    return request.targeting(endpoint, get_profile())


def _target_endpoint(client: Optional["_Target"]) -> str:
    # Where the call goes, for the environment's proxy choice (-ProxyUseDefaultCredentials).
    if client is not None:
        return client.endpoint
    from ._auth import get_connection
    connection = get_connection()
    if connection is not None and not connection.closed:
        return connection.environment.graph_endpoint
    return GraphRequest("GET", "/").endpoint
