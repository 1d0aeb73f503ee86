"""The :class:`Emulator` object: build the pieces, serve in a background thread, control it.

The CLI (``python -m bridge.emulator``) is a thin wrapper around this class, so
tests that run the emulator in-process and scripts that run it as a process see
exactly the same server.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable, Optional

from .faults import FaultPlan
from .server import App, EmulatorHTTPServer
from .state import (DEFAULT_DEVICE_CODE_INTERVAL, DEFAULT_DEVICE_CODE_LIFETIME,
                    DEFAULT_TOKEN_LIFETIME, Config, State)
from .tls import TLSMaterial
from .tokens import TokenService

__all__ = ["Emulator"]


class Emulator:
    """A local Microsoft Graph + Entra ID over HTTPS, for tests and development.

    Usage::

        with Emulator() as emu:
            info = emu.info
            client = httpx.Client(base_url=info["graph_url"], verify=info["ca_file"])
            ...
            emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 429,
                             "retry_after": 1}])

    Parameters:
        faults: fault dicts active from the start (see :mod:`bridge.emulator.faults`).
        state_file: persist tenant, credentials, applications and jobs here;
            loaded at start when it exists.
        workdir: where ``ca.pem`` goes; a temporary directory (removed on
            :meth:`stop`) when None.
        host: the address to listen on (loopback by default).
        port: the port; 0 picks a free one.
        token_lifetime: seconds an access token lives (``expires_in``).
        strict_properties: Graph's 400 for properties its model does not define.
        device_code_interval: the polling interval handed to device-code clients.
        device_code_lifetime: seconds a device code stays redeemable.
    """

    def __init__(self, faults: Optional[Iterable[dict[str, Any]]] = None,
                 state_file: Optional[str] = None, workdir: Optional[str] = None, *,
                 host: str = "127.0.0.1", port: int = 0,
                 token_lifetime: int = DEFAULT_TOKEN_LIFETIME, strict_properties: bool = True,
                 device_code_interval: int = DEFAULT_DEVICE_CODE_INTERVAL,
                 device_code_lifetime: int = DEFAULT_DEVICE_CODE_LIFETIME) -> None:
        self._fault_plan = FaultPlan(list(faults or []))   # validated now, before start()
        self._state_file = state_file
        self._workdir_arg = workdir
        self._host = host
        self._port = port
        self._config = Config(token_lifetime=token_lifetime, strict_properties=strict_properties,
                              device_code_interval=device_code_interval,
                              device_code_lifetime=device_code_lifetime)
        self._server: Optional[EmulatorHTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._workdir: Optional[Path] = None
        self._owns_workdir = False
        self._app: Optional[App] = None
        self._info: dict[str, Any] = {}

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> "Emulator":
        """Bind, then serve in a daemon thread. Returns self."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        if self._workdir_arg:
            self._workdir = Path(self._workdir_arg)
            self._workdir.mkdir(parents=True, exist_ok=True)
            self._owns_workdir = False
        else:
            self._workdir = Path(tempfile.mkdtemp(prefix="mgbridge-emulator-"))
            self._owns_workdir = True
        state = State(self._state_file, self._config)
        tokens = TokenService(state.signing_key_pem)
        if state.signing_key_pem is None:
            state.signing_key_pem = tokens.private_key_pem()
            state.save()
        tls = TLSMaterial(self._workdir, self._host)
        server = EmulatorHTTPServer((self._host, self._port), tls.server_context())
        port = server.server_address[1]
        shown_host = "127.0.0.1" if self._host in ("0.0.0.0", "", "localhost") else self._host
        if ":" in shown_host:
            shown_host = f"[{shown_host}]"
        base = f"https://{shown_host}:{port}"
        self._info = self._build_info(state, base, port, tls.ca_file)
        self._app = App(state, tokens, self._fault_plan, base, lambda: dict(self._info))
        server.app = self._app
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"mgbridge-emulator:{port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, remove a temporary workdir."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None
        if self._owns_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    # -- what clients need ---------------------------------------------------------------

    @staticmethod
    def _build_info(state: State, base: str, port: int, ca_file: str) -> dict[str, Any]:
        defaults = state.defaults
        main = state.clients[defaults["client_id"]]
        readonly = state.clients[defaults["readonly_client_id"]]
        return {
            "graph_url": base,
            "login_url": base,
            "authority": f"{base}/{state.tenant_id}",
            "tenant_id": state.tenant_id,
            "client_id": main.client_id,
            "client_secret": main.secret,
            "readonly_client_id": readonly.client_id,
            "readonly_client_secret": readonly.secret,
            "public_client_id": defaults["public_client_id"],
            "application_id": defaults["application_id"],
            "ca_file": ca_file,
            "admin_url": f"{base}/_emulator",
            "managed_identity_endpoint": f"{base}/msi/token",
            "managed_identity_header": state.managed_identity_header,
            "imds_endpoint": f"{base}/metadata/identity/oauth2/token",
            "user_assigned_client_id": defaults["user_assigned_client_id"],
            "port": port,
        }

    @property
    def info(self) -> dict[str, Any]:
        """The same keys as the CLI's JSON line (a copy)."""
        self._require()
        return dict(self._info)

    def _require(self) -> App:
        if self._app is None or self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._app

    # -- control (in-process, same effect as the admin API) --------------------------------

    def set_faults(self, faults: Iterable[dict[str, Any]]) -> None:
        """Replace the fault plan (validated as a whole first)."""
        self._fault_plan.replace(list(faults))

    def clear_faults(self) -> None:
        """Remove every fault."""
        self._fault_plan.clear()

    def faults(self) -> list[dict[str, Any]]:
        """The current plan, with how often each fault has applied."""
        return self._fault_plan.to_list()

    def counters(self) -> dict[str, Any]:
        """``{"total", "routes", "jobs_created", "faults_applied"}``."""
        app = self._require()
        return app.state.counters_view(app.faults.applied_total)

    def requests(self) -> list[dict[str, Any]]:
        """The last 500 requests received (Authorization redacted)."""
        return self._require().state.requests_view()

    def reset(self) -> None:
        """Clear jobs, counters, faults and the request log."""
        app = self._require()
        app.state.reset()
        app.faults.clear()
        app.faults.reset_total()

    def approve_device_code(self, user_code: str) -> bool:
        """Sign the emulated user in for a pending device-code login; False if none."""
        return self._require().identity.approve(user_code)

    def deny_device_code(self, user_code: str) -> bool:
        """Decline a pending device-code login; False if none."""
        return self._require().identity.approve(user_code, approve=False)

    def add_application(self, app_id: Optional[str] = None) -> str:
        """Register an application object that jobs can be created under; returns its id."""
        return self._require().state.add_application(app_id)

    def register_client(self, client_id: Optional[str] = None, secret: Optional[str] = None,
                        certificate_pem: Optional[str] = None, roles: Iterable[str] = (),
                        scopes: Iterable[str] = (), public: bool = False) -> str:
        """Register a client. Confidential without a secret or certificate gets a generated
        secret (see :meth:`client_secret`); ``public=True`` makes a public client."""
        return self._require().state.register_client(
            client_id=client_id, secret=secret, certificate_pem=certificate_pem,
            roles=list(roles), scopes=list(scopes), public=public)

    def client_secret(self, client_id: str) -> Optional[str]:
        """The secret of a registered client (None for certificate-only or public ones)."""
        return self._require().state.clients[client_id].secret

    def jobs(self, application_id: str) -> list[dict[str, Any]]:
        """The application's stored jobs (empty for an unknown application)."""
        return self._require().state.list_jobs(application_id) or []

    def configure(self, **values: Any) -> dict[str, Any]:
        """Change config at run time (``token_lifetime``, ``strict_properties``, ...)."""
        app = self._require()
        with app.state.lock:
            app.state.config.update(values)
            return app.state.config.to_dict()

    def mint_token(self, client_id: Optional[str] = None, aud: Optional[str] = None,
                   roles: Optional[list[str]] = None, scp: Optional[list[str]] = None,
                   lifetime: Optional[int] = None, expired: bool = False) -> str:
        """A signed access token made to order (expired, wrong audience, custom permissions)."""
        return self._require().identity.mint(client_id=client_id, aud=aud, roles=roles, scp=scp,
                                             lifetime=lifetime, expired=expired)
