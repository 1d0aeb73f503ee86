"""Errors on the wire: the one error table with its classes, and each error's message form.

The shim does not interpret errors: it builds the ErrorRecord from what
:func:`error_to_dict` says. The ids and categories are the one table of
:data:`bridge._exceptions.ERROR_IDS`; :data:`ERROR_TABLE` is that table with the
classes resolved, most specific first, and the first match wins (docs/protocol.md
shows it, generated). Errors only the shim raises are in :data:`SHIM_ERROR_IDS`.

For a GraphError the shim completes the SDK's FullyQualifiedErrorId,
``<code>,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_<Set>``.
Messages pass through :func:`bridge._redact.redact`; tracebacks never travel.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

from bridge import _exceptions
from bridge._exceptions import ERROR_IDS, BridgeError, GraphError, ProtocolError
from bridge._redact import redact

__all__ = ["Cancelled", "ERROR_TABLE", "SHIM_ERROR_IDS", "VersionMismatch", "error_to_dict",
           "lookup"]


class Cancelled(BridgeError):
    """The caller cancelled the request (Ctrl+C / StopProcessing) before it finished."""


class VersionMismatch(ProtocolError):
    """The PowerShell module and this core are different package versions (``hello``'s ``module``).

    The message names both versions and the command that installs the matching core.
    """

    def __init__(self, module: str, core: str, python: str) -> None:
        super().__init__(
            f"The MgBridge module {module} met the Python core mgbridge {core} ({python}); "
            f"they must be the same version. Fix: & '{python}' -m pip install mgbridge=={module}")
        self.module = module
        self.core = core
        self.python = python


def _resolve(name: str) -> type[BaseException]:
    cls = globals().get(name) or getattr(_exceptions, name, None) or getattr(builtins, name)
    assert isinstance(cls, type) and issubclass(cls, BaseException), name
    return cls


#: (class, errorId or None for "the Graph error code", ErrorCategory name), most specific
#: first: :data:`bridge._exceptions.ERROR_IDS` with its class names resolved.
ERROR_TABLE: tuple[tuple[type[BaseException], Optional[str], str], ...] = tuple(
    (_resolve(name), error_id, category) for name, (error_id, category) in ERROR_IDS.items())

#: errorId -> ErrorCategory of the errors the PowerShell shim makes itself, beside the
#: table's ids it reuses (ProtocolError, VersionMismatch, InternalError): the helper
#: process exited. Listed so the documented table is whole and the shim is checked against it.
SHIM_ERROR_IDS: dict[str, str] = {"HelperExited": "ResourceUnavailable"}

_FOREIGN_ID, _FOREIGN_CATEGORY = ERROR_IDS["Exception"]


def lookup(exc: BaseException) -> tuple[str, str]:
    """The errorId and category of an exception, by the table."""
    for cls, error_id, category in ERROR_TABLE:
        if isinstance(exc, cls):
            if error_id is None:
                error_id = str(getattr(exc, "code", None) or getattr(exc, "error_id", cls.__name__))
            return error_id, category
    return str(_FOREIGN_ID), _FOREIGN_CATEGORY  # a BaseException that is no Exception (KeyboardInterrupt)


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
