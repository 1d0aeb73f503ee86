"""HTTP debug logging in the Graph PowerShell SDK's ``-Debug`` layout, and its capture.

The logger ``bridge.http`` receives, at DEBUG, one record per
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
import json
import logging
import threading
from typing import Callable, Iterator, Mapping, Optional, Union

import httpx

from ._redact import redact, redact_headers
from ._response import status_name

__all__ = ["capture_http_debug", "format_request_log", "format_response_log", "http_logger",
           "auth_logger", "MAX_LOGGED_BODY", "log_exchange"]

http_logger = logging.getLogger("bridge.http")
auth_logger = logging.getLogger("bridge.http.auth")

MAX_LOGGED_BODY = 10240  # the SDK truncates logged bodies at 10 KiB (Constants.MaxContentLength)


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

