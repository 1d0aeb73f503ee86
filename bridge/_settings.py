"""Session settings, as the SDK keeps them: the request context and the profile.

:func:`set_request_context` / :func:`get_request_context` are Set-/Get-MgRequestContext
(retry budget and client timeout); :func:`select_profile` / :func:`get_profile`
choose the API version (default v1.0). :func:`bridge._client.get_default_client`
builds its client from them.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from typing import Any

from ._exceptions import BindingError
from ._request import API_VERSIONS, DEFAULT_API_VERSION
from ._retry import DEFAULT_MAX_RETRY, DEFAULT_MAX_RETRY_TIME, DEFAULT_RETRY_DELAY, RetryPolicy

__all__ = ["RequestContext", "set_request_context", "get_request_context",
           "reset_request_context", "select_profile", "get_profile", "check_timeout",
           "DEFAULT_CLIENT_TIMEOUT"]

#: Set-MgRequestContext's ClientTimeout default: 300 s (the SDK's Constants.ClientTimeout).
DEFAULT_CLIENT_TIMEOUT = 300.0


@dataclass(frozen=True)
class RequestContext:
    """Get-MgRequestContext: the retry budget and the HTTP client timeout.

    Usage::

        >>> set_request_context(max_retry=5, client_timeout=60).to_dict()["MaxRetry"]
        5
        >>> get_request_context().client_timeout
        60

    Parameters (defaults: the SDK's, :mod:`bridge._retry`'s ``DEFAULT_*`` and
    :data:`DEFAULT_CLIENT_TIMEOUT`):
        max_retry: retries after the first attempt, 0..10.
        retry_delay: seconds, base of the backoff, 0..180.
        max_retry_time: seconds the retries may take, 0..180, 0 = 180 (RetriesTimeLimit).
        client_timeout: seconds for each HTTP request.
    """

    max_retry: int = DEFAULT_MAX_RETRY
    retry_delay: float = DEFAULT_RETRY_DELAY
    max_retry_time: float = DEFAULT_MAX_RETRY_TIME
    client_timeout: float = DEFAULT_CLIENT_TIMEOUT

    def __post_init__(self) -> None:
        self.retry_policy()  # validates the three retry settings
        check_timeout(self.client_timeout)

    def retry_policy(self) -> RetryPolicy:
        """The :class:`RetryPolicy` of these settings."""
        return RetryPolicy(self.max_retry, self.retry_delay, self.max_retry_time)

    def client_options(self) -> dict[str, Any]:
        """The keyword arguments of a client that follows these settings."""
        return {"max_retry": self.max_retry, "retry_delay": self.retry_delay,
                "max_retry_time": self.max_retry_time, "timeout": self.client_timeout}

    def to_dict(self) -> dict[str, Any]:
        """Get-MgRequestContext's properties (times in seconds)."""
        return {"ClientTimeout": self.client_timeout, "RetryDelay": self.retry_delay,
                "MaxRetry": self.max_retry, "RetriesTimeLimit": self.max_retry_time}


def check_timeout(value: Any) -> None:
    """Refuse a ClientTimeout that is not a number of seconds in (0, 86400] (BindingError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value <= 0 or value > 86400:
        raise BindingError("ClientTimeout must be a number of seconds in (0, 86400], "
                           f"got {value!r}.",
                           parameter="ClientTimeout", expected="(0, 86400] seconds", value=value)


_settings_lock = threading.Lock()
_request_context = RequestContext()
_profile = DEFAULT_API_VERSION
_UNSET: Any = object()


def set_request_context(*, max_retry: Any = _UNSET, retry_delay: Any = _UNSET,
                        max_retry_time: Any = _UNSET,
                        client_timeout: Any = _UNSET) -> RequestContext:
    """Like Set-MgRequestContext: change the settings given, keep the others; returns the result.

    Raises:
        BindingError: a value out of range (MaxRetry 0..10, RetryDelay 0..180,
            RetriesTimeLimit 0..180, ClientTimeout (0, 86400]).
    """
    global _request_context
    changes = {name: value for name, value in (("max_retry", max_retry),
                                               ("retry_delay", retry_delay),
                                               ("max_retry_time", max_retry_time),
                                               ("client_timeout", client_timeout))
               if value is not _UNSET}
    with _settings_lock:
        _request_context = replace(_request_context, **changes)
        return _request_context


def get_request_context() -> RequestContext:
    """Like Get-MgRequestContext."""
    return _request_context


def reset_request_context() -> RequestContext:
    """Back to the SDK defaults."""
    global _request_context
    with _settings_lock:
        _request_context = RequestContext()
        return _request_context


def select_profile(name: str) -> str:
    """Choose the API version for later calls: ``"v1.0"`` or ``"beta"``."""
    global _profile
    if not isinstance(name, str) or name.strip().lower() not in {v.lower() for v in API_VERSIONS}:
        raise BindingError(f"Unknown profile {name!r}; use one of {', '.join(API_VERSIONS)}.",
                           parameter="Name", expected=" or ".join(API_VERSIONS), value=name)
    with _settings_lock:
        _profile = next(v for v in API_VERSIONS if v.lower() == name.strip().lower())
        return _profile


def get_profile() -> str:
    """The API version in use (default ``v1.0``)."""
    return _profile

