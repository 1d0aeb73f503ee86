"""The identity side: Entra ID v2 discovery, token and device-code endpoints, managed identity.

Endpoints (``{tenant}`` is the tenant id, ``organizations``, ``common`` or
``emulator.onmicrosoft.com``)::

    GET  /{tenant}/v2.0/.well-known/openid-configuration    openid
    GET  /{tenant}/.well-known/openid-configuration         openid (v1 form)
    GET  /{tenant}/discovery/v2.0/keys                      jwks
    POST /{tenant}/oauth2/v2.0/token                        token
    POST /{tenant}/oauth2/v2.0/devicecode                   devicecode
    GET|POST /devicelogin                                   (the "browser" page)
    GET  /msi/token?api-version=2019-08-01&resource=...     managed_identity (App Service)
    GET  /metadata/identity/oauth2/token?api-version=...    managed_identity (IMDS)

Grants: ``client_credentials`` (client secret, ``client_secret_basic`` or a
certificate ``client_assertion``), ``urn:ietf:params:oauth:grant-type:device_code``
and ``refresh_token``. Errors carry Entra ID's ``error`` / ``error_description``
(``AADSTS...``) / ``error_codes`` / ``trace_id`` / ``correlation_id`` shape.
Written against what msal 1.21 sends and parses.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import time
from typing import Any, Optional
from urllib.parse import unquote

from .messages import Context, Request, Response, Route, aad_error, json_response
from .state import GRAPH_APP_ID, Client, DeviceCode, RefreshToken, State
from .tokens import AssertionRejected, TokenService, b64url

__all__ = ["IdentityService", "GRAPH_RESOURCE", "OIDC_SCOPES", "JWT_BEARER"]

GRAPH_RESOURCE = "https://graph.microsoft.com"
OIDC_SCOPES = ("openid", "profile", "offline_access", "email")
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
#: Other resources a token may be asked for (handy for wrong-audience tests).
OTHER_RESOURCES = ("https://management.azure.com", "https://vault.azure.net",
                   "https://storage.azure.com")
TENANT_DOMAIN = "emulator.onmicrosoft.com"
_USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class _Reject(Exception):
    """An identity-platform error to send back (status, error, AADSTS code, description)."""

    def __init__(self, status: int, error: str, aadsts: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.aadsts = aadsts
        self.description = description


class IdentityService:
    """Answers the identity endpoints and mints the tokens Graph accepts.

    Parameters:
        state: the emulator's state (clients, identities, device codes, config).
        tokens: the signing service.
        base: the origin, ``https://127.0.0.1:PORT``.
    """

    def __init__(self, state: State, tokens: TokenService, base: str) -> None:
        self.state = state
        self.tokens = tokens
        self.base = base.rstrip("/")

    # -- routing -------------------------------------------------------------------

    def routes(self) -> list[Route]:
        """The identity routes, in match order."""
        tenant = r"/(?P<tenant>[^/]+)"
        return [
            Route("openid", ("GET",),
                  re.compile(tenant + r"/v2\.0/\.well-known/openid-configuration$"),
                  self.openid_v2, "aad"),
            Route("openid", ("GET",), re.compile(tenant + r"/\.well-known/openid-configuration$"),
                  self.openid_v1, "aad"),
            Route("jwks", ("GET",), re.compile(tenant + r"/discovery/(?:v2\.0/)?keys$"),
                  self.jwks, "aad"),
            Route("token", ("POST",), re.compile(tenant + r"/oauth2/(?:v2\.0/)?token$"),
                  self.token, "aad"),
            Route("devicecode", ("POST",), re.compile(tenant + r"/oauth2/(?:v2\.0/)?devicecode$"),
                  self.devicecode, "aad"),
            Route("devicelogin", ("GET", "POST"), re.compile(r"/devicelogin$"),
                  self.devicelogin, "aad"),
            Route("managed_identity", ("GET",), re.compile(r"/msi/token$"),
                  self.app_service_token, "msi"),
            Route("managed_identity", ("GET",),
                  re.compile(r"/metadata/identity/oauth2/token$"), self.imds_token, "imds"),
        ]

    # -- shared helpers --------------------------------------------------------------

    def graph_audiences(self) -> set[str]:
        """Audiences Graph accepts: its URL (real or emulated, any trailing slash), its app id."""
        return {GRAPH_RESOURCE, GRAPH_RESOURCE + "/", self.base, self.base + "/", GRAPH_APP_ID}

    def _known_tenant(self, tenant: str) -> bool:
        return unquote(tenant).lower() in (self.state.tenant_id.lower(), "organizations",
                                           "common", TENANT_DOMAIN)

    def _error(self, ctx: Context, status: int, error: str, aadsts: int,
               description: str) -> Response:
        return aad_error(status, error, aadsts, description, ctx.request_id,
                         ctx.client_request_id, self._headers(ctx))

    @staticmethod
    def _headers(ctx: Context) -> dict[str, str]:
        return {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache",
                "x-ms-request-id": ctx.request_id, "x-ms-ests-server": "2.1.emulator",
                "client-request-id": ctx.client_request_id}

    def _tenant_missing(self, ctx: Context, tenant: str) -> Response:
        return self._error(ctx, 400, "invalid_tenant", 90002,
                           f"Tenant '{unquote(tenant)}' not found. Check to make sure you have "
                           "the correct tenant ID and are signing into the correct cloud. Check "
                           "with your subscription administrator, this may happen if there are "
                           "no active subscriptions for the tenant.")

    def _canonical_resource(self, resource: str) -> Optional[str]:
        """The resource as the token's ``aud``, or None when the tenant has no such resource."""
        trimmed = resource.rstrip("/")
        if trimmed.lower() in {a.rstrip("/").lower() for a in self.graph_audiences()}:
            return trimmed
        if trimmed.lower() in OTHER_RESOURCES:
            return trimmed
        return None

    def _is_graph(self, resource: str) -> bool:
        return resource.rstrip("/").lower() in {a.rstrip("/").lower()
                                                for a in self.graph_audiences()}

    # -- discovery -------------------------------------------------------------------

    def _openid_document(self, tenant: str, v2: bool) -> dict[str, Any]:
        segment = unquote(tenant)
        authority = f"{self.base}/{segment}"
        specific = segment.lower() not in ("common", "organizations")
        # Like Entra ID: multi-tenant authorities publish a templated issuer.
        issuer_tenant = self.state.tenant_id if specific else "{tenantid}"
        oauth = f"{authority}/oauth2{'/v2.0' if v2 else ''}"
        return {
            "token_endpoint": f"{oauth}/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "jwks_uri": f"{authority}/discovery{'/v2.0' if v2 else ''}/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": (f"{self.base}/{issuer_tenant}/v2.0" if v2
                       else f"https://sts.windows.net/{issuer_tenant}/"),
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{self.base}/oidc/userinfo",
            "authorization_endpoint": f"{oauth}/authorize",
            "device_authorization_endpoint": f"{oauth}/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{oauth}/logout",
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
                                 "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat",
                                 "auth_time", "acr", "nonce", "preferred_username", "name",
                                 "tid", "ver", "at_hash", "c_hash", "email"],
            "kerberos_endpoint": f"{authority}/kerberos",
            "tenant_region_scope": "NA",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
            **({} if v2 else {"check_session_iframe": f"{authority}/oauth2/checksession"}),
        }

    def openid_v2(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``/{tenant}/v2.0/.well-known/openid-configuration`` (what msal fetches)."""
        tenant = match.group("tenant")
        if not self._known_tenant(tenant):
            return self._tenant_missing(ctx, tenant)
        return json_response(200, self._openid_document(tenant, True), self._headers(ctx))

    def openid_v1(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``/{tenant}/.well-known/openid-configuration`` (the v1 document)."""
        tenant = match.group("tenant")
        if not self._known_tenant(tenant):
            return self._tenant_missing(ctx, tenant)
        return json_response(200, self._openid_document(tenant, False), self._headers(ctx))

    def jwks(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """The signing keys."""
        tenant = match.group("tenant")
        if not self._known_tenant(tenant):
            return self._tenant_missing(ctx, tenant)
        return json_response(200, self.tokens.jwks(), self._headers(ctx))

    # -- tokens ----------------------------------------------------------------------

    def _claims_common(self, aud: str, lifetime: int) -> dict[str, Any]:
        now = int(time.time())
        # An already-expired token (negative lifetime) was issued an hour before it expired.
        issued = now if lifetime > 0 else now + lifetime - 3600
        return {"aud": aud, "iss": f"https://sts.windows.net/{self.state.tenant_id}/",
                "iat": issued, "nbf": issued, "exp": now + lifetime,
                "tid": self.state.tenant_id, "ver": "1.0",
                "uti": b64url(secrets.token_bytes(16)),
                "rh": "0.AAAA" + b64url(secrets.token_bytes(24)) + "."}

    def app_token(self, appid: str, oid: str, roles: list[str], aud: str, appidacr: str,
                  lifetime: Optional[int] = None, display_name: str = "",
                  extra: Optional[dict[str, Any]] = None) -> tuple[str, int]:
        """An app-only access token (``roles``); returns (token, lifetime)."""
        life = self.state.config.token_lifetime if lifetime is None else lifetime
        claims = self._claims_common(aud, life)
        claims.update({"app_displayname": display_name or "emulator client", "appid": appid,
                       "azp": appid, "appidacr": appidacr,
                       "idp": f"https://sts.windows.net/{self.state.tenant_id}/",
                       "idtyp": "app", "oid": oid, "sub": oid})
        if roles:
            claims["roles"] = list(roles)
        claims.update(extra or {})
        return self.tokens.issue(claims), life

    def user_token(self, client: Client, scp: list[str], aud: str,
                   lifetime: Optional[int] = None) -> tuple[str, int]:
        """A delegated access token for the emulated user (``scp``); returns (token, lifetime)."""
        life = self.state.config.token_lifetime if lifetime is None else lifetime
        user = self.state.user
        claims = self._claims_common(aud, life)
        given, _, family = user["name"].partition(" ")
        claims.update({"acr": "1", "amr": ["pwd"], "app_displayname": client.display_name,
                       "appid": client.client_id, "azp": client.client_id,
                       "appidacr": "0" if client.public else ("2" if client.certificates else "1"),
                       "idtyp": "user", "ipaddr": "127.0.0.1", "name": user["name"],
                       "given_name": given, "family_name": family, "oid": user["oid"],
                       "sub": b64url(user["oid"].encode("ascii"))[:43],
                       "scp": " ".join(scp), "unique_name": user["upn"], "upn": user["upn"]})
        return self.tokens.issue(claims), life

    def mint(self, client_id: Optional[str] = None, aud: Optional[str] = None,
             roles: Optional[list[str]] = None, scp: Optional[list[str]] = None,
             lifetime: Optional[int] = None, expired: bool = False) -> str:
        """A token made to order, for tests (expired, wrong audience, odd permissions).

        ``expired=True`` gives a token whose ``exp`` is a minute in the past. With
        ``scp`` the token is delegated; otherwise app-only with ``roles``
        (default: the client's registered roles).
        """
        with self.state.lock:
            cid = client_id or self.state.defaults["client_id"]
            client = self.state.clients.get(cid) or Client(client_id=cid)
        audience = aud or GRAPH_RESOURCE
        life = -60 if expired else lifetime
        if scp is not None:
            token, _ = self.user_token(client, list(scp), audience, life)
            return token
        token, _ = self.app_token(cid, client.object_id,
                                  list(client.roles if roles is None else roles), audience, "1",
                                  life, client.display_name)
        return token

    # -- the token endpoint ------------------------------------------------------------

    def _token_audiences(self, tenant: str) -> set[str]:
        """Audiences a client assertion may carry: this tenant's token endpoints."""
        segments = {unquote(tenant), self.state.tenant_id, "organizations", "common",
                    TENANT_DOMAIN}
        out: set[str] = set()
        for segment in segments:
            out.add(f"{self.base}/{segment}/oauth2/v2.0/token")
            out.add(f"{self.base}/{segment}/oauth2/token")
            out.add(f"https://login.microsoftonline.com/{segment}/oauth2/v2.0/token")
            out.add(f"https://login.microsoftonline.com/{segment}/oauth2/token")
        return out

    def _authenticate(self, form: dict[str, str], req: Request, tenant: str) -> Client:
        """Find the client and check its credential; raises _Reject."""
        basic_id = basic_secret = None
        auth = req.header("Authorization") or ""
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise _Reject(401, "invalid_client", 7000215,
                              "Invalid client secret provided.") from exc
            raw_id, _, raw_secret = decoded.partition(":")
            basic_id, basic_secret = unquote(raw_id), unquote(raw_secret)
        client_id = form.get("client_id") or basic_id
        if not client_id:
            raise _Reject(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'client_id'.")
        with self.state.lock:
            client = self.state.clients.get(client_id)
        if client is None:
            raise _Reject(400, "unauthorized_client", 700016,
                          f"Application with identifier '{client_id}' was not found in the "
                          f"directory '{self.state.tenant_id}'. This can happen if the "
                          "application has not been installed by the administrator of the "
                          "tenant or consented to by any user in the tenant. You may have sent "
                          "your authentication request to the wrong tenant.")
        secret = form.get("client_secret", basic_secret)
        assertion = form.get("client_assertion")
        if client.public:
            if secret is not None or assertion is not None:
                raise _Reject(401, "invalid_client", 700025,
                              "Client is public so neither 'client_assertion' nor "
                              "'client_secret' should be presented.")
            return client
        if assertion is not None:
            assertion_type = form.get("client_assertion_type")
            if assertion_type != JWT_BEARER:
                raise _Reject(400, "invalid_request", 900144,
                              "The request body must contain the following parameter: "
                              f"'client_assertion_type' with the value '{JWT_BEARER}'.")
            try:
                self.tokens.verify_client_assertion(assertion, client.certificates,
                                                    client.client_id,
                                                    self._token_audiences(tenant))
            except AssertionRejected as exc:
                status = 400 if exc.aadsts == 50027 else 401
                error = "invalid_request" if exc.aadsts == 50027 else "invalid_client"
                raise _Reject(status, error, exc.aadsts, exc.description) from exc
            return client
        if secret is not None:
            if not client.secret or not secrets.compare_digest(secret, client.secret):
                raise _Reject(401, "invalid_client", 7000215,
                              "Invalid client secret provided. Ensure the secret being sent in "
                              "the request is the client secret value, not the client secret "
                              f"ID, for a secret added to app '{client.client_id}'.")
            return client
        raise _Reject(401, "invalid_client", 7000218,
                      "The request body must contain the following parameter: "
                      "'client_assertion' or 'client_secret'.")

    def _parse_scopes(self, scope: str) -> tuple[Optional[str], list[str], list[str]]:
        """(resource, resource scope names, OIDC scopes); raises _Reject for mixed resources."""
        resource: Optional[str] = None
        names: list[str] = []
        oidc: list[str] = []
        for item in scope.split():
            if item in OIDC_SCOPES:
                oidc.append(item)
                continue
            if "/" in item:
                owner, _, name = item.rpartition("/")
            else:
                owner, name = GRAPH_RESOURCE, item
            canonical = self._canonical_resource(owner)
            if canonical is None:
                raise _Reject(400, "invalid_resource", 500011,
                              f"The resource principal named {owner} was not found in the "
                              f"tenant named {self.state.tenant_id}. This can happen if the "
                              "application has not been installed by the administrator of the "
                              "tenant or consented to by any user in the tenant. You might have "
                              "sent your authentication request to the wrong tenant.")
            if resource is not None and resource.lower() != canonical.lower():
                raise _Reject(400, "invalid_scope", 28000,
                              "Provided value for the input parameter scope is not valid "
                              "because it contains more than one resource. Scope "
                              f"{scope} is not valid.")
            resource = canonical
            names.append(name)
        return resource, names, oidc

    def token(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``POST /{tenant}/oauth2/v2.0/token``."""
        tenant = match.group("tenant")
        if not self._known_tenant(tenant):
            return self._tenant_missing(ctx, tenant)
        form = req.form()
        try:
            grant = form.get("grant_type")
            if not grant:
                raise _Reject(400, "invalid_request", 900144,
                              "The request body must contain the following parameter: "
                              "'grant_type'.")
            if grant not in ("client_credentials", DEVICE_CODE_GRANT, "refresh_token"):
                raise _Reject(400, "unsupported_grant_type", 70003,
                              f"The app requested an unsupported grant type '{grant}'.")
            client = self._authenticate(form, req, tenant)
            if grant == "client_credentials":
                body = self._client_credentials(client, form)
            elif grant == DEVICE_CODE_GRANT:
                body = self._device_code_grant(client, form)
            else:
                body = self._refresh_grant(client, form)
        except _Reject as rej:
            return self._error(ctx, rej.status, rej.error, rej.aadsts, rej.description)
        return json_response(200, body, self._headers(ctx))

    def _client_credentials(self, client: Client, form: dict[str, str]) -> dict[str, Any]:
        if client.public:
            raise _Reject(401, "invalid_client", 7000218,
                          "The request body must contain the following parameter: "
                          "'client_assertion' or 'client_secret'.")
        scope = form.get("scope", "")
        if not scope.strip():
            raise _Reject(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'scope'.")
        for item in scope.split():
            if not item.endswith("/.default"):
                raise _Reject(400, "invalid_scope", 1002012,
                              f"The provided value for scope {item} is not valid. Client "
                              "credential flows must have a scope value with /.default suffixed "
                              "to the resource identifier (application ID URI).")
        resource, _, _ = self._parse_scopes(scope)
        assert resource is not None
        roles = client.roles if self._is_graph(resource) else []
        appidacr = "2" if form.get("client_assertion") else "1"
        token, life = self.app_token(client.client_id, client.object_id, roles, resource,
                                     appidacr, display_name=client.display_name)
        return {"token_type": "Bearer", "expires_in": life, "ext_expires_in": life,
                "access_token": token}

    def _delegated_response(self, client: Client, scope: str,
                            client_info: bool) -> dict[str, Any]:
        resource, names, oidc = self._parse_scopes(scope)
        resource = resource or GRAPH_RESOURCE
        consented = client.scopes if self._is_graph(resource) else ["user_impersonation"]
        if ".default" in names:
            granted = list(consented)
        else:
            missing = [n for n in names if n.lower() not in {c.lower() for c in consented}]
            if missing:
                raise _Reject(400, "invalid_grant", 65001,
                              "The user or administrator has not consented to use the "
                              f"application with ID '{client.client_id}' named "
                              f"'{client.display_name}'. Send an interactive authorization "
                              "request for this user and resource.")
            granted = [c for c in consented if c.lower() in {n.lower() for n in names}]
        token, life = self.user_token(client, granted, resource)
        # Full URIs plus the echoed .default, so msal's cache finds the token again.
        echoed = [f"{resource}/{g}" for g in granted]
        if ".default" in names:
            echoed.append(f"{resource}/.default")
        body: dict[str, Any] = {"token_type": "Bearer", "scope": " ".join(echoed + oidc),
                                "expires_in": life, "ext_expires_in": life,
                                "access_token": token}
        if "offline_access" in oidc:
            refresh = "1.AR0A" + secrets.token_urlsafe(48)
            with self.state.lock:
                self.state.refresh_tokens[refresh] = RefreshToken(
                    client_id=client.client_id, expires_at=time.time() + 90 * 86400)
            body["refresh_token"] = refresh
        if "openid" in oidc:
            body["id_token"] = self._id_token(client)
        if client_info:
            info = {"uid": self.state.user["oid"], "utid": self.state.tenant_id}
            body["client_info"] = b64url(json.dumps(info).encode("utf-8"))
        return body

    def _id_token(self, client: Client) -> str:
        now = int(time.time())
        user = self.state.user
        return self.tokens.issue({
            "aud": client.client_id, "iss": f"{self.base}/{self.state.tenant_id}/v2.0",
            "iat": now, "nbf": now, "exp": now + 3600, "name": user["name"],
            "oid": user["oid"], "preferred_username": user["upn"],
            "sub": b64url(user["oid"].encode("ascii"))[:43], "tid": self.state.tenant_id,
            "ver": "2.0"})

    def _device_code_grant(self, client: Client, form: dict[str, str]) -> dict[str, Any]:
        code = form.get("device_code", "")
        with self.state.lock:
            entry = self.state.device_codes.get(code)
            if entry is None or entry.client_id != client.client_id or entry.status == "redeemed":
                raise _Reject(400, "bad_verification_code", 70000,
                              "The provided value for the input parameter 'device_code' is not "
                              "valid.")
            if time.time() > entry.expires_at:
                raise _Reject(400, "expired_token", 70020,
                              "The provided value for the input parameter 'device_code' is not "
                              "valid. This device code has expired.")
            if entry.status == "pending":
                raise _Reject(400, "authorization_pending", 70016,
                              "OAuth 2.0 device flow error. Authorization is pending. "
                              "Continue polling.")
            if entry.status == "denied":
                raise _Reject(400, "authorization_declined", 70018,
                              "The user declined the authorization request.")
            entry.status = "redeemed"
            scope = entry.scope
        return self._delegated_response(client, scope, form.get("client_info") == "1")

    def _refresh_grant(self, client: Client, form: dict[str, str]) -> dict[str, Any]:
        presented = form.get("refresh_token", "")
        with self.state.lock:
            entry = self.state.refresh_tokens.get(presented)
            if entry is None or entry.client_id != client.client_id:
                raise _Reject(400, "invalid_grant", 9002313,
                              "Invalid request. Request is malformed or invalid.")
            if time.time() > entry.expires_at:
                raise _Reject(400, "invalid_grant", 70008,
                              "The provided authorization code or refresh token has expired "
                              "due to inactivity.")
            # Refresh tokens rotate: the old one is spent.
            del self.state.refresh_tokens[presented]
        scope = form.get("scope") or f"{GRAPH_RESOURCE}/.default offline_access"
        if "offline_access" not in scope.split():
            scope += " offline_access"
        return self._delegated_response(client, scope, form.get("client_info") == "1")

    # -- device code -------------------------------------------------------------------

    def devicecode(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``POST /{tenant}/oauth2/v2.0/devicecode``: start a device-code login."""
        tenant = match.group("tenant")
        if not self._known_tenant(tenant):
            return self._tenant_missing(ctx, tenant)
        form = req.form()
        client_id = form.get("client_id")
        try:
            if not client_id:
                raise _Reject(400, "invalid_request", 900144,
                              "The request body must contain the following parameter: "
                              "'client_id'.")
            with self.state.lock:
                known = client_id in self.state.clients
            if not known:
                raise _Reject(400, "unauthorized_client", 700016,
                              f"Application with identifier '{client_id}' was not found in the "
                              f"directory '{self.state.tenant_id}'.")
            scope = form.get("scope", "")
            if not scope.strip():
                raise _Reject(400, "invalid_request", 900144,
                              "The request body must contain the following parameter: 'scope'.")
            self._parse_scopes(scope)
        except _Reject as rej:
            return self._error(ctx, rej.status, rej.error, rej.aadsts, rej.description)
        config = self.state.config
        user_code = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(9))
        device_code = "DAQABAAEAAAD" + secrets.token_urlsafe(96)
        with self.state.lock:
            self.state.expire_device_codes()
            self.state.device_codes[device_code] = DeviceCode(
                device_code=device_code, user_code=user_code, client_id=client_id,
                scope=scope, expires_at=time.time() + config.device_code_lifetime)
        uri = f"{self.base}/devicelogin"
        return json_response(200, {
            "user_code": user_code, "device_code": device_code, "verification_uri": uri,
            "expires_in": config.device_code_lifetime, "interval": config.device_code_interval,
            "message": f"To sign in, use a web browser to open the page {uri} and enter the "
                       f"code {user_code} to authenticate."}, self._headers(ctx))

    def approve(self, user_code: str, approve: bool = True) -> bool:
        """Mark the pending login with ``user_code`` approved (or denied); False if none."""
        wanted = user_code.strip().upper()
        with self.state.lock:
            for entry in self.state.device_codes.values():
                if entry.user_code == wanted and entry.status == "pending":
                    entry.status = "approved" if approve else "denied"
                    return True
        return False

    def devicelogin(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """The verification page: GET explains, POST ``user_code=...`` signs the user in."""
        if req.method == "POST":
            code = req.form().get("user_code", "")
            ok = self.approve(code)
            text = ("You have signed in to the emulator. You may close this window."
                    if ok else "That code is unknown or was already used.")
            return Response(200 if ok else 400, {"Content-Type": "text/plain; charset=utf-8"},
                            text.encode("utf-8"))
        text = ("mgbridge emulator device login. POST user_code=<code> to this URL, or use "
                "POST /_emulator/device/approve, to approve a pending login.")
        return Response(200, {"Content-Type": "text/plain; charset=utf-8"}, text.encode("utf-8"))

    # -- managed identity ----------------------------------------------------------------

    def _mi_token(self, identity_query: dict[str, str], resource: str
                  ) -> tuple[Optional[str], Optional[str], int, str]:
        """(error, token, lifetime, client id) for a managed-identity request."""
        query = identity_query
        identity = self.state.find_identity(
            client_id=query.get("client_id"),
            object_id=query.get("object_id") or query.get("principal_id"),
            resource_id=query.get("mi_res_id") or query.get("msi_res_id"))
        if identity is None:
            return "identity", None, 0, ""
        if resource.endswith("/.default"):
            resource = resource[: -len("/.default")]
        canonical = self._canonical_resource(resource)
        if canonical is None:
            return "resource", None, 0, identity.client_id
        roles = identity.roles if self._is_graph(canonical) else []
        token, life = self.app_token(identity.client_id, identity.object_id, roles, canonical,
                                     "2", display_name=f"{identity.kind}-assigned identity",
                                     extra={"xms_mirid": identity.resource_id})
        return None, token, life, identity.client_id

    def app_service_token(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """App Service's ``IDENTITY_ENDPOINT`` (``api-version=2019-08-01``)."""
        def fail(status: int, message: str) -> Response:
            return json_response(status, {"statusCode": status, "message": message,
                                          "correlationId": ctx.request_id})
        header = req.header("X-IDENTITY-HEADER")
        if header is None or not secrets.compare_digest(header, self.state.managed_identity_header):
            return fail(401, "The X-IDENTITY-HEADER header is missing or does not match "
                             "IDENTITY_HEADER.")
        query = req.query
        if query.get("api-version") != "2019-08-01":
            return fail(400, f"The api-version '{query.get('api-version', '')}' is invalid. "
                             "The supported versions are: 2019-08-01")
        resource = query.get("resource", "")
        if not resource:
            return fail(400, "The 'resource' query parameter is required.")
        error, token, life, client_id = self._mi_token(query, resource)
        if error == "identity":
            return fail(400, "Unable to load the proper Managed Identity.")
        if error == "resource":
            return fail(400, f"AADSTS500011: The resource principal named {resource} was not "
                             f"found in the tenant named {self.state.tenant_id}.")
        return json_response(200, {"access_token": token,
                                   "expires_on": str(int(time.time()) + life),
                                   "resource": resource, "token_type": "Bearer",
                                   "client_id": client_id})

    def imds_token(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """Azure Instance Metadata Service's token endpoint (``Metadata: true``)."""
        def fail(status: int, error: str, description: str) -> Response:
            return json_response(status, {"error": error, "error_description": description})
        if (req.header("Metadata") or "").lower() != "true":
            return fail(400, "invalid_request", "Required metadata header not specified")
        query = req.query
        if not query.get("api-version"):
            return fail(400, "invalid_request", "Required query variable 'api-version' is missing")
        resource = query.get("resource", "")
        if not resource:
            return fail(400, "invalid_request", "Required query variable 'resource' is missing")
        error, token, life, client_id = self._mi_token(query, resource)
        if error == "identity":
            return fail(400, "invalid_request", "Identity not found")
        if error == "resource":
            return fail(400, "invalid_resource",
                        f"AADSTS500011: The resource principal named {resource} was not found "
                        f"in the tenant named {self.state.tenant_id}.")
        now = int(time.time())
        return json_response(200, {"access_token": token, "client_id": client_id,
                                   "expires_in": str(life), "expires_on": str(now + life),
                                   "ext_expires_in": str(life), "not_before": str(now),
                                   "resource": resource, "token_type": "Bearer"})
