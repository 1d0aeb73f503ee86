"""The HTTPS server and the request pipeline every route goes through.

:class:`App` is the pipeline, free of sockets: match a route, count it, log it,
apply a fault, call the route, add the headers every Graph response carries.
``$batch`` calls back into it for inner requests. :class:`EmulatorHTTPServer`
is a ``ThreadingHTTPServer`` speaking HTTP/1.1 with keep-alive over TLS; the
TLS handshake runs in each connection's own thread so one slow client cannot
stall the accept loop.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import ssl
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, urlsplit

from .admin import AdminService
from .faults import Fault, FaultPlan, retry_after_header
from .graph import GraphService
from .identity import IdentityService
from .messages import (Context, Request, Response, Route, aad_error, json_response, new_guid,
                       odata_error, utc_now)
from .state import State
from .tokens import TokenService

__all__ = ["App", "EmulatorHTTPServer", "MAX_BODY", "REDACTED_HEADERS", "REDACTED_FIELDS"]

logger = logging.getLogger("bridge.emulator")

#: The largest request body accepted (Graph's own limit is 4 MB).
MAX_BODY = 16 * 1024 * 1024
#: Header values the request log never shows.
REDACTED_HEADERS = frozenset({"authorization", "x-identity-header", "proxy-authorization"})
#: Form fields the request log never shows (token endpoint secrets).
REDACTED_FIELDS = frozenset({"client_secret", "client_assertion", "refresh_token", "device_code",
                             "password", "code", "assertion"})
_LOGGED_BODY_LIMIT = 64 * 1024
_INNER_FAULT_KINDS = ("status", "latency")
_AGS_DIAGNOSTIC = json.dumps({"ServerInfo": {"DataCenter": "Emulator", "Slice": "E", "Ring": "0",
                                             "ScaleUnit": "000", "RoleInstance": "EMULATOR01"}},
                             separators=(",", ":"))
_GRAPH_STATUS_TEXT = {
    429: ("TooManyRequests", "Please retry again later."),
    500: ("generalException", "An unspecified error has occurred."),
    502: ("BadGateway", "The gateway received an invalid response from the service."),
    503: ("serviceNotAvailable", "The service is temporarily unavailable. Try again later."),
    504: ("timeout", "The operation timed out before it could be completed."),
}


class App:
    """The request pipeline and the emulator's services, bound to one origin.

    Parameters:
        state: the emulator's memory.
        tokens: token signing and checking.
        faults: the fault plan.
        base: the origin, ``https://127.0.0.1:PORT``.
        info: builds the info dict (the CLI's JSON line), served at ``/_emulator/info``.
    """

    def __init__(self, state: State, tokens: TokenService, faults: FaultPlan, base: str,
                 info: Callable[[], dict[str, Any]]) -> None:
        self.state = state
        self.tokens = tokens
        self.faults = faults
        self.base = base
        self.info = info
        self.identity = IdentityService(state, tokens, base)
        self.graph = GraphService(state, tokens, self.identity, base, self.dispatch_inner)
        self.admin = AdminService(self)
        self.routes: list[Route] = self.identity.routes() + self.graph.routes()

    # -- entry points ------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        """Answer one top-level request (admin API or the pipeline)."""
        if req.path == "/_emulator" or req.path.startswith("/_emulator/"):
            return self.admin.handle(req)
        ctx = Context(new_guid(), req.header("client-request-id") or new_guid())
        return self._pipeline(req, top_level=True, ctx=ctx)

    def dispatch_inner(self, req: Request, outer: Context) -> Response:
        """Answer one inner ``$batch`` request: same pipeline, only status/latency faults."""
        ctx = Context(new_guid(), req.header("client-request-id") or outer.client_request_id)
        return self._pipeline(req, top_level=False, ctx=ctx)

    # -- the pipeline -----------------------------------------------------------------

    def _match(self, req: Request) -> tuple[Optional[Route], Optional["re.Match[str]"], bool]:
        """(route, match, path_known): path_known is True when only the method was wrong."""
        path_known = False
        for route in self.routes:
            match = route.pattern.match(req.path)
            if match is None:
                continue
            if req.method in route.methods:
                return route, match, True
            path_known = True
        return None, None, path_known

    def _pipeline(self, req: Request, top_level: bool, ctx: Context) -> Response:
        route, match, path_known = self._match(req)
        key = route.key if route else "unknown"
        family = route.family if route else self._family_for(req.path)
        self.state.count(key, top_level)
        entry = self._log_entry(req, key, ctx)
        self.state.log(entry)
        fault: Optional[Fault] = None
        if route is not None:
            fault = self.faults.take(key, None if top_level else _INNER_FAULT_KINDS)
        if fault is not None:
            self._note(entry, fault=fault.kind)
        if fault is not None and fault.kind == "drop_before":
            self._note(entry, status=None)
            return Response(0, drop=True)
        if fault is not None and fault.kind == "status":
            response = self._fault_response(family, fault, ctx)
        else:
            if fault is not None and fault.kind == "latency":
                time.sleep(fault.seconds)   # this connection's thread only
            if route is None or match is None:
                response = self._no_route(req, family, ctx, path_known)
            else:
                try:
                    response = route.handler(req, match, ctx)
                except Exception:  # a bug of ours: answer 500 like a server would, and log it
                    logger.error("route %s failed:\n%s", key, traceback.format_exc())
                    response = self._error(family, 500, None, None, ctx)
        self._decorate(response, ctx)
        if fault is not None and fault.kind == "drop_after":
            self._note(entry, status=None)
            return Response(response.status, response.headers, b"", drop=True)
        if fault is not None and fault.kind == "malformed_json":
            response = self._malformed(response)
        self._note(entry, status=response.status)
        return response

    def _note(self, entry: dict[str, Any], **values: Any) -> None:
        with self.state.lock:
            entry.update(values)

    @staticmethod
    def _family_for(path: str) -> str:
        lowered = path.lower()
        if lowered.startswith(("/v1.0/", "/beta/")) or lowered in ("/v1.0", "/beta"):
            return "graph"
        return "aad"

    def _no_route(self, req: Request, family: str, ctx: Context, path_known: bool) -> Response:
        if path_known:
            return self._error(family, 405, "Request_BadRequest",
                               "Specified HTTP method is not allowed for the request target.", ctx)
        if family == "graph":
            segment = req.path.rstrip("/").rsplit("/", 1)[-1]
            return self._error(family, 400, "BadRequest",
                               f"Resource not found for the segment '{segment}'.", ctx)
        return json_response(404, {"error": "not_found",
                                   "error_description": f"No endpoint at {req.path}."})

    def _error(self, family: str, status: int, code: Optional[str], message: Optional[str],
               ctx: Context, headers: Optional[dict[str, str]] = None) -> Response:
        """An error in the dialect of the route's service."""
        if family == "graph":
            default_code, default_message = _GRAPH_STATUS_TEXT.get(
                status, ("UnknownError", f"The service answered {status}."))
            # Graph's throttling sample carries these extra innerError fields.
            extra = ({"code": "429", "message": "Please retry after", "status": "429"}
                     if status == 429 else None)
            return odata_error(status, code or default_code, message or default_message,
                               ctx.request_id, ctx.client_request_id, headers, extra)
        if family == "msi":
            return json_response(status, {"statusCode": status,
                                          "message": message or f"Service error {status}.",
                                          "correlationId": ctx.request_id}, headers)
        if family == "imds":
            return json_response(status, {"error": code or "temporarily_unavailable",
                                          "error_description": message or f"IMDS error {status}."},
                                 headers)
        error = code or ("temporarily_unavailable" if status in (429, 503, 504) else "server_error")
        aadsts = 50196 if status == 429 else 50000
        description = message or ("The server is temporarily too busy to handle the request."
                                  if status in (429, 503, 504)
                                  else "There was an error issuing a token.")
        return aad_error(status, error, aadsts, description, ctx.request_id,
                         ctx.client_request_id, headers)

    def _fault_response(self, family: str, fault: Fault, ctx: Context) -> Response:
        headers: dict[str, str] = {}
        retry_after = retry_after_header(fault.retry_after)
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        return self._error(family, fault.status, fault.code, fault.message, ctx, headers)

    @staticmethod
    def _malformed(response: Response) -> Response:
        """The same status and headers with a body cut short (never valid JSON)."""
        body = response.body[: max(1, len(response.body) // 2)] if response.body else b'{"'
        try:
            json.loads(body.decode("utf-8", "replace"))
            body = b'{"truncated'
        except ValueError:
            pass
        headers = dict(response.headers)
        headers["Content-Type"] = "application/json"
        return Response(response.status, headers, body)

    @staticmethod
    def _decorate(response: Response, ctx: Context) -> None:
        """Headers every Graph-emulated response carries (existing ones are kept)."""
        headers = response.headers
        lowered = {k.lower() for k in headers}
        for name, value in (("request-id", ctx.request_id),
                            ("client-request-id", ctx.client_request_id),
                            ("x-ms-ags-diagnostic", _AGS_DIAGNOSTIC),
                            ("Strict-Transport-Security", "max-age=31536000"),
                            ("Cache-Control", "no-cache")):
            if name.lower() not in lowered:
                headers[name] = value

    @staticmethod
    def _log_entry(req: Request, key: str, ctx: Context) -> dict[str, Any]:
        headers = {k: ("REDACTED" if k.lower() in REDACTED_HEADERS else v)
                   for k, v in req.headers.items()}
        body: Any = None
        if req.body:
            raw = req.body[:_LOGGED_BODY_LIMIT]
            text = raw.decode("utf-8", "replace")
            if req.content_type == "application/x-www-form-urlencoded":
                form = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
                body = {k: ("REDACTED" if k in REDACTED_FIELDS else v) for k, v in form.items()}
            else:
                try:
                    body = json.loads(text)
                except ValueError:
                    body = text
        return {"time": utc_now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "method": req.method, "path": req.path, "query": req.query,
                "headers": headers, "body": body, "route": key,
                "request_id": ctx.request_id, "client_request_id": ctx.client_request_id,
                "via_batch": req.via_batch, "status": None, "fault": None}


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP/1.1 messages into :class:`Request` objects and back."""

    protocol_version = "HTTP/1.1"
    server_version = "mgbridge-emulator/1.0"
    sys_version = ""
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 120
    server: "EmulatorHTTPServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s - %s", self.address_string(), format % args)

    def handle_one_request(self) -> None:
        """One request per call; ACKs go out at once (see :meth:`_quick_ack`)."""
        self._quick_ack()
        super().handle_one_request()

    def _quick_ack(self) -> None:
        """Ask Linux to ACK immediately rather than delay the ACK by up to 40 ms.

        Clients commonly write a request's head and body separately; with Nagle on
        their side the body waits for our ACK of the head, and a delayed ACK would
        add ~40 ms to every POST. TCP_QUICKACK is not sticky, hence per request.
        """
        option = getattr(socket, "TCP_QUICKACK", None)
        if option is not None:
            try:
                self.connection.setsockopt(socket.IPPROTO_TCP, option, 1)
            except OSError:
                pass

    def _read_body(self) -> Optional[bytes]:
        self._quick_ack()
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            size_total = 0
            # Bounded: each chunk is counted against MAX_BODY.
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                size_total += size
                if size_total > MAX_BODY:
                    self.send_error(413)
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
        length_text = self.headers.get("Content-Length")
        if not length_text:
            return b""
        try:
            length = int(length_text)
        except ValueError:
            self.send_error(400, "Bad Content-Length")
            return None
        if length < 0 or length > MAX_BODY:
            self.send_error(413)
            return None
        return self.rfile.read(length)

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            path, query = parts.path, parts.query
        else:
            path, _, query = target.partition("?")
        req = Request(method=self.command.upper(), path=path or "/", query_string=query,
                      headers={k: v for k, v in self.headers.items()}, body=body,
                      client_address=self.client_address[0])
        response = self.server.app.handle(req)
        if response.drop:
            self._drop()
            return
        self._write(response)

    def _drop(self) -> None:
        """Close the TCP connection without a response (and without TLS close_notify)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "connection", "date", "server",
                                    "transfer-encoding"):
                self.send_header(name, value)
        no_body = response.status in (204, 304) or 100 <= response.status < 200
        if not no_body:
            # Always framed by Content-Length, so keep-alive clients know where a reply ends.
            self.send_header("Content-Length", str(len(response.body)))
        if not no_body and self.command != "HEAD" and response.body:
            # Head and body leave in one write (one TLS record, one segment): two small
            # writes would meet Nagle and the client's delayed ACK, ~40 ms per request.
            self._headers_buffer.append(b"\r\n" + response.body)  # type: ignore[attr-defined]
            self.flush_headers()
        else:
            self.end_headers()

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve
    do_HEAD = _serve
    do_OPTIONS = _serve


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threading HTTPS server; :attr:`app` must be set before serving.

    Parameters:
        address: ``(host, port)``; port 0 picks a free one.
        ssl_context: the server-side TLS context.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], ssl_context: ssl.SSLContext) -> None:
        super().__init__(address, _Handler)
        self.ssl_context = ssl_context
        self.app: App
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Per connection, in its own thread: TLS handshake, then HTTP until it closes."""
        try:
            request.settimeout(30)   # bounds the handshake
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            logger.debug("TLS handshake with %s failed: %s", client_address, exc)
            try:
                request.close()
            except OSError:
                pass
            return
        try:
            tls.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        with self._connections_lock:
            self._connections.add(tls)
        try:
            self.finish_request(tls, client_address)
        except Exception:
            self.handle_error(tls, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(tls)
            self.shutdown_request(tls)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Resets and broken pipes are routine with fault injection; log quietly."""
        logger.debug("connection from %s ended with an error:\n%s", client_address,
                     traceback.format_exc())

    def close_connections(self) -> None:
        """Shut down every open connection (wakes threads idling in keep-alive reads)."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
