"""Who is calling: Python code, or a PowerShell cmdlet through the protocol.

Messages that tell the caller what to do next name the call in the caller's
language: ``bridge.connect(...)`` from Python, ``Connect-MgGraph`` from
PowerShell. The protocol's :func:`~bridge.protocol.dispatch` runs each message
inside :func:`powershell_caller`; everything else is Python. A context
variable, so each thread and each asyncio task sees its own caller.

Usage::

    raise AuthenticationError(missing_auth_context())
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Iterator

__all__ = ["powershell_caller", "is_powershell", "call_hint", "missing_auth_context",
           "expired_user_token", "invalid_user_token", "MISSING_AUTH_CONTEXT"]

_powershell: contextvars.ContextVar[bool] = contextvars.ContextVar("bridge_powershell_caller",
                                                                   default=False)

#: The SDK's ErrorConstants.Message.MissingAuthContext (what PowerShell callers see).
MISSING_AUTH_CONTEXT = "Authentication needed. Please call Connect-MgGraph."


@contextmanager
def powershell_caller() -> Iterator[None]:
    """Within this block, messages name PowerShell commands."""
    token = _powershell.set(True)
    try:
        yield
    finally:
        _powershell.reset(token)


def is_powershell() -> bool:
    """True while a PowerShell cmdlet's call is being handled."""
    return _powershell.get()


def call_hint(python: str, powershell: str) -> str:
    """``python`` or ``powershell``, whichever the caller writes."""
    return powershell if _powershell.get() else python


def missing_auth_context() -> str:
    """Not connected: what to call first."""
    if _powershell.get():
        return MISSING_AUTH_CONTEXT
    return ("Authentication needed. Please call bridge.connect(...) first, or pass "
            "client=GraphClient(credential=...).")


def expired_user_token() -> str:
    """A caller-supplied access token has expired."""
    where = call_hint("bridge.connect(access_token=...)", "`-AccessToken` parameter")
    return f"The provided access token has expired. Set a valid access token to {where} and try again."


def invalid_user_token() -> str:
    """A caller-supplied access token is not a JWT with an expiry."""
    where = call_hint("bridge.connect(access_token=...)", "`-AccessToken` parameter")
    return f"The provided access token is invalid. Set a valid access token to {where} and try again."
