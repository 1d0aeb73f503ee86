"""The one table from Python exceptions to PowerShell ErrorRecord ids and categories.

The shim does not interpret errors: it builds the ErrorRecord from what
:func:`error_to_dict` says. Most specific class first; the first match wins::

    Python class            errorId                  ErrorCategory
    ParameterSetError       AmbiguousParameterSet    InvalidArgument
    BindingError            BindingError             InvalidArgument
    SpecError               SpecError                InvalidData
    AuthenticationError     AuthenticationError      AuthenticationError
    BridgeTimeoutError      Timeout                  OperationTimeout
    RetryExhaustedError     RetryExhausted           LimitsExceeded
    NetworkError            NetworkError             ConnectionError
    TransportError          TransportError           ConnectionError
    GraphError              <Graph error code>       InvalidOperation
    VersionMismatch         VersionMismatch          NotInstalled
    ProtocolError           ProtocolError            ProtocolError
    Cancelled               OperationStopped         OperationStopped
    BridgeError             BridgeError              NotSpecified
    any other Exception     InternalError            NotSpecified

For a GraphError the shim completes the SDK's FullyQualifiedErrorId,
``<code>,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_<Set>``.
Messages pass through :func:`bridge._redact.redact`; tracebacks never travel.
"""

from __future__ import annotations

from typing import Any, Optional

from bridge._exceptions import (AuthenticationError, BindingError, BridgeError, GraphError,
                                NetworkError, ParameterSetError, ProtocolError,
                                RetryExhaustedError, SpecError, TimeoutError_, TransportError)
from bridge._redact import redact

__all__ = ["Cancelled", "ERROR_TABLE", "VersionMismatch", "error_to_dict", "lookup"]


class Cancelled(BridgeError):
    """The caller cancelled the request (Ctrl+C / StopProcessing) before it finished."""

    error_id = "OperationStopped"
    category = "OperationStopped"


class VersionMismatch(ProtocolError):
    """The PowerShell module and this core are different package versions (``hello``'s ``module``).

    The message names both versions and the command that installs the matching core.
    """

    error_id = "VersionMismatch"
    category = "NotInstalled"

    def __init__(self, module: str, core: str, python: str) -> None:
        super().__init__(
            f"The MgBridge module {module} met the Python core mgbridge {core} ({python}); "
            f"they must be the same version. Fix: & '{python}' -m pip install mgbridge=={module}")
        self.module = module
        self.core = core
        self.python = python


# (class, errorId or None for "the Graph error code", ErrorCategory name)
ERROR_TABLE: tuple[tuple[type[BaseException], Optional[str], str], ...] = (
    (ParameterSetError, "AmbiguousParameterSet", "InvalidArgument"),
    (BindingError, "BindingError", "InvalidArgument"),
    (SpecError, "SpecError", "InvalidData"),
    (AuthenticationError, "AuthenticationError", "AuthenticationError"),
    (TimeoutError_, "Timeout", "OperationTimeout"),
    (RetryExhaustedError, "RetryExhausted", "LimitsExceeded"),
    (NetworkError, "NetworkError", "ConnectionError"),
    (TransportError, "TransportError", "ConnectionError"),
    (GraphError, None, "InvalidOperation"),
    (VersionMismatch, "VersionMismatch", "NotInstalled"),
    (ProtocolError, "ProtocolError", "ProtocolError"),
    (Cancelled, "OperationStopped", "OperationStopped"),
    (BridgeError, "BridgeError", "NotSpecified"),
    (Exception, "InternalError", "NotSpecified"),
)


def lookup(exc: BaseException) -> tuple[str, str]:
    """The errorId and category of an exception, by the table."""
    for cls, error_id, category in ERROR_TABLE:
        if isinstance(exc, cls):
            if error_id is None:
                error_id = str(getattr(exc, "code", None) or getattr(exc, "error_id", cls.__name__))
            return error_id, category
    return "InternalError", "NotSpecified"  # pragma: no cover - Exception matches everything


def error_to_dict(exc: BaseException) -> dict[str, Any]:
    """The wire form of an error: the core's to_dict() plus the table's id and category."""
    error_id, category = lookup(exc)
    if isinstance(exc, BridgeError):
        data = exc.to_dict()
    else:
        # Not one of ours: a bug. Say what it was, without a traceback or any value.
        data = {"type": type(exc).__name__,
                "message": f"Internal error in the bridge core: {type(exc).__name__}: {exc}"}
    data["errorId"] = error_id
    data["category"] = category
    data["type"] = data.get("type") or type(exc).__name__
    for key, value in list(data.items()):
        if isinstance(value, str):
            data[key] = redact(value)
    if isinstance(exc, GraphError):
        data.setdefault("status", exc.status)
    return data
