"""The protocol's one entry point: :func:`dispatch` (a message dict in, a response dict out).

Both transports use it: the subprocess helper (``python -m bridge.protocol``)
calls it for every line it reads, and an in-process (pythonnet) transport can
call :func:`handle_json` with the same text. It keeps no state of its own: the
session state (connection, environments, request context, profile) is the
core's module state, so one process equals one PowerShell session.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from typing import Any, Callable, Mapping, Optional

from bridge._caller import powershell_caller
from bridge._exceptions import BindingError, ProtocolError
from bridge._version import __version__

from . import _warmup
from ._codec import TYPE_NAMES, decode_value
from ._errors import VersionMismatch, error_to_dict

__all__ = ["PROTOCOL_VERSION", "SUPPORTED_VERSIONS", "OPS", "dispatch", "handle_json",
           "Emit", "SESSION_VARIABLES", "encode", "error_response", "protocol_error"]

PROTOCOL_VERSION = 1
SUPPORTED_VERSIONS = (1,)

#: ``emit(event, data)`` sends an event for the request being handled (device-code prompt).
Emit = Callable[[str, Mapping[str, Any]], None]

# The environment variables a sign-in reads: -EnvironmentVariable the AZURE_* ones,
# -Identity the managed identity endpoint ones, certificate store look-ups
# MGBRIDGE_CERT_STORE. The core's process environment was fixed when it started (the
# helper, which does not inherit them) or is the C environment .NET's
# Environment.SetEnvironmentVariable does not change (pythonnet), so the shim sends the
# PowerShell session's current values in 'environ', and connect reads those alone.
SESSION_VARIABLES = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET",
                      "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
                      "AZURE_USERNAME", "AZURE_PASSWORD",
                      "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET",
                      "IMDS_ENDPOINT", "MGBRIDGE_IMDS_ENDPOINT", "MGBRIDGE_CERT_STORE")


# --------------------------------------------------------------------------- ops

#: The SDK's type names of what the Microsoft.Graph.Authentication-style commands output, sent
#: as the objects' PSTypeNames (docs/protocol.md) so their views apply as they come.
CONTEXT_TYPE = "Microsoft.Graph.PowerShell.Authentication.AuthContext"
ENVIRONMENT_TYPE = "Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment"


def _typed(value: Optional[Mapping[str, Any]], type_name: str) -> Optional[dict[str, Any]]:
    return None if value is None else {TYPE_NAMES: [type_name], **value}


def _op_hello(args: Mapping[str, Any], ctx: "_Call") -> Any:
    # A missing dependency (httpx, msal) fails the shim's interpreter probe here, not the first
    # real call; the core itself is imported on a thread from now on (_warmup).
    _warmup.check_dependencies()
    _warmup.start()
    module = args.get("module")
    if module is not None and str(module) != __version__:
        raise VersionMismatch(str(module), __version__, sys.executable)
    return {"protocol": PROTOCOL_VERSION, "versions": list(SUPPORTED_VERSIONS),
            "package": __version__, "python": platform.python_version(),
            "executable": sys.executable, "location": os.path.dirname(os.path.dirname(__file__)),
            "pid": os.getpid(), "ops": sorted(OPS)}


def _op_invoke(args: Mapping[str, Any], ctx: "_Call") -> Any:
    from bridge._api import invoke, send
    from bridge._request import GraphRequest, encode_json

    from ._view import job_view
    parameters = args.get("parameters")
    if not isinstance(parameters, Mapping):
        raise ProtocolError("invoke: 'parameters' must be an object")
    what_if = bool(args.get("whatIf", False))
    environ = args.get("proxyEnvironment")
    if environ is not None and not isinstance(environ, Mapping):
        raise ProtocolError("invoke: 'proxyEnvironment' must be an object")
    request = invoke(decode_value(dict(parameters)), what_if=True, emit_warnings=False,
                     proxy_environ=None if environ is None else
                     {str(k): str(v) for k, v in environ.items() if v is not None})
    assert isinstance(request, GraphRequest)
    ctx.warnings.extend(request.warnings)
    if what_if:  # only a preview needs the request described (not done per real create)
        described = request.to_dict()  # the URL the call would use (see bridge._api.invoke)
        described["bodyText"] = encode_json(request.body).decode("utf-8") \
            if request.body is not None else None
        return {"whatIf": True, "request": described}
    from bridge._client import client_for_call
    client, owned = client_for_call(request.options)
    try:
        proxy = request.options.proxy if request.options else None
        via = f" through the proxy {proxy.url}" if proxy else ""
        ctx.verbose.append(f"{request.method} {client.url(request)}{via}")
        created = send(request, client, warn=ctx.warnings.append)
    finally:
        if owned:
            client.close()
    return {"whatIf": False, "request": {"method": request.method, "url": client.url(request),
                                         "parameterSet": request.parameter_set},
            "job": job_view(created)}


def _connect_kwargs(args: Mapping[str, Any]) -> dict[str, Any]:
    names = {"clientId": "client_id", "tenantId": "tenant_id", "clientSecret": "client_secret",
             "certificatePath": "certificate_path", "certificatePassword": "certificate_password",
             "certificateThumbprint": "certificate_thumbprint",
             "certificateName": "certificate_name", "accessToken": "access_token",
             "useDeviceCode": "use_device_code", "environmentVariable": "environment_variable",
             "identity": "identity", "environment": "environment", "scopes": "scopes",
             "tokenCachePath": "token_cache_path", "contextScope": "context_scope",
             "timeout": "timeout"}
    kwargs: dict[str, Any] = {}
    for key, value in args.items():
        if key in ("environ", "certificateData", "noWelcome"):
            continue
        if key not in names:
            raise ProtocolError(f"connect: unknown argument {key!r}")
        if value is not None:
            kwargs[names[key]] = value
    return kwargs


def _op_connect(args: Mapping[str, Any], ctx: "_Call") -> Any:
    from bridge._auth import connect
    kwargs = _connect_kwargs(args)

    def prompt(message: str) -> None:
        if ctx.emit is not None:
            ctx.emit("prompt", {"message": message})
        else:
            ctx.messages.append(message)

    kwargs["prompt"] = prompt
    temp_path: Optional[str] = None
    data = args.get("certificateData")
    try:
        if data:
            # -Certificate (an X509Certificate2 from the caller's session): msal needs the
            # key as a file; it lives 0600 in a private temp dir only for the sign-in.
            import base64
            fd, temp_path = tempfile.mkstemp(prefix="mgbridge-", suffix=".pfx")
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64decode(str(data)))
            kwargs["certificate_path"] = temp_path
        environ = args.get("environ")
        if environ is not None:
            if not isinstance(environ, Mapping):
                raise ProtocolError("connect: 'environ' must be an object")
            kwargs["environ"] = {k: str(v) for k, v in environ.items()
                                 if k in SESSION_VARIABLES and v is not None}
        conn = connect(**kwargs)
    finally:
        if temp_path:
            try:
                os.unlink(temp_path)
            except OSError:
                pass
    return {"context": _typed(conn.context.to_dict(), CONTEXT_TYPE),
            "environment": _typed(conn.environment.to_dict(), ENVIRONMENT_TYPE)}


def _op_disconnect(args: Mapping[str, Any], ctx: "_Call") -> Any:
    from bridge._auth import disconnect
    context = disconnect()
    return {"context": _typed(context.to_dict() if context is not None else None, CONTEXT_TYPE)}


def _op_get_context(args: Mapping[str, Any], ctx: "_Call") -> Any:
    from bridge._auth import get_context
    context = get_context()
    return {"context": _typed(context.to_dict() if context is not None else None, CONTEXT_TYPE)}


def _op_environments(args: Mapping[str, Any], ctx: "_Call") -> Any:
    from bridge import _environments as envs
    action = args.get("action", "get")
    if action == "get":
        name = args.get("name")
        if name:
            return {"environments": [_typed(envs.get_environment(str(name)).to_dict(), ENVIRONMENT_TYPE)]}
        return {"environments": [_typed(e.to_dict(), ENVIRONMENT_TYPE) for e in envs.get_environment()]}
    if action == "add":
        # The core validates the endpoints (type included) and names the bad parameter.
        login: Any = args.get("azureADEndpoint")
        graph: Any = args.get("graphEndpoint")
        env = envs.add_environment(str(args.get("name") or ""), login, graph,
                                   ca_file=args.get("caFile"))
        return {"environments": [_typed(env.to_dict(), ENVIRONMENT_TYPE)]}
    if action == "remove":
        return {"environments": [_typed(envs.remove_environment(str(args.get("name") or "")).to_dict(),
                                        ENVIRONMENT_TYPE)]}
    raise ProtocolError(f"environments: unknown action {action!r}")


def _op_request_context(args: Mapping[str, Any], ctx: "_Call") -> Any:
    from bridge import _settings
    action = args.get("action", "get")
    if action == "set":
        names = {"maxRetry": "max_retry", "retryDelay": "retry_delay",
                 "clientTimeout": "client_timeout", "retriesTimeLimit": "max_retry_time"}
        changes = {names[k]: v for k, v in args.items() if k in names}
        unknown = [k for k in args if k not in names and k != "action"]
        if unknown:
            raise ProtocolError(f"request_context: unknown argument {unknown[0]!r}")
        try:
            result = _settings.set_request_context(**changes)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, BindingError):
                raise
            raise BindingError(str(exc), parameter="RequestContext") from None
    elif action == "reset":
        result = _settings.reset_request_context()
    elif action == "get":
        result = _settings.get_request_context()
    else:
        raise ProtocolError(f"request_context: unknown action {action!r}")
    return {"requestContext": result.to_dict()}


def _op_profile(args: Mapping[str, Any], ctx: "_Call") -> Any:
    from bridge import _settings
    action = args.get("action", "get")
    if action == "select":
        return {"profile": _settings.select_profile(args.get("name"))}  # type: ignore[arg-type]
    if action == "get":
        return {"profile": _settings.get_profile()}
    raise ProtocolError(f"profile: unknown action {action!r}")


def _op_cancel(args: Mapping[str, Any], ctx: "_Call") -> Any:
    # A pure dispatch has nothing in flight; the call runner (_runner.py) handles cancel itself.
    return {"cancelled": False, "target": args.get("target")}


def _op_shutdown(args: Mapping[str, Any], ctx: "_Call") -> Any:
    return {"shutdown": True}


OPS: dict[str, Callable[[Mapping[str, Any], "_Call"], Any]] = {
    "hello": _op_hello, "invoke": _op_invoke, "connect": _op_connect,
    "disconnect": _op_disconnect, "get_context": _op_get_context,
    "environments": _op_environments, "request_context": _op_request_context,
    "profile": _op_profile, "cancel": _op_cancel, "shutdown": _op_shutdown,
}


# --------------------------------------------------------------------------- envelope

class _Call:
    """What one request collects besides its result."""

    __slots__ = ("emit", "warnings", "verbose", "messages")

    def __init__(self, emit: Optional[Emit]) -> None:
        self.emit = emit
        self.warnings: list[str] = []
        self.verbose: list[str] = []
        self.messages: list[str] = []


def _response(message_id: Any, ok: bool, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"v": PROTOCOL_VERSION, "id": message_id, "ok": ok,
                           "warnings": [], "verbose": [], "debug": [], "messages": []}
    out.update(fields)
    return out


def error_response(message_id: Any, exc: BaseException, **fields: Any) -> dict[str, Any]:
    """The ``ok: false`` response for a failure, in the one shape every error reply has."""
    return _response(message_id, False, error=error_to_dict(exc), **fields)


def protocol_error(message_id: Any, text: str) -> dict[str, Any]:
    """A response for a message that could not be read (never echoes its content)."""
    return error_response(message_id, ProtocolError(text))


def dispatch(message: Mapping[str, Any], emit: Optional[Emit] = None) -> dict[str, Any]:
    """Handle one request message and return its response message.

    Parameters:
        message: ``{"v": 1, "id": <int|str>, "op": <name>, "args": {...}, "debug": bool}``.
        emit: optional ``emit(event, data)`` for events during the call (the
            device-code prompt); without it, prompts are returned in ``messages``.

    Returns:
        ``{"v": 1, "id", "ok": true, "result", "warnings", "verbose", "debug", "messages"}``
        or ``{"v": 1, "id", "ok": false, "error": {...}, "debug", ...}``. Never raises
        for a bad message: that is an ``ok: false`` ProtocolError response.
    """
    if not isinstance(message, Mapping):
        return protocol_error(None, "a message must be a JSON object")
    message_id = message.get("id")
    if message_id is not None and (isinstance(message_id, bool)
                                   or not isinstance(message_id, (int, str))):
        return protocol_error(None, "'id' must be an integer or a string")
    version = message.get("v", PROTOCOL_VERSION)
    if version not in SUPPORTED_VERSIONS:
        return protocol_error(message_id, f"unsupported protocol version {version!r}; this "
                              f"helper speaks {', '.join(map(str, SUPPORTED_VERSIONS))}")
    op = message.get("op")
    handler = OPS.get(op) if isinstance(op, str) else None
    if handler is None:
        shown = op if isinstance(op, str) and len(op) < 40 else type(op).__name__
        return protocol_error(message_id, f"unknown op {shown!r}; known: {', '.join(sorted(OPS))}")
    args = message.get("args")
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        return protocol_error(message_id, "'args' must be an object")
    call = _Call(emit)
    debug: list[str] = []
    _warmup.wait(op)
    try:
        with powershell_caller():  # messages name Connect-MgGraph, not bridge.connect(...)
            if message.get("debug"):
                from bridge._http_log import capture_http_debug
                with capture_http_debug() as debug:
                    result = handler(args, call)
            else:
                result = handler(args, call)
    except Exception as exc:  # every failure becomes a structured error
        return error_response(message_id, exc, warnings=call.warnings, verbose=call.verbose,
                              debug=list(debug), messages=call.messages)
    return _response(message_id, True, result=result, warnings=call.warnings,
                     verbose=call.verbose, debug=list(debug), messages=call.messages)


def encode(value: Any) -> str:
    """One message as one line of JSON text, safe to write as UTF-8.

    A lone surrogate (text echoed from bad input) is written as its ``\\uXXXX`` escape,
    which JSON allows and UTF-8 could not carry.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=_default)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _default(value: Any) -> Any:
    # Results are JSON already; anything else is shown, never crashes the channel.
    return str(value)


def handle_json(text: str) -> str:
    """:func:`dispatch` for one JSON text (one message), returning the response's JSON text."""
    try:
        message = json.loads(text)
    except ValueError as exc:
        # Say where, not what: the line may carry a secret.
        return encode(protocol_error(None, f"the message is not valid JSON "
                                           f"(line {getattr(exc, 'lineno', '?')}, "
                                           f"column {getattr(exc, 'colno', '?')})"))
    return encode(dispatch(message))
