"""The whole error tree of the bridge.

Every error a caller can see is one of these; foreign exceptions (httpx, msal,
OS errors) are translated at a single seam and chained with ``from exc``::

    BridgeError
    ├── SpecError              the YAML spec is inconsistent (a bug of ours)
    ├── BindingError           bad input: parameter set, missing/extra parameter,
    │   │                      wrong type or value at a key path; nothing was sent
    │   └── ParameterSetError  the parameter set cannot be resolved
    ├── AuthenticationError    no connection, or the identity provider said no
    ├── TransportError         the request did not get a Graph answer
    │   ├── BridgeTimeoutError connect/read/write/pool timed out (also a built-in
    │   │                      TimeoutError; ``TimeoutError_`` is its old name)
    │   ├── NetworkError       connection refused, reset, dropped, TLS failure
    │   └── RetryExhaustedError  throttled/unavailable until the retry budget ran out
    ├── GraphError             Graph answered with an OData error envelope
    └── ProtocolError          a malformed message on the PowerShell bridge protocol

Each class has a stable ``error_id`` that the PowerShell shim uses as the
FullyQualifiedErrorId prefix, and a PowerShell ``category``
(System.Management.Automation.ErrorCategory name). Both come from one table,
:data:`ERROR_IDS`, which :mod:`bridge.protocol` reads too.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

__all__ = [
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


# -- The one table of error ids ------------------------------------------------------------
#: Class name -> (errorId, ErrorCategory), most specific class first. ``errorId`` is the
#: FullyQualifiedErrorId prefix (``None``: the Graph error code of the answer). Each class
#: below takes its ``error_id`` and ``category`` from its row when it is defined
#: (:meth:`BridgeError.__init_subclass__`), and :data:`bridge.protocol.ERROR_TABLE` resolves
#: the names to classes, so the PowerShell shim's ErrorRecords and ``to_dict()`` agree.
#: Rows name classes rather than hold them because two (``VersionMismatch``, ``Cancelled``)
#: are bridge.protocol's, which imports this module. docs/protocol.md's table is generated
#: from this one (``scripts/generate``).
ERROR_IDS: dict[str, tuple[Optional[str], str]] = {
    "ParameterSetError": ("AmbiguousParameterSet", "InvalidArgument"),
    "BindingError": ("BindingError", "InvalidArgument"),
    "SpecError": ("SpecError", "InvalidData"),
    "AuthenticationError": ("AuthenticationError", "AuthenticationError"),
    "BridgeTimeoutError": ("Timeout", "OperationTimeout"),
    "RetryExhaustedError": ("RetryExhausted", "LimitsExceeded"),
    "NetworkError": ("NetworkError", "ConnectionError"),
    "TransportError": ("TransportError", "ConnectionError"),
    "GraphError": (None, "InvalidOperation"),
    "VersionMismatch": ("VersionMismatch", "NotInstalled"),
    "ProtocolError": ("ProtocolError", "ProtocolError"),
    "Cancelled": ("OperationStopped", "OperationStopped"),
    "BridgeError": ("BridgeError", "NotSpecified"),
    "Exception": ("InternalError", "NotSpecified"),  # not ours: a bug in the core
}


def _take_row(cls: type["BridgeError"]) -> None:
    """Set ``cls.error_id`` / ``cls.category`` from its row of :data:`ERROR_IDS`, if it has one."""
    row = ERROR_IDS.get(cls.__name__) if cls.__module__.startswith("bridge.") else None
    if row is None:
        return  # a subclass without a row (a caller's own) keeps its base's id
    error_id, category = row
    if error_id is not None:
        cls.error_id = error_id
    cls.category = category


class BridgeError(Exception):
    """Base class of every error raised by the bridge."""

    #: The errorId and ErrorCategory of the class, from :data:`ERROR_IDS`.
    error_id: str
    category: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _take_row(cls)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, used by the PowerShell protocol."""
        return {"type": type(self).__name__, "errorId": self.error_id,
                "category": self.category, "message": str(self)}


_take_row(BridgeError)


class SpecError(BridgeError):
    """The spec files are inconsistent; a bug in the package, not in the input."""


class BindingError(BridgeError, ValueError):
    """Input that cannot be bound to the cmdlet's contract. Nothing was sent.

    Attributes:
        parameter: the PowerShell parameter name (``"BodyParameter"``), or None.
        path: the full key path (``"BodyParameter.Schema.Directories[0].Name"``),
            or the parameter name when the problem is the whole value.
        expected: what would have been accepted, in words.
        value: the offending value's repr (truncated), or None.
    """

    def __init__(self, message: str, *, parameter: Optional[str] = None,
                 path: Optional[str] = None, expected: Optional[str] = None,
                 value: Any = None) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.path = path or parameter
        self.expected = expected
        self.value = value

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data.update(parameter=self.parameter, path=self.path, expected=self.expected)
        return data


class ParameterSetError(BindingError):
    """The supplied parameters match no parameter set, or more than one."""


class AuthenticationError(BridgeError):
    """Not connected, or the identity provider refused to issue a token."""


class TransportError(BridgeError):
    """The request did not reach Graph, or no Graph answer came back.

    Attributes:
        request_sent: what the exception seam knew of the request: False when it
            certainly did not leave (safe to send again), True when it may have
            reached the server (its outcome is unknown), None when not known.
    """

    request_sent: Optional[bool] = None


class BridgeTimeoutError(TransportError, TimeoutError):
    """A connect, read, write or pool timeout expired (``except TimeoutError`` catches it)."""


#: The name before 0.2; kept so existing ``except bridge.TimeoutError_`` keeps working.
TimeoutError_ = BridgeTimeoutError


class NetworkError(TransportError):
    """The connection failed: refused, reset, dropped or TLS verification failed."""


class RetryExhaustedError(TransportError):
    """Graph kept throttling (429) or being unavailable (503/504) past the retry budget.

    Attributes:
        last_error: the :class:`GraphError` of the last answer (also ``__cause__``).
        attempts: how many times the request was sent.
    """

    def __init__(self, message: str, *, last_error: Optional["GraphError"] = None,
                 attempts: Optional[int] = None) -> None:
        super().__init__(message)
        self.last_error = last_error
        self.attempts = attempts

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data.update(attempts=self.attempts,
                    lastError=self.last_error.to_dict() if self.last_error else None)
        return data


class GraphError(BridgeError):
    """Graph answered with an error status and (usually) an OData error envelope.

    Attributes:
        status: HTTP status code.
        code: Graph's ``error.code`` (``"Request_ResourceNotFound"``).
        message: Graph's ``error.message``.
        request_id / client_request_id / date: from ``error.innerError`` or headers.
        inner_error: the raw ``innerError`` mapping.
    """

    def __init__(self, status: int, code: str, message: str, *,
                 request_id: Optional[str] = None,
                 client_request_id: Optional[str] = None,
                 date: Optional[str] = None,
                 inner_error: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(f"[{code}] : {message}")
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.date = date
        self.inner_error = dict(inner_error or {})

    @property
    def error_id(self) -> str:  # type: ignore[override]
        return self.code

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data.update(status=self.status, code=self.code, graphMessage=self.message,
                    requestId=self.request_id, clientRequestId=self.client_request_id,
                    date=self.date, innerError=self.inner_error)
        return data


class ProtocolError(BridgeError):
    """A malformed or unsupported message on the bridge protocol."""

