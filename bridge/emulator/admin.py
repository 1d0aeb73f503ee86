"""The control API under ``/_emulator/``: no auth, loopback callers only.

See the package docstring for the list of endpoints. Admin requests are not
counted, logged or subject to faults: they observe the emulator, they are not
part of what is observed.
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import unquote

from .messages import Request, Response, json_response

if TYPE_CHECKING:
    from .server import App

__all__ = ["AdminService"]


class _Bad(Exception):
    """A 4xx answer from the admin API."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class AdminService:
    """Answers ``/_emulator/*``.

    Parameters:
        app: the pipeline, whose state, faults and identity service this controls.
    """

    def __init__(self, app: "App") -> None:
        self.app = app

    @staticmethod
    def _json_body(req: Request, default: Any = None) -> Any:
        if not req.body.strip():
            return default
        try:
            return json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Bad(400, f"the body is not JSON: {exc}") from exc

    def handle(self, req: Request) -> Response:
        """Dispatch one admin request."""
        if not _loopback(req.client_address):
            return json_response(403, {"error": "the admin API answers loopback callers only"})
        path = req.path[len("/_emulator"):].rstrip("/") or "/"
        try:
            return self._route(req, req.method, path)
        except _Bad as bad:
            return json_response(bad.status, {"error": bad.message})
        except ValueError as exc:
            return json_response(400, {"error": str(exc)})

    def _route(self, req: Request, method: str, path: str) -> Response:
        app = self.app
        state = app.state
        if path in ("/", "/info") and method == "GET":
            return json_response(200, app.info())
        if path == "/counters" and method == "GET":
            return json_response(200, state.counters_view(app.faults.applied_total))
        if path == "/requests" and method == "GET":
            return json_response(200, state.requests_view())
        if path == "/faults":
            if method == "GET":
                return json_response(200, app.faults.to_list())
            if method in ("POST", "PUT"):
                faults = self._json_body(req, [])
                if isinstance(faults, dict):
                    faults = [faults]
                if not isinstance(faults, list):
                    raise _Bad(400, "the body must be a list of fault objects")
                app.faults.replace(faults)
                return json_response(200, app.faults.to_list())
            if method == "DELETE":
                app.faults.clear()
                return Response(204)
        if path == "/reset" and method == "POST":
            state.reset()
            app.faults.clear()
            app.faults.reset_total()
            return Response(204)
        if path in ("/device/approve", "/device/deny") and method == "POST":
            body = self._json_body(req, {})
            code = body.get("user_code") if isinstance(body, dict) else None
            if not isinstance(code, str):
                raise _Bad(400, "expected {\"user_code\": \"...\"}")
            if not app.identity.approve(code, approve=path.endswith("approve")):
                raise _Bad(404, f"no pending device login with user code {code!r}")
            return json_response(200, {"user_code": code.upper(),
                                       "status": "approved" if path.endswith("approve")
                                       else "denied"})
        if path == "/applications" and method == "POST":
            body = self._json_body(req, {})
            app_id = body.get("id") if isinstance(body, dict) else None
            if app_id is not None and (not isinstance(app_id, str) or not app_id):
                raise _Bad(400, "id must be a non-empty string")
            return json_response(201, {"id": state.add_application(app_id)})
        if path.startswith("/applications/") and path.endswith("/jobs") and method == "GET":
            app_id = unquote(path[len("/applications/"):-len("/jobs")])
            jobs = state.list_jobs(app_id)
            if jobs is None:
                raise _Bad(404, f"no application {app_id!r}")
            return json_response(200, {"value": jobs})
        if path == "/clients" and method == "POST":
            return json_response(201, self._register_client(self._json_body(req, {})))
        if path == "/config":
            if method == "POST":
                body = self._json_body(req, {})
                if not isinstance(body, dict):
                    raise _Bad(400, "the body must be an object")
                with state.lock:
                    state.config.update(body)
            if method in ("GET", "POST"):
                return json_response(200, state.config.to_dict())
        if path == "/tokens" and method == "POST":
            body = self._json_body(req, {})
            if not isinstance(body, dict):
                raise _Bad(400, "the body must be an object")
            token = app.identity.mint(
                client_id=body.get("client_id"), aud=body.get("aud"), roles=body.get("roles"),
                scp=body.get("scp"), lifetime=body.get("lifetime"),
                expired=bool(body.get("expired", False)))
            return json_response(200, {"access_token": token, "token_type": "Bearer"})
        raise _Bad(404, f"no admin endpoint {method} /_emulator{path}")

    def _register_client(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _Bad(400, "the body must be an object")
        allowed = {"client_id", "secret", "certificate_pem", "roles", "scopes", "public",
                   "display_name"}
        unknown = set(body) - allowed
        if unknown:
            raise _Bad(400, f"unknown field(s): {', '.join(sorted(unknown))}")
        for key in ("roles", "scopes"):
            value = body.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _Bad(400, f"{key} must be a list of strings")
        client_id = self.app.state.register_client(
            client_id=body.get("client_id"), secret=body.get("secret"),
            certificate_pem=body.get("certificate_pem"), roles=body.get("roles"),
            scopes=body.get("scopes"), public=bool(body.get("public", False)),
            display_name=body.get("display_name") or "emulator client")
        client = self.app.state.clients[client_id]
        result: dict[str, Optional[Any]] = {"client_id": client_id, "client_secret": client.secret,
                                            "public": client.public}
        return result
