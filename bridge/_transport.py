"""httpx plumbing: the exception seam, msal's HTTP client, debug logging, responses.

Everything that touches httpx lives here or in :mod:`bridge._client`, and every
httpx or msal exception is translated in one place, :func:`map_exceptions`,
into the bridge's error tree (chained with ``from exc``)::

    httpx.ConnectTimeout, PoolTimeout          -> TimeoutError_  (request not sent)
    httpx.ReadTimeout, WriteTimeout            -> TimeoutError_  (request maybe sent)
    httpx.ConnectError (incl. TLS failures)    -> NetworkError   (request not sent)
    httpx.ReadError, WriteError,
      RemoteProtocolError, other NetworkError  -> NetworkError   (request maybe sent)
    other httpx.HTTPError                      -> TransportError
    msal errors, httpx.HTTPStatusError from
      msal, ValueError/KeyError raised by msal -> AuthenticationError (auth seam only)

Whether a request may have reached the server is read back from the chained
cause with :func:`request_maybe_sent`; :meth:`GraphClient.create` uses it to
decide between "safe to re-send" and "look before re-sending".

Debug logging: the logger ``bridge.http`` receives, at DEBUG, one record per
request and one per response in the layout of the Graph PowerShell SDK's
``-Debug`` output (``============================ HTTP REQUEST ====...``,
``HTTP Method:``, ``Absolute Uri:``, ``Headers:``, ``Body:``; and ``Status Code:``
for responses). Token-endpoint exchanges go to the child logger
``bridge.http.auth``. Every message passes through :func:`bridge._redact.redact`.
:func:`capture_http_debug` collects the messages of one call for the PowerShell
shim, which writes them to the Debug stream.
"""

from __future__ import annotations

import contextlib
import http
import json
import logging
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, NoReturn, Optional, Union

import httpx

from ._exceptions import (AuthenticationError, BridgeError, GraphError, NetworkError,
                          TimeoutError_, TransportError)
from ._redact import redact, redact_headers
from ._version import __version__

__all__ = ["map_exceptions", "request_maybe_sent", "GraphResponse", "MsalHttpClient",
           "build_http_client", "http_client_options", "graph_error_from_response",
           "capture_http_debug",
           "format_request_log", "format_response_log", "status_name", "USER_AGENT",
           "http_logger", "auth_logger", "MAX_LOGGED_BODY", "log_exchange"]

http_logger = logging.getLogger("bridge.http")
auth_logger = logging.getLogger("bridge.http.auth")

USER_AGENT = (f"mgbridge/{__version__} (New-MgApplicationSynchronizationJob) python-httpx/"
              + httpx.__version__)
MAX_LOGGED_BODY = 10240  # the SDK truncates logged bodies at 10 KiB (Constants.MaxContentLength)

# httpx exceptions after which the server may have received (and acted on) the request.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError,
               httpx.RemoteProtocolError)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
             httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.ProxyError)


# --------------------------------------------------------------------------- the seam

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
    """Pick the most specific bridge error for ``exc`` and raise it ``from exc``."""
    where = f" ({what})" if what else ""
    detail = redact(str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.TimeoutException):
        phase = {httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read",
                 httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool"}.get(type(exc), "request")
        raise TimeoutError_(f"The {phase} timeout expired{where}: {detail}") from exc
    if isinstance(exc, httpx.ConnectError) and _is_tls_failure(exc):
        raise NetworkError(f"TLS verification failed{where}: {detail}. Trust a private CA with "
                           "an environment's ca_file or MGBRIDGE_CA_FILE; verification is "
                           "never disabled.") from exc
    if isinstance(exc, httpx.ProxyError) and any(code in str(exc) for code in ("407", "401")):
        # Retrying cannot help: the proxy wants (other) credentials (tinyproxy answers a
        # wrong password with 401, others with 407). Nothing reached Graph.
        raise AuthenticationError(
            f"The proxy refused the request ({detail}){where}; nothing was sent to Graph. "
            "Give the proxy's user name and password with -ProxyCredential (or in the proxy "
            "URI), or check them.") from exc
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)):
        sent = "the request may have been received" if isinstance(exc, _MAYBE_SENT) \
            else "the request was not sent"
        raise NetworkError(f"The connection failed{where}; {sent}: {detail}") from exc
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        raise AuthenticationError(f"The identity provider answered HTTP {status}{where}: "
                                  f"{redact(exc.response.text[:500])}") from exc
    if isinstance(exc, httpx.HTTPError):
        raise TransportError(f"The HTTP request failed{where}: {detail}") from exc
    if auth:
        raise AuthenticationError(f"Authentication failed{where}: {detail}") from exc
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
    """Whether the request behind a mapped transport error may have reached the server.

    Returns False when it certainly was not sent (connect/pool failures), True
    when it may have been (read/write failures, dropped connections), None when
    the error is not a mapped transport error.
    """
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT):
        return False
    if isinstance(cause, _MAYBE_SENT):
        return True
    if isinstance(cause, httpx.HTTPError):
        return True  # unknown kind of failure: assume the worst
    return None


# --------------------------------------------------------------------------- logging

_NET_STATUS_NAMES = {200: "OK", 413: "RequestEntityTooLarge", 414: "RequestUriTooLong",
                     416: "RequestedRangeNotSatisfiable", 418: "418", 422: "UnprocessableEntity",
                     505: "HttpVersionNotSupported"}


def status_name(status: int) -> str:
    """The .NET ``HttpStatusCode`` name the SDK prints (``201`` -> ``"Created"``)."""
    if status in _NET_STATUS_NAMES:
        return _NET_STATUS_NAMES[status]
    try:
        name = http.HTTPStatus(status).name
    except ValueError:
        return str(status)
    return "".join(part.capitalize() for part in name.split("_"))


def _format_headers(headers: Union[Mapping[str, str], httpx.Headers]) -> str:
    items = ([(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]
             if isinstance(headers, httpx.Headers) else list(headers.items()))
    lines = [f"{name:<30}: {value}" for name, value in redact_headers(items)]
    return "\n".join(lines) + ("\n" if lines else "")


def _format_body(body: Union[bytes, str, None], content_type: str = "") -> str:
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if "json" in content_type or text.lstrip()[:1] in ("{", "["):
        try:
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    if len(text) > MAX_LOGGED_BODY:
        text = text[:MAX_LOGGED_BODY] + "\nDATA TRUNCATED DUE TO SIZE"
    return redact(text)


def format_request_log(method: str, url: str, headers: Union[Mapping[str, str], httpx.Headers],
                       body: Union[bytes, str, None]) -> str:
    """The SDK's ``-Debug`` layout for a request, secrets redacted."""
    content_type = str(headers.get("content-type", "") or "")
    return ("============================ HTTP REQUEST ============================\n\n"
            f"HTTP Method:\n{method}\n\n"
            f"Absolute Uri:\n{redact(url)}\n\n"
            f"Headers:\n{_format_headers(headers)}\n"
            f"Body:\n{_format_body(body, content_type)}\n")


def format_response_log(status: int, headers: Union[Mapping[str, str], httpx.Headers],
                        body: Union[bytes, str, None]) -> str:
    """The SDK's ``-Debug`` layout for a response, secrets redacted."""
    content_type = str(headers.get("content-type", "") or "")
    return ("============================ HTTP RESPONSE ============================\n\n"
            f"Status Code:\n{status_name(status)}\n\n"
            f"Headers:\n{_format_headers(headers)}\n"
            f"Body:\n{_format_body(body, content_type)}\n")


def log_exchange(logger: logging.Logger, request: httpx.Request,
                 response: Optional[httpx.Response]) -> None:
    """Log a request (and its response, if any) at DEBUG; cheap when DEBUG is off."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    logger.debug("%s", format_request_log(request.method, str(request.url), request.headers,
                                          request.content))
    if response is not None:
        logger.debug("%s", format_response_log(response.status_code, response.headers,
                                               response.content))


class _ThreadCollector(logging.Handler):
    def __init__(self, sink: Callable[[str], None]) -> None:
        super().__init__(logging.DEBUG)
        self._thread = threading.get_ident()
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            try:
                self._sink(redact(record.getMessage()))
            except Exception:  # pragma: no cover - a broken sink must not break the call
                self.handleError(record)


_capture_lock = threading.Lock()
_capture_depth = 0
_saved_level = logging.NOTSET


@contextlib.contextmanager
def capture_http_debug(callback: Optional[Callable[[str], None]] = None) -> Iterator[list[str]]:
    """Collect the ``bridge.http`` debug messages emitted by this thread.

    Usage::

        with capture_http_debug() as messages:
            client.create(request)
        for message in messages:
            print("DEBUG:", message)

    Parameters:
        callback: called with each message as it is logged (in addition to the list).

    The logger is switched to DEBUG for the duration (and restored after the
    last concurrent capture ends); only records from the calling thread are
    collected, so concurrent calls do not mix their output.
    """
    global _capture_depth, _saved_level
    messages: list[str] = []

    def sink(message: str) -> None:
        messages.append(message)
        if callback is not None:
            callback(message)

    handler = _ThreadCollector(sink)
    with _capture_lock:
        if _capture_depth == 0:
            _saved_level = http_logger.level
        _capture_depth += 1
        http_logger.setLevel(logging.DEBUG)
        http_logger.addHandler(handler)
    try:
        yield messages
    finally:
        with _capture_lock:
            http_logger.removeHandler(handler)
            _capture_depth -= 1
            if _capture_depth == 0:
                http_logger.setLevel(_saved_level)


# --------------------------------------------------------------------------- responses

@dataclass(frozen=True)
class GraphResponse:
    """A Graph answer: status, headers and the decoded JSON body.

    Usage::

        response = client.send(GraphRequest("GET", jobs_path(app_id)))
        if response.ok:
            jobs = response.json["value"]
        print(response.request_id, response.client_request_id)

    Parameters:
        status: HTTP status code.
        headers: response headers (lower-case names).
        json: the decoded body, or None for an empty body.
        text: the raw body text.
        client_request_id: the ``client-request-id`` this attempt sent.
    """

    status: int
    headers: Mapping[str, str] = field(repr=False)
    json: Any = None
    text: str = field(default="", repr=False)
    client_request_id: Optional[str] = None

    @property
    def request_id(self) -> Optional[str]:
        """Graph's ``request-id`` header."""
        return self.headers.get("request-id")

    @property
    def ok(self) -> bool:
        """True for 2xx."""
        return 200 <= self.status < 300


def graph_error_from_response(status: int, headers: Mapping[str, str], text: str,
                              client_request_id: Optional[str] = None) -> GraphError:
    """A :class:`GraphError` from an error response.

    An OData envelope (``{"error": {"code", "message", "innerError": {...}}}``)
    gives code, message and inner error; the ids and date come from
    ``innerError`` first, then the ``request-id`` / ``client-request-id`` /
    ``Date`` headers. A body that is not an envelope (an HTML page from a proxy,
    plain text, nothing) gives the status name as the code and the first 500
    characters of the body (or the reason phrase) as the message.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    code, message, inner = "", "", {}
    try:
        payload = json.loads(text) if text else None
    except ValueError:
        payload = None
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code") or "")
        message = str(error.get("message") or "")
        raw_inner = error.get("innerError", error.get("innererror"))
        inner = raw_inner if isinstance(raw_inner, dict) else {}
    elif isinstance(error, str):  # OAuth-style {"error": "...", "error_description": "..."}
        code = error
        message = str(payload.get("error_description", "")) if isinstance(payload, dict) else ""
    if not code:
        code = status_name(status)
    if not message:
        body = " ".join(text.split())[:500] if text and payload is None else ""
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        message = body or reason or f"HTTP {status}"
    return GraphError(
        status, code, redact(message),
        request_id=inner.get("request-id") or lower.get("request-id"),
        client_request_id=(inner.get("client-request-id") or lower.get("client-request-id")
                           or client_request_id),
        date=inner.get("date") or lower.get("date"),
        inner_error=inner)


# --------------------------------------------------------------------------- clients

def build_http_client(ssl_context: ssl.SSLContext, *, timeout: float = 300.0,
                      transport: Optional[httpx.BaseTransport] = None,
                      proxy: Optional[httpx.Proxy] = None, trust_env: bool = True) -> httpx.Client:
    """The pooled httpx client of one connection (or of one call through ``proxy``).

    TLS trust is the given context (system store plus the environment's extra
    CAs); ``trust_env`` stays on for proxy variables unless the call says
    otherwise, and because ``verify`` is an explicit SSLContext, ``SSL_CERT_FILE``
    cannot replace it. An explicit ``proxy`` takes https requests through
    ``CONNECT`` (and authenticates with its credential).
    """
    options = http_client_options(ssl_context, timeout)
    if proxy is not None or not trust_env:
        options.update(trust_env=False, proxies=proxy)
    return httpx.Client(transport=transport, **options)


def http_client_options(ssl_context: ssl.SSLContext, timeout: float) -> dict[str, Any]:
    """The settings of every Graph HTTP client, sync (above) or async (``bridge.aio``)."""
    return {"verify": ssl_context, "timeout": httpx.Timeout(timeout), "follow_redirects": False,
            "trust_env": True, "headers": {"User-Agent": USER_AGENT},
            "limits": httpx.Limits(max_connections=20, max_keepalive_connections=10)}


class MsalHttpClient:
    """msal's ``http_client``: the connection's httpx client behind msal's small interface.

    msal only calls ``post(url, params=, data=, headers=, **kwargs)`` and
    ``get(url, params=, headers=, **kwargs)`` and reads ``status_code``,
    ``text``, ``headers`` and ``raise_for_status()`` of the result, all of which
    :class:`httpx.Response` has. Sharing the connection's client gives msal
    the same TLS trust as Graph calls, unaffected by ``REQUESTS_CA_BUNDLE``.

    Usage::

        app = msal.ConfidentialClientApplication(
            client_id, client_credential=secret, authority=authority,
            http_client=MsalHttpClient(httpx_client))

    Parameters:
        client: the pooled httpx client.
        timeout: seconds for each identity-provider request.
    """

    def __init__(self, client: httpx.Client, timeout: float = 100.0) -> None:
        self._client = client
        self._timeout = timeout

    def _request(self, method: str, url: str, params: Any, data: Any,
                 headers: Optional[Mapping[str, Any]], kwargs: Mapping[str, Any]) -> httpx.Response:
        clean_headers = {k: str(v) for k, v in (headers or {}).items() if v is not None}
        timeout = kwargs.get("timeout", self._timeout)
        content: Union[str, bytes, None] = None
        form: Optional[Mapping[str, Any]] = None
        if isinstance(data, (str, bytes)):
            content = data
        elif data is not None:
            # msal puts bytes in forms (the client assertion); httpx would str() them.
            form = {k: (v.decode("utf-8") if isinstance(v, bytes) else v)
                    for k, v in dict(data).items() if v is not None}
        request = self._client.build_request(method, url, params=params, data=form,
                                             content=content, headers=clean_headers,
                                             timeout=timeout)
        response: Optional[httpx.Response] = None
        try:
            response = self._client.send(request)
            return response
        finally:
            log_exchange(auth_logger, request, response)

    def post(self, url: str, params: Any = None, data: Any = None,
             headers: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> httpx.Response:
        """HTTP POST, as msal's ``HttpClient.post``."""
        return self._request("POST", url, params, data, headers, kwargs)

    def get(self, url: str, params: Any = None, headers: Optional[Mapping[str, Any]] = None,
            **kwargs: Any) -> httpx.Response:
        """HTTP GET, as msal's ``HttpClient.get``."""
        return self._request("GET", url, params, None, headers, kwargs)

    def close(self) -> None:
        """Nothing to do: the connection owns and closes the httpx client."""

    def __repr__(self) -> str:
        return f"<MsalHttpClient timeout={self._timeout}>"
