"""Access tokens: the value, what a token source must offer, and what a JWT claims.

Every sign-in method ends in a :class:`TokenProvider` handing out
:class:`AccessToken` values; :func:`token_claims` reads a token's payload (for
Get-MgContext's display only, never to trust it).
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = ["AccessToken", "TokenProvider", "token_claims", "REFRESH_MARGIN"]

#: Seconds before expiry at which a token counts as expired (msal's five minutes).
REFRESH_MARGIN = 300.0


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when it expires. The token never appears in ``repr``.

    Usage::

        >>> token = AccessToken("eyJ...", expires_on=1_900_000_000)
        >>> token
        AccessToken(token=<redacted>, expires_on=2030-03-17T17:46:40+00:00)
        >>> headers = {"Authorization": f"Bearer {token.token}"}

    Parameters:
        token: the bearer token.
        expires_on: expiry as seconds since the epoch.
    """

    token: str = field(repr=False)
    expires_on: float

    def __repr__(self) -> str:
        moment = _dt.datetime.fromtimestamp(self.expires_on, _dt.timezone.utc)
        return f"AccessToken(token=<redacted>, expires_on={moment.isoformat(timespec='seconds')})"

    def expires_within(self, seconds: float) -> bool:
        """True when fewer than ``seconds`` remain."""
        return self.expires_on - time.time() < seconds


@runtime_checkable
class TokenProvider(Protocol):
    """What a connection needs from a sign-in method: a valid token on demand."""

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        """A token valid for Graph; ``force_refresh`` bypasses any cached token."""
        ...


def token_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (for the context display only); {} if not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return payload if isinstance(payload, dict) else {}
