"""The call behind ``new_application_synchronization_job`` and the PowerShell cmdlet.

:func:`invoke` is the one entry point both the Python API (generated in
``bridge/_generated/api.py``) and the PowerShell protocol use: bind the
parameters, then either return the request (what-if) or send it.
"""

from __future__ import annotations

import logging
import warnings as _warnings
from typing import TYPE_CHECKING, Any, Mapping, Optional, Protocol, Union

from ._binding import bind
from ._models import SynchronizationJob
from ._request import GraphRequest

if TYPE_CHECKING:  # the client pulls in httpx and msal; binding alone does not need them
    from ._client import GraphClient

__all__ = ["invoke", "bind_for", "BindingWarning", "OutcomeWarning", "emit_outcome_warning"]


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
    """Say an :class:`OutcomeWarning` through :mod:`warnings` and the ``bridge`` logger."""
    logger.warning(message)
    _warnings.warn(message, OutcomeWarning, stacklevel=5)


def invoke(parameters: Mapping[str, Any], *, what_if: bool = False,
           client: Optional["GraphClient"] = None,
           emit_warnings: bool = True) -> Union[SynchronizationJob, GraphRequest]:
    """Bind ``parameters`` (PowerShell names) and send the request, or return it.

    Parameters:
        parameters: parameter name -> value, as :func:`bridge._binding.bind` takes them.
        what_if: return the :class:`GraphRequest` without sending anything.
        client: the :class:`GraphClient` to send with (default: the connection
            made by :func:`bridge.connect`).
        emit_warnings: issue binding warnings through :mod:`warnings` and the
            ``bridge`` logger (the PowerShell protocol returns them instead).
    """
    request = bind_for(parameters, client, emit_warnings=emit_warnings)
    if what_if:
        return request
    if client is None:
        from ._client import get_default_client
        client = get_default_client()
    warn = emit_outcome_warning if emit_warnings else None
    return SynchronizationJob(client.create(request, warn=warn))


def bind_for(parameters: Mapping[str, Any], client: Optional["_Target"],
             *, emit_warnings: bool = True) -> GraphRequest:
    """Bind ``parameters`` and aim the request where the call would send it.

    The target is the one truth both faces show: ``client``'s endpoint and API
    version when given, otherwise the default connection's environment (Global
    when not connected) and the profile (:func:`bridge.select_profile`), which
    is what :func:`bridge._client.get_default_client` would send with.
    """
    request = bind(parameters)
    if emit_warnings:
        for message in request.warnings:
            logger.warning(message)
            _warnings.warn(message, BindingWarning, stacklevel=4)
    if client is not None:
        return request.targeting(client.endpoint, client.api_version)
    from ._auth import get_connection
    from ._client import get_profile
    connection = get_connection()
    endpoint = connection.environment.graph_endpoint \
        if connection is not None and not connection.closed else request.endpoint
    return request.targeting(endpoint, get_profile())
