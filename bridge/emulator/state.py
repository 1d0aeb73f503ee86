"""Everything the emulator remembers: tenant, clients, identities, applications and their jobs.

One :class:`State` per emulator, guarded by one re-entrant lock. With a state
file, the durable part (tenant, signing key, clients, identities, applications
and jobs) is loaded at start and rewritten atomically after each change, so a
restarted emulator keeps its credentials and jobs. Counters, the request log,
device codes and refresh tokens live only in memory.
"""

from __future__ import annotations

import collections
import copy
import json
import os
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterator, Optional
from contextlib import contextmanager

from cryptography import x509

from .messages import new_guid

__all__ = ["State", "Client", "ManagedIdentity", "DeviceCode", "RefreshToken", "Config",
           "READ_WRITE", "READ_ONLY", "GRAPH_APP_ID", "REQUEST_LOG_SIZE",
           "DEFAULT_TOKEN_LIFETIME", "DEFAULT_DEVICE_CODE_INTERVAL",
           "DEFAULT_DEVICE_CODE_LIFETIME"]

#: Microsoft Graph's well-known application id (also a valid token audience).
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
READ_WRITE = "Synchronization.ReadWrite.All"
READ_ONLY = "Synchronization.Read.All"
#: How many requests the log keeps (oldest dropped first).
REQUEST_LOG_SIZE = 500
STATE_FORMAT = 1

DEFAULT_TOKEN_LIFETIME = 3600
#: Entra ID tells device-code clients to poll every 5 seconds.
DEFAULT_DEVICE_CODE_INTERVAL = 5
#: Entra ID's device codes live 15 minutes.
DEFAULT_DEVICE_CODE_LIFETIME = 900


@dataclass
class Config:
    """Behaviour switches, settable at start and through ``POST /_emulator/config``.

    Parameters:
        token_lifetime: seconds an issued access token is valid (``expires_in``).
        strict_properties: reject properties Graph's model does not define (400),
            as Graph does; False keeps and echoes them.
        device_code_interval: the polling ``interval`` handed to device-code clients.
        device_code_lifetime: seconds before a device code expires.
    """

    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    strict_properties: bool = True
    device_code_interval: int = DEFAULT_DEVICE_CODE_INTERVAL
    device_code_lifetime: int = DEFAULT_DEVICE_CODE_LIFETIME

    def update(self, values: dict[str, Any]) -> None:
        """Apply a partial update; raises ValueError on unknown keys or bad types."""
        known = {f.name: f for f in fields(self)}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"unknown config key {key!r}; known: {', '.join(known)}")
            if key == "strict_properties":
                if not isinstance(value, bool):
                    raise ValueError("strict_properties must be a boolean")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{key} must be a non-negative integer")
        for key, value in values.items():
            setattr(self, key, value)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)


@dataclass
class Client:
    """A registered application (client) that can ask for tokens.

    ``roles`` are application permissions on Graph (app-only tokens);
    ``scopes`` are delegated permissions consented on Graph (user tokens).
    A client with neither a secret nor a certificate is a public client.
    """

    client_id: str
    secret: Optional[str] = None
    certificates: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    display_name: str = "emulator client"
    object_id: str = field(default_factory=new_guid)

    @property
    def public(self) -> bool:
        """True when the client has no credential (device code and refresh flows only)."""
        return not self.secret and not self.certificates


@dataclass
class ManagedIdentity:
    """A managed identity (system- or user-assigned) with Graph application roles."""

    client_id: str
    object_id: str
    resource_id: str
    kind: str = "system"
    roles: list[str] = field(default_factory=lambda: [READ_WRITE])


@dataclass
class DeviceCode:
    """One device-code login in progress."""

    device_code: str
    user_code: str
    client_id: str
    scope: str
    expires_at: float
    status: str = "pending"   # pending | approved | denied | redeemed


@dataclass
class RefreshToken:
    """A refresh token issued to a public client for the emulated user."""

    client_id: str
    expires_at: float


class State:
    """The emulator's memory. Every public method takes the lock.

    Parameters:
        state_file: where to persist the durable part, or None for memory only.
        config: behaviour switches (a default :class:`Config` otherwise).
    """

    def __init__(self, state_file: Optional[str] = None, config: Optional[Config] = None) -> None:
        self.lock = threading.RLock()
        self.state_file = state_file
        self.config = config or Config()
        self.tenant_id = new_guid()
        self.signing_key_pem: Optional[bytes] = None
        self.managed_identity_header = secrets.token_urlsafe(24)
        self.clients: dict[str, Client] = {}
        self.identities: list[ManagedIdentity] = []
        # application object id (lower-cased) -> {"id": id as registered, "jobs": {job id: job}}
        self.applications: dict[str, dict[str, Any]] = {}
        self.defaults: dict[str, str] = {}
        self.user = {"oid": new_guid(), "upn": "adele.vance@emulator.onmicrosoft.com",
                     "name": "Adele Vance"}
        self.device_codes: dict[str, DeviceCode] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.counters: collections.Counter[str] = collections.Counter()
        self.total_requests = 0
        self.jobs_created = 0
        self.request_log: collections.deque[dict[str, Any]] = collections.deque(
            maxlen=REQUEST_LOG_SIZE)
        if state_file and Path(state_file).exists():
            self._load(Path(state_file))
        else:
            self._seed()
            self.save()

    # -- setup and persistence -------------------------------------------------

    def _seed(self) -> None:
        """Create the pre-registered clients, identities and application."""
        main = self.register_client(roles=[READ_WRITE], display_name="emulator confidential client",
                                    save=False)
        readonly = self.register_client(roles=[READ_ONLY], display_name="emulator read-only client",
                                        save=False)
        public = self.register_client(public=True, scopes=[READ_WRITE],
                                      display_name="emulator public client", save=False)
        application = self.add_application(save=False)
        system = ManagedIdentity(client_id=new_guid(), object_id=new_guid(), kind="system",
                                 resource_id="/subscriptions/00000000-0000-0000-0000-000000000000/"
                                 "resourceGroups/emulator/providers/Microsoft.Web/sites/emulator")
        user_id = ManagedIdentity(client_id=new_guid(), object_id=new_guid(), kind="user",
                                  resource_id="/subscriptions/00000000-0000-0000-0000-000000000000/"
                                  "resourceGroups/emulator/providers/Microsoft.ManagedIdentity/"
                                  "userAssignedIdentities/emulator-identity")
        self.identities = [system, user_id]
        self.defaults = {"client_id": main, "readonly_client_id": readonly,
                         "public_client_id": public, "application_id": application,
                         "system_identity_client_id": system.client_id,
                         "user_assigned_client_id": user_id.client_id}

    def _load(self, path: Path) -> None:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"{path}: unsupported state format {data.get('format')!r}")
        self.tenant_id = data["tenant_id"]
        key = data.get("signing_key_pem")
        self.signing_key_pem = key.encode("ascii") if key else None
        self.managed_identity_header = data["managed_identity_header"]
        self.clients = {c["client_id"]: Client(**c) for c in data["clients"]}
        self.identities = [ManagedIdentity(**i) for i in data["identities"]]
        self.applications = {app["id"].lower(): {"id": app["id"], "jobs": {
            job["id"]: job for job in app["jobs"]}} for app in data["applications"]}
        self.defaults = dict(data["defaults"])
        self.user = dict(data.get("user", self.user))

    def snapshot(self) -> dict[str, Any]:
        """The durable part as JSON-ready data (what the state file holds)."""
        with self.lock:
            return {
                "format": STATE_FORMAT,
                "tenant_id": self.tenant_id,
                "signing_key_pem": (self.signing_key_pem.decode("ascii")
                                    if self.signing_key_pem else None),
                "managed_identity_header": self.managed_identity_header,
                "clients": [asdict(c) for c in self.clients.values()],
                "identities": [asdict(i) for i in self.identities],
                "applications": [{"id": app["id"], "jobs": list(app["jobs"].values())}
                                 for app in self.applications.values()],
                "defaults": dict(self.defaults),
                "user": dict(self.user),
            }

    def save(self) -> None:
        """Rewrite the state file atomically (temp file + rename); no-op without one."""
        if not self.state_file:
            return
        with self.lock:
            text = json.dumps(self.snapshot(), indent=1, sort_keys=True)
            target = Path(self.state_file)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp",
                                       dir=str(target.parent))
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the lock for a change and persist it afterwards."""
        with self.lock:
            yield
            self.save()

    # -- registrations ---------------------------------------------------------

    def register_client(self, client_id: Optional[str] = None, secret: Optional[str] = None,
                        certificate_pem: Optional[str] = None, roles: Optional[list[str]] = None,
                        scopes: Optional[list[str]] = None, public: bool = False,
                        display_name: str = "emulator client", save: bool = True) -> str:
        """Register (or replace) a client; a confidential one without a credential gets a secret."""
        if certificate_pem is not None:
            # Fail at registration, not at the first token request.
            x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
        with self.lock:
            cid = client_id or new_guid()
            if not public and not secret and not certificate_pem:
                secret = "emu~" + secrets.token_urlsafe(30)
            client = Client(client_id=cid, secret=secret,
                            certificates=[certificate_pem] if certificate_pem else [],
                            roles=list(roles or []), scopes=list(scopes or []),
                            display_name=display_name)
            self.clients[cid] = client
            if save:
                self.save()
            return cid

    def add_application(self, app_id: Optional[str] = None, save: bool = True) -> str:
        """Register an application object (also reachable as a service principal)."""
        with self.lock:
            oid = app_id or new_guid()
            self.applications.setdefault(oid.lower(), {"id": oid, "jobs": {}})
            if save:
                self.save()
            return oid

    def find_identity(self, client_id: Optional[str] = None, object_id: Optional[str] = None,
                      resource_id: Optional[str] = None) -> Optional[ManagedIdentity]:
        """The identity selected by one of the ids, or the system-assigned one by default."""
        with self.lock:
            for identity in self.identities:
                if client_id is not None:
                    if identity.client_id.lower() == client_id.lower():
                        return identity
                elif object_id is not None:
                    if identity.object_id.lower() == object_id.lower():
                        return identity
                elif resource_id is not None:
                    if identity.resource_id.lower() == resource_id.lower():
                        return identity
                elif identity.kind == "system":
                    return identity
            return None

    # -- jobs ------------------------------------------------------------------

    def application(self, app_id: str) -> Optional[dict[str, Any]]:
        """The application record, matching the id case-insensitively (ids are GUIDs)."""
        with self.lock:
            return self.applications.get(app_id.lower())

    def create_job(self, app_id: str, job: dict[str, Any]) -> dict[str, Any]:
        """Store a new job under an existing application; returns a copy."""
        with self.changing():
            app = self.applications[app_id.lower()]
            app["jobs"][job["id"]] = copy.deepcopy(job)
            self.jobs_created += 1
            return copy.deepcopy(job)

    def list_jobs(self, app_id: str) -> Optional[list[dict[str, Any]]]:
        """Copies of the application's jobs in creation order, or None for an unknown app."""
        with self.lock:
            app = self.applications.get(app_id.lower())
            return None if app is None else copy.deepcopy(list(app["jobs"].values()))

    def _job_key(self, app: dict[str, Any], job_id: str) -> Optional[str]:
        if job_id in app["jobs"]:
            return job_id
        lowered = job_id.lower()
        return next((key for key in app["jobs"] if key.lower() == lowered), None)

    def get_job(self, app_id: str, job_id: str) -> Optional[dict[str, Any]]:
        """A copy of one job, or None."""
        with self.lock:
            app = self.applications.get(app_id.lower())
            key = None if app is None else self._job_key(app, job_id)
            return None if key is None else copy.deepcopy(app["jobs"][key])  # type: ignore[index]

    def delete_job(self, app_id: str, job_id: str) -> bool:
        """Delete one job; False when it does not exist."""
        with self.changing():
            app = self.applications.get(app_id.lower())
            key = None if app is None else self._job_key(app, job_id)
            if key is None:
                return False
            del app["jobs"][key]  # type: ignore[index]
            return True

    # -- observability -----------------------------------------------------------

    def count(self, route: str, top_level: bool) -> None:
        """Count one request for ``route`` (and the total, for top-level requests)."""
        with self.lock:
            self.counters[route] += 1
            if top_level:
                self.total_requests += 1

    def log(self, entry: dict[str, Any]) -> None:
        """Append to the request log (the oldest entry drops out past the limit)."""
        with self.lock:
            self.request_log.append(entry)

    def counters_view(self, faults_applied: int = 0) -> dict[str, Any]:
        """``{"total": N, "routes": {...}, "jobs_created": N, "faults_applied": N}``."""
        with self.lock:
            return {"total": self.total_requests, "routes": dict(self.counters),
                    "jobs_created": self.jobs_created, "faults_applied": faults_applied}

    def requests_view(self) -> list[dict[str, Any]]:
        """Copies of the logged requests, oldest first."""
        with self.lock:
            return copy.deepcopy(list(self.request_log))

    def reset(self) -> None:
        """Forget jobs, counters and the request log (registrations stay)."""
        with self.changing():
            for app in self.applications.values():
                app["jobs"].clear()
            self.counters.clear()
            self.total_requests = 0
            self.jobs_created = 0
            self.request_log.clear()
            self.device_codes.clear()

    def expire_device_codes(self) -> None:
        """Drop device codes long past expiry, so the table cannot grow without bound."""
        with self.lock:
            cutoff = time.time() - 3600
            for code in [c for c, d in self.device_codes.items() if d.expires_at < cutoff]:
                del self.device_codes[code]
