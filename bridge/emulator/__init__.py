"""A faithful local Microsoft Graph + Entra ID emulator over HTTPS, for integration tests.

It serves, on one loopback origin ``https://127.0.0.1:PORT``:

* the identity platform (v2): OIDC discovery, JWKS, the token endpoint
  (client secret, certificate assertion, device code, refresh token), the
  device-code endpoint, and managed identity (App Service and IMDS styles);
* Graph's synchronization job routes under ``/v1.0`` and ``/beta``, for
  ``applications`` and ``servicePrincipals``, and JSON ``$batch``;
* a control API under ``/_emulator/``.

Start it in-process::

    from bridge.emulator import Emulator

    with Emulator() as emu:
        info = emu.info   # graph_url, authority, client_id, client_secret, ca_file, ...

or as a process: ``python -m bridge.emulator [--port 0] [--state FILE] [--fault SPEC ...]``
prints one JSON line (the same ``info`` keys) and serves until SIGTERM/SIGINT.

``info`` keys: ``graph_url``, ``login_url``, ``authority``, ``tenant_id``,
``client_id``/``client_secret`` (role Synchronization.ReadWrite.All),
``readonly_client_id``/``readonly_client_secret`` (Synchronization.Read.All),
``public_client_id`` (delegated Synchronization.ReadWrite.All, device code),
``application_id``, ``ca_file``, ``admin_url``, ``managed_identity_endpoint``,
``managed_identity_header``, ``imds_endpoint``, ``user_assigned_client_id``,
``port`` (int).

Control API (no auth; loopback callers only; JSON in and out; admin calls are
not counted, logged or faulted)::

    GET    /_emulator/info                  the info dict
    GET    /_emulator/counters              {"total", "routes": {key: n}, "jobs_created",
                                             "faults_applied"}
    GET    /_emulator/requests              the last 500 requests: time, method, path, query,
                                            headers (Authorization "REDACTED"), body (JSON as
                                            parsed, form with secrets redacted, or text), route,
                                            status (null when dropped), fault, via_batch, ids
    GET    /_emulator/faults                the fault plan, with "applied" counts
    POST   /_emulator/faults                body: list of fault dicts; replaces the plan
    DELETE /_emulator/faults                clear the plan
    POST   /_emulator/reset                 clear jobs, counters, faults, request log
    POST   /_emulator/device/approve        {"user_code": "..."}: sign the user in
    POST   /_emulator/device/deny           {"user_code": "..."}: decline
    POST   /_emulator/applications          {"id"?: "..."} -> 201 {"id"}
    GET    /_emulator/applications/{id}/jobs  {"value": [...]}
    POST   /_emulator/clients               {"client_id"?, "secret"?, "certificate_pem"?,
                                            "roles"?: [...], "scopes"?: [...], "public"?: bool}
                                            -> 201 {"client_id", "client_secret", "public"}
    GET    /_emulator/config                {"token_lifetime", "strict_properties",
    POST   /_emulator/config                 "device_code_interval", "device_code_lifetime"}
    POST   /_emulator/tokens                {"client_id"?, "aud"?, "roles"?, "scp"?, "lifetime"?,
                                            "expired"?} -> {"access_token"} (made-to-order tokens)

Route keys (faults and counters): ``openid``, ``jwks``, ``token``, ``devicecode``,
``managed_identity``, ``jobs.create``, ``jobs.list``, ``jobs.get``,
``jobs.delete``, ``batch`` (and ``unknown`` in counters for unmatched paths).
Inner ``$batch`` requests count under their own keys too (``total`` counts
HTTP requests only), and take ``status``/``latency`` faults; the
connection-level kinds apply to top-level requests.

Fault kinds and the CLI's compact ``--fault`` form are documented in
:mod:`bridge.emulator.faults`, e.g. ``--fault jobs.create:status=429,count=2,retry_after=1``,
``--fault jobs.create:status=429,retry_after=date:3``, ``--fault jobs.create:drop_after``.
"""

from __future__ import annotations

from .faults import FAULT_KINDS, ROUTE_KEYS, parse_fault_spec
from .runner import Emulator

__all__ = ["Emulator", "parse_fault_spec", "ROUTE_KEYS", "FAULT_KINDS"]
