"""bridge: Microsoft Graph's New-MgApplicationSynchronizationJob, from Python and PowerShell.

Usage::

    import bridge
    bridge.connect(client_id=..., tenant_id=..., client_secret=...)
    job = bridge.new_application_synchronization_job(
        application_id="5e2c...", template_id="scim", schedule_interval="PT40M")
    job.id, job.schedule.interval

    # what the call would send, without sending it:
    request = bridge.new_application_synchronization_job(
        application_id="5e2c...", body_parameter={"templateId": "scim"}, what_if=True)
    request.url(), request.content      # the URL the call would use, the exact body

    # any azure-core TokenCredential (azure.identity's, or your own):
    bridge.connect(credential=DefaultAzureCredential())

    # async: the same names as coroutines
    import bridge.aio
    job = await bridge.aio.new_application_synchronization_job(application_id=..., template_id=...)

Typed to the leaves (``bridge.models``); errors are one tree under :class:`BridgeError`.
"""

from . import _lean_imports  # noqa: F401  (first: before anything imports httpx)
import importlib as _importlib
import logging as _logging
from typing import TYPE_CHECKING as _TYPE_CHECKING, Any as _Any

# The public names are imported on first use (PEP 562): ``import bridge`` stays cheap, and the
# subprocess helper (``python -m bridge.protocol``, which imports this package first) answers
# 'hello' before httpx and msal are loaded, which it then does on a thread while PowerShell
# prepares its first call (docs/performance.md, cold start). Where each name lives; the block
# below says the same to type checkers (tests/python/core/test_exported_members.py keeps them equal).
_EXPORTS = {
    "BindingWarning": "_api",
    "OutcomeWarning": "_api",
    "connect": "_auth",
    "disconnect": "_auth",
    "get_connection": "_auth",
    "get_context": "_auth",
    "Connection": "_connection",
    "AuthType": "_context",
    "Context": "_context",
    "ContextScope": "_context",
    "TokenCredentialType": "_context",
    "ClientSecretPair": "_sign_in",
    "AccessToken": "_tokens",
    "TokenProvider": "_tokens",
    "AccessTokenLike": "_credentials",
    "AsyncTokenCredential": "_credentials",
    "TokenCredential": "_credentials",
    "GraphClient": "_client",
    "get_default_client": "_client",
    "RequestContext": "_settings",
    "get_profile": "_settings",
    "get_request_context": "_settings",
    "reset_request_context": "_settings",
    "select_profile": "_settings",
    "set_request_context": "_settings",
    "GraphEnvironment": "_environments",
    "add_environment": "_environments",
    "get_environment": "_environments",
    "remove_environment": "_environments",
    "RetryPolicy": "_retry",
    "capture_http_debug": "_http_log",
    "GraphResponse": "_response",
    "UNSET": "_binding",
    "bind": "_binding",
    "AuthenticationError": "_exceptions",
    "BindingError": "_exceptions",
    "BridgeError": "_exceptions",
    "GraphError": "_exceptions",
    "NetworkError": "_exceptions",
    "ParameterSetError": "_exceptions",
    "ProtocolError": "_exceptions",
    "RetryExhaustedError": "_exceptions",
    "SpecError": "_exceptions",
    "BridgeTimeoutError": "_exceptions",
    "TimeoutError_": "_exceptions",
    "TransportError": "_exceptions",
    "new_application_synchronization_job": "_generated.api",
    "SynchronizationJob": "_generated.models",
    "GraphModel": "_models",
    "GraphRequest": "_request",
}

if _TYPE_CHECKING:
    from ._api import BindingWarning, OutcomeWarning

    from ._auth import connect, disconnect, get_connection, get_context
    from ._connection import Connection
    from ._context import AuthType, Context, ContextScope, TokenCredentialType
    from ._sign_in import ClientSecretPair
    from ._tokens import AccessToken, TokenProvider
    from ._credentials import AccessTokenLike, AsyncTokenCredential, TokenCredential
    from ._client import GraphClient, get_default_client
    from ._settings import (RequestContext, get_profile, get_request_context, reset_request_context,
                            select_profile, set_request_context)
    from ._environments import GraphEnvironment, add_environment, get_environment, remove_environment
    from ._retry import RetryPolicy
    from ._http_log import capture_http_debug
    from ._response import GraphResponse
    from ._binding import UNSET, bind
    from ._exceptions import (AuthenticationError, BindingError, BridgeError, GraphError,
                              NetworkError, ParameterSetError, ProtocolError, RetryExhaustedError,
                              SpecError, BridgeTimeoutError, TimeoutError_, TransportError)
    from ._generated.api import new_application_synchronization_job
    from ._generated.models import SynchronizationJob
    from ._models import GraphModel
    from ._request import GraphRequest

from ._version import __version__

__all__ = [
    "new_application_synchronization_job",
    "connect",
    "disconnect",
    "get_context",
    "get_connection",
    "Connection",
    "Context",
    "AccessToken",
    "TokenProvider",
    "ClientSecretPair",
    "TokenCredential",
    "AsyncTokenCredential",
    "AccessTokenLike",
    "AuthType",
    "TokenCredentialType",
    "ContextScope",
    "GraphEnvironment",
    "add_environment",
    "get_environment",
    "remove_environment",
    "GraphClient",
    "get_default_client",
    "RequestContext",
    "set_request_context",
    "get_request_context",
    "reset_request_context",
    "select_profile",
    "get_profile",
    "RetryPolicy",
    "GraphResponse",
    "capture_http_debug",
    "bind",
    "UNSET",
    "GraphRequest",
    "GraphModel",
    "SynchronizationJob",
    "BindingWarning",
    "OutcomeWarning",
    "BridgeError",
    "SpecError",
    "BindingError",
    "ParameterSetError",
    "AuthenticationError",
    "TransportError",
    "BridgeTimeoutError",
    "TimeoutError_",
    "NetworkError",
    "RetryExhaustedError",
    "GraphError",
    "ProtocolError",
]

# A library does not print by itself: without logging configured, the ``bridge.*``
# records (binding and outcome warnings, which also go through ``warnings``) stay quiet.
_logging.getLogger("bridge").addHandler(_logging.NullHandler())


def __getattr__(name: str) -> _Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(_importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value
    # Old names kept working, with a warning, so existing scripts do not break.
    if name == "ClientSecretCredential":
        import warnings
        warnings.warn("bridge.ClientSecretCredential is now bridge.ClientSecretPair (the old name "
                      "is azure-identity's credential class, which has another signature; pass "
                      "such credentials as connect(credential=...))",
                      DeprecationWarning, stacklevel=2)
        return __getattr__("ClientSecretPair")
    raise AttributeError(f"module 'bridge' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
