"""The call behind ``new_application_synchronization_job`` and the PowerShell cmdlet.

:func:`invoke` is the one entry point both the Python API (generated in
``bridge/_generated/api.py``) and the PowerShell protocol use: bind the
parameters, then either return the request (what-if) or send it.
"""

from __future__ import annotations

import logging
import warnings as _warnings
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from ._binding import bind
from ._models import SynchronizationJob
from ._request import GraphRequest

if TYPE_CHECKING:  # the client pulls in httpx and msal; binding alone does not need them
    from ._client import GraphClient

__all__ = ["invoke", "BindingWarning", "OutcomeWarning"]

logger = logging.getLogger("bridge")


class BindingWarning(UserWarning):
    """An input key was not a known property; it is sent as an additional property."""


class OutcomeWarning(UserWarning):
    """Graph's answer to a create was lost; the object returned was found by listing."""


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
    request = bind(parameters)
    if emit_warnings:
        for message in request.warnings:
            logger.warning(message)
            _warnings.warn(message, BindingWarning, stacklevel=3)
    if what_if:
        return request
    if client is None:
        from ._client import get_default_client
        client = get_default_client()
    warn = _emit_warning if emit_warnings else None
    return SynchronizationJob(client.create(request, warn=warn))


def _emit_warning(message: str) -> None:
    logger.warning(message)
    _warnings.warn(message, OutcomeWarning, stacklevel=4)
