"""Remove secrets from anything that is logged, raised or repr'd.

One function, :func:`redact`, is used for every string that leaves the bridge
through a log record, an exception message or a ``repr``. It removes:

* ``Authorization`` / ``X-IDENTITY-HEADER`` / ``secret`` / ``Metadata``-style
  header values (``Bearer eyJ...`` becomes ``Bearer <redacted>``);
* JWTs anywhere (three base64url segments, the first starting with ``eyJ``),
  which covers access tokens, id tokens and client assertions;
* the values of secret-bearing fields in JSON bodies and form-encoded bodies:
  ``access_token``, ``refresh_token``, ``id_token``, ``client_secret``,
  ``client_assertion``, ``assertion``, ``password``, ``device_code``, ``secret``
  (not ``code``: Graph's error envelopes use it for the error code);
* every exact string registered with :func:`register_secret` (client secrets
  and caller-supplied tokens, which have no recognisable shape of their own).

Usage::

    >>> from bridge._redact import redact, register_secret
    >>> register_secret("s3cr3t-value")
    >>> redact("client_secret=s3cr3t-value&grant_type=client_credentials")
    'client_secret=<redacted>&grant_type=client_credentials'
"""

from __future__ import annotations

import re
import threading
from typing import Iterable, Mapping

__all__ = ["REDACTED", "redact", "redact_headers", "register_secret", "forget_secret"]

REDACTED = "<redacted>"

# Field names whose values are secrets, in JSON ("name": "value") and in
# application/x-www-form-urlencoded bodies (name=value&...).
_SECRET_FIELDS = ("access_token", "refresh_token", "id_token", "client_secret",
                  "client_assertion", "assertion", "password", "device_code", "secret")

_JSON_FIELD = re.compile(
    r'("(?:' + "|".join(_SECRET_FIELDS) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
_FORM_FIELD = re.compile(
    r"(?<![A-Za-z0-9_])((?:" + "|".join(_SECRET_FIELDS) + r")=)[^&\s\"']+", re.IGNORECASE)
# A JWT: header.payload.signature, the header always starts with '{"' -> 'eyJ'.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
# "Bearer <anything>" in headers or messages.
_BEARER = re.compile(r"(\b(?:Bearer|Basic|PoP)\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)

# Header names whose whole value is a secret.
_SECRET_HEADERS = frozenset({"authorization", "x-identity-header", "secret",
                             "proxy-authorization", "cookie", "set-cookie"})

_lock = threading.Lock()
_registered: set[str] = set()
_MIN_SECRET_LENGTH = 4  # shorter strings would blank out ordinary words


def register_secret(value: str | None) -> None:
    """Remember an exact secret string so that :func:`redact` removes it anywhere.

    Used for client secrets, certificate passwords and caller-supplied access
    tokens. Values shorter than four characters are ignored (they would
    redact ordinary text, and are no real secret anyway).
    """
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _lock:
            _registered.add(value)


def forget_secret(value: str | None) -> None:
    """Stop redacting a value registered earlier (on disconnect)."""
    if value:
        with _lock:
            _registered.discard(value)


def redact(text: object) -> str:
    """Return ``str(text)`` with every secret replaced by ``<redacted>``.

    Parameters:
        text: any object; it is converted with ``str`` first.
    """
    out = text if isinstance(text, str) else str(text)
    with _lock:
        secrets = sorted(_registered, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, REDACTED)
    out = _JSON_FIELD.sub(lambda m: m.group(1) + '"' + REDACTED + '"', out)
    out = _FORM_FIELD.sub(lambda m: m.group(1) + REDACTED, out)
    out = _BEARER.sub(lambda m: m.group(1) + REDACTED, out)
    out = _JWT.sub(REDACTED, out)
    return out


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers as ``(name, value)`` pairs, secret headers blanked, the rest :func:`redact`-ed."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    result: list[tuple[str, str]] = []
    for name, value in items:
        if name.lower() in _SECRET_HEADERS:
            is_auth = name.lower() == "authorization" and " " in value
            scheme = value.split(" ", 1)[0] if is_auth else ""
            result.append((name, f"{scheme} {REDACTED}".strip()))
        else:
            result.append((name, redact(value)))
    return result
