"""The exception seam: every httpx or msal exception becomes a bridge error here.

Every httpx or msal exception is translated in one place, :func:`map_exceptions`,
into the bridge's error tree (chained with ``from exc``)::

    httpx.ConnectTimeout, PoolTimeout          -> TimeoutError_  (request not sent)
    httpx.ReadTimeout, WriteTimeout            -> TimeoutError_  (request maybe sent)
    httpx.ConnectError (incl. TLS failures)    -> NetworkError   (request not sent)
    httpx.ReadError, WriteError,
      RemoteProtocolError, other NetworkError  -> NetworkError   (request maybe sent)
    other httpx.HTTPError                      -> TransportError
    msal errors, httpx.HTTPStatusError from
      msal, ValueError/KeyError raised by msal -> AuthenticationError (auth seam only)

The seam is also where it is known whether the request left: every
:class:`TransportError` it raises carries ``request_sent`` -- False when the
request certainly did not leave (safe to send again), True when it may have
reached the server, whose outcome is then unknown. The client's retry layer
re-sends only the first kind (or idempotent requests); the create path looks
for the object an unknown outcome may have made (:mod:`bridge._create`), and
:func:`may_still_run` tells it when Graph may still be making it.
"""

from __future__ import annotations

import contextlib
import ssl
from typing import Iterator, NoReturn, Optional

import httpx

from ._exceptions import AuthenticationError, BridgeError, NetworkError, TimeoutError_, TransportError
from ._redact import redact

__all__ = ["map_exceptions", "request_maybe_sent", "may_still_run"]

# httpx exceptions after which the server may have received (and acted on) the request.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError,
               httpx.RemoteProtocolError)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
             httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.ProxyError)


def _is_tls_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: Optional[BaseException] = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    text = str(exc)
    return "CERTIFICATE_VERIFY_FAILED" in text or "[SSL" in text


def _auth_exception_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [ValueError, KeyError, RuntimeError, httpx.HTTPStatusError]
    try:
        import msal.exceptions
        types.insert(0, msal.exceptions.MsalError)
    except ImportError:  # pragma: no cover - msal is a hard dependency
        pass
    return tuple(types)


def _raise_mapped(exc: BaseException, what: str, auth: bool) -> NoReturn:
    """Raise the most specific bridge error for ``exc`` ``from exc``, with what is known."""
    error = _mapped(exc, what, auth)
    if isinstance(error, TransportError):
        error.request_sent = not isinstance(exc, _NOT_SENT)  # an unknown kind: assume it left
    raise error from exc


def _mapped(exc: BaseException, what: str, auth: bool) -> BridgeError:
    where = f" ({what})" if what else ""
    detail = redact(str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.TimeoutException):
        phase = {httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read",
                 httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool"}.get(type(exc), "request")
        return TimeoutError_(f"The {phase} timeout expired{where}: {detail}")
    if isinstance(exc, httpx.ConnectError) and _is_tls_failure(exc):
        return NetworkError(f"TLS verification failed{where}: {detail}. Trust a private CA with "
                            "an environment's ca_file or MGBRIDGE_CA_FILE; verification is "
                            "never disabled.")
    if isinstance(exc, httpx.ProxyError) and any(code in str(exc) for code in ("407", "401")):
        # Retrying cannot help: the proxy wants (other) credentials (tinyproxy answers a
        # wrong password with 401, others with 407). Nothing reached Graph.
        return AuthenticationError(
            f"The proxy refused the request ({detail}){where}; nothing was sent to Graph. "
            "Give the proxy's user name and password with -ProxyCredential (or in the proxy "
            "URI), or check them.")
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)):
        sent = "the request may have been received" if isinstance(exc, _MAYBE_SENT) \
            else "the request was not sent"
        return NetworkError(f"The connection failed{where}; {sent}: {detail}")
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return AuthenticationError(f"The identity provider answered HTTP {status}{where}: "
                                   f"{redact(exc.response.text[:500])}")
    if isinstance(exc, httpx.HTTPError):
        return TransportError(f"The HTTP request failed{where}: {detail}")
    if auth:
        return AuthenticationError(f"Authentication failed{where}: {detail}")
    raise exc  # pragma: no cover - callers only pass mapped types


@contextlib.contextmanager
def map_exceptions(what: str = "", *, auth: bool = False) -> Iterator[None]:
    """Translate httpx (and, with ``auth=True``, msal) exceptions into bridge errors.

    Bridge errors pass through untouched. With ``auth=True`` the block is an msal
    call: msal's own errors and the ``ValueError``/``KeyError``/``RuntimeError``
    it raises for bad authorities or unreadable responses become
    :class:`AuthenticationError`; network failures stay :class:`NetworkError` /
    :class:`TimeoutError_` so that retry logic can tell them apart.

    Parameters:
        what: a short description of the operation for the message
            (``"POST https://graph.microsoft.com/v1.0/..."``).
        auth: the block calls msal.
    """
    try:
        yield
    except BridgeError:
        raise
    except httpx.HTTPError as exc:
        _raise_mapped(exc, what, auth)
    except Exception as exc:
        if auth and isinstance(exc, _auth_exception_types()):
            _raise_mapped(exc, what, auth)
        raise


def request_maybe_sent(error: BaseException) -> Optional[bool]:
    """Whether the request behind a transport error may have reached the server.

    Returns the seam's ``request_sent``: False when it certainly was not sent
    (connect/pool failures), True when it may have been (read/write failures,
    dropped connections), None when the error did not come from the seam.
    """
    return error.request_sent if isinstance(error, TransportError) else None


def may_still_run(error: BaseException) -> bool:
    """Whether the server may still be acting on the request: it left, then a read or write timed out."""
    return isinstance(error, TimeoutError_) and error.request_sent is True
