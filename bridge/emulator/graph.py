"""The Graph side: synchronization job routes and JSON ``$batch``.

Routes (``{version}`` is ``v1.0`` or ``beta``; ``applications`` and
``servicePrincipals`` address the same registered objects)::

    POST   /{version}/applications/{id}/synchronization/jobs           jobs.create
    GET    /{version}/applications/{id}/synchronization/jobs           jobs.list
    GET    /{version}/applications/{id}/synchronization/jobs/{jobId}   jobs.get
    DELETE /{version}/applications/{id}/synchronization/jobs/{jobId}   jobs.delete
    POST   /{version}/$batch                                           batch

Order of checks, as Graph's front door does it: bearer token (401), permission
(403), body (415/400), then the addressed objects (404).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from typing import Any, Callable, Optional
from urllib.parse import quote, unquote, urlsplit

from .identity import IdentityService
from .messages import (GRAPH_JSON_CONTENT_TYPE, Context, Request, Response, Route, iso_utc,
                       json_response, odata_error)
from .schema import TIMESPAN_MAX, ValidationError, validate_job
from .state import READ_ONLY, READ_WRITE, State
from .tokens import TokenInvalid, TokenService

__all__ = ["GraphService", "WRITE_PERMISSIONS", "READ_PERMISSIONS", "BATCH_LIMIT",
           "default_schedule", "default_status"]

#: Any one of these lets a caller create or delete jobs (Graph's permission table).
WRITE_PERMISSIONS = frozenset({READ_WRITE, "Application.ReadWrite.OwnedBy",
                               "Application.ReadWrite.All"})
#: Any one of these lets a caller read jobs.
READ_PERMISSIONS = WRITE_PERMISSIONS | {READ_ONLY}
#: Graph's JSON batching limit.
BATCH_LIMIT = 20
_NEVER = "0001-01-01T00:00:00Z"
_PAYLOAD_UNREADABLE = ("Unable to read JSON request payload. Please ensure Content-Type header "
                       "is set and payload is of valid JSON format.")
_WWW_AUTHENTICATE = ('Bearer realm="", authorization_uri="https://login.microsoftonline.com/'
                     'common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"')

InnerDispatch = Callable[[Request, Context], Response]


def default_schedule() -> dict[str, Any]:
    """A new job's schedule, as Graph's create example shows it."""
    return {"expiration": None, "interval": TIMESPAN_MAX, "state": "Disabled"}


def default_status() -> dict[str, Any]:
    """A new job's status: never configured, never run."""
    return {"code": "NotConfigured", "countSuccessiveCompleteFailures": 0,
            "escrowsPruned": False, "lastExecution": None, "lastSuccessfulExecution": None,
            "lastSuccessfulExecutionWithExports": None, "progress": [], "quarantine": None,
            "steadyStateFirstAchievedTime": _NEVER, "steadyStateLastAchievedTime": _NEVER,
            "synchronizedEntryCountByType": [], "troubleshootingUrl": None}


class _Fail(Exception):
    """A Graph error to answer with (status, code, message, extra headers)."""

    def __init__(self, status: int, code: str, message: str,
                 headers: Optional[dict[str, str]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Fail(400, "BadRequest",
                        f"Multiple properties with the name '{key}' were detected in an entry or "
                        "a complex value. In OData, duplicate property names are not allowed.")
        result[key] = value
    return result


def _odata_literal(text: str) -> str:
    """An id inside ``('...')`` in an OData URL: single quotes doubled."""
    return text.replace("'", "''")


class GraphService:
    """Answers Graph routes.

    Parameters:
        state: the emulator's state.
        tokens: verifies bearer tokens.
        identity: knows the accepted audiences.
        base: the origin, ``https://127.0.0.1:PORT``.
        dispatch_inner: runs one inner ``$batch`` request through the server's
            pipeline (routing, counters, log, faults) and returns its response.
    """

    def __init__(self, state: State, tokens: TokenService, identity: IdentityService, base: str,
                 dispatch_inner: InnerDispatch) -> None:
        self.state = state
        self.tokens = tokens
        self.identity = identity
        self.base = base.rstrip("/")
        self.dispatch_inner = dispatch_inner

    def routes(self) -> list[Route]:
        """The Graph routes, in match order."""
        owner = (r"^/(?P<version>v1\.0|beta)/(?P<collection>applications|servicePrincipals)"
                 r"/(?P<app>[^/]+)")
        jobs = re.compile(owner + r"/synchronization/jobs/?$", re.IGNORECASE)
        job = re.compile(owner + r"/synchronization/jobs/(?P<job>[^/]+)/?$", re.IGNORECASE)
        batch = re.compile(r"^/(?P<version>v1\.0|beta)/\$batch$", re.IGNORECASE)
        return [
            Route("jobs.create", ("POST",), jobs, self.create_job, "graph"),
            Route("jobs.list", ("GET",), jobs, self.list_jobs, "graph"),
            Route("jobs.get", ("GET",), job, self.get_job, "graph"),
            Route("jobs.delete", ("DELETE",), job, self.delete_job, "graph"),
            Route("batch", ("POST",), batch, self.batch, "graph"),
        ]

    # -- helpers ---------------------------------------------------------------------

    @staticmethod
    def _error(ctx: Context, fail: _Fail) -> Response:
        return odata_error(fail.status, fail.code, fail.message, ctx.request_id,
                           ctx.client_request_id, fail.headers)

    def _authorize(self, req: Request, needed: frozenset[str]) -> dict[str, Any]:
        """The token's claims if it is valid for Graph and grants one of ``needed``."""
        unauthorized = {"WWW-Authenticate": _WWW_AUTHENTICATE}
        header = (req.header("Authorization") or "").strip()
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if not header or scheme.lower() != "bearer" or not token:
            raise _Fail(401, "InvalidAuthenticationToken", "Access token is empty.", unauthorized)
        if token.count(".") != 2:
            raise _Fail(401, "InvalidAuthenticationToken",
                        "IDX14100: JWT is not well formed, there are no dots (.).\nThe token "
                        "needs to be in JWS or JWE Compact Serialization Format.", unauthorized)
        try:
            claims = self.tokens.verify(token)
        except TokenInvalid as exc:
            message = ("Access token has expired or is not yet valid." if exc.reason == "expired"
                       else "Access token validation failure.")
            raise _Fail(401, "InvalidAuthenticationToken", message, unauthorized) from exc
        if claims.get("aud") not in self.identity.graph_audiences():
            raise _Fail(401, "InvalidAuthenticationToken",
                        "Access token validation failure. Invalid audience.", unauthorized)
        granted = set(claims.get("roles") or []) | set(str(claims.get("scp") or "").split())
        if not granted & needed:
            raise _Fail(403, "Authorization_RequestDenied",
                        "Insufficient privileges to complete the operation.")
        return claims

    @staticmethod
    def _read_json(req: Request) -> Any:
        """The body as JSON, with Graph's 415/400 answers for the wrong type or bad JSON."""
        content_type = req.content_type
        json_type = content_type == "application/json" or content_type.endswith("+json")
        if content_type and not json_type:
            raise _Fail(415, "UnsupportedMediaType",
                        f"The content type '{req.header('Content-Type')}' is not supported. "
                        "Send the request body as application/json.")
        if not content_type or not req.body.strip():
            raise _Fail(400, "BadRequest", _PAYLOAD_UNREADABLE)
        try:
            text = req.body.decode("utf-8-sig")
            return json.loads(text, object_pairs_hook=_no_duplicates,
                              parse_constant=_reject_constant)
        except _Fail:
            raise
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Fail(400, "BadRequest", _PAYLOAD_UNREADABLE) from exc

    def _owner(self, match: "re.Match[str]") -> tuple[str, str, str]:
        """(version, collection in canonical case, application id decoded once)."""
        collection = match.group("collection")
        canonical = "applications" if collection.lower() == "applications" else "servicePrincipals"
        return match.group("version").lower(), canonical, unquote(match.group("app"))

    @staticmethod
    def _not_found(object_id: str) -> _Fail:
        return _Fail(404, "Request_ResourceNotFound",
                     f"Resource '{object_id}' does not exist or one of its queried "
                     "reference-property objects are not present.")

    def _context_url(self, version: str, collection: str, app_id: str, entity: bool) -> str:
        url = (f"{self.base}/{version}/$metadata#{collection}('{_odata_literal(app_id)}')"
               "/synchronization/jobs")
        return url + "/$entity" if entity else url

    @staticmethod
    def _ok(status: int, body: Any, headers: Optional[dict[str, str]] = None) -> Response:
        merged = {"OData-Version": "4.0"}
        merged.update(headers or {})
        return json_response(status, body, merged, content_type=GRAPH_JSON_CONTENT_TYPE)

    # -- jobs ---------------------------------------------------------------------------

    def build_job(self, body: dict[str, Any]) -> dict[str, Any]:
        """The stored job: server-assigned id, the client's values merged over the defaults.

        The id follows the form seen in Graph's responses,
        ``{templateId}.{32 hex digits}.{tenant GUID}``; a client-sent ``id`` is
        ignored because the property is read-only.
        """
        template = body["templateId"]
        job: dict[str, Any] = {"id": f"{template}.{uuid.uuid4().hex}.{self.state.tenant_id}",
                               "templateId": template}
        schedule = default_schedule()
        schedule.update(body.get("schedule") or {})
        status = default_status()
        status.update(body.get("status") or {})
        job["schedule"] = schedule
        job["status"] = status
        job["synchronizationJobSettings"] = list(body.get("synchronizationJobSettings") or [])
        for key, value in body.items():
            if key not in job and key not in ("id", "@odata.type"):
                job[key] = value   # schema, bulkUpload, annotations, lenient-mode extras
        return job

    def create_job(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``POST .../synchronization/jobs`` -> 201 with the stored job and ``Location``."""
        try:
            self._authorize(req, WRITE_PERMISSIONS)
            body = self._read_json(req)
            try:
                normalized = validate_job(body, self.state.config.strict_properties)
            except ValidationError as exc:
                raise _Fail(400, exc.code, exc.message) from exc
            version, collection, app_id = self._owner(match)
            if self.state.application(app_id) is None:
                raise self._not_found(app_id)
            job = self.state.create_job(app_id, self.build_job(normalized))
        except _Fail as fail:
            return self._error(ctx, fail)
        location = (f"{self.base}/{version}/{collection}/{quote(app_id, safe='')}"
                    f"/synchronization/jobs/{quote(job['id'], safe='')}")
        payload = {"@odata.context": self._context_url(version, collection, app_id, True), **job}
        return self._ok(201, payload, {"Location": location})

    def list_jobs(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``GET .../synchronization/jobs`` -> the collection."""
        try:
            self._authorize(req, READ_PERMISSIONS)
            version, collection, app_id = self._owner(match)
            jobs = self.state.list_jobs(app_id)
            if jobs is None:
                raise self._not_found(app_id)
        except _Fail as fail:
            return self._error(ctx, fail)
        return self._ok(200, {"@odata.context": self._context_url(version, collection, app_id,
                                                                  False), "value": jobs})

    def get_job(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``GET .../synchronization/jobs/{jobId}``."""
        try:
            self._authorize(req, READ_PERMISSIONS)
            version, collection, app_id = self._owner(match)
            job_id = unquote(match.group("job"))
            if self.state.application(app_id) is None:
                raise self._not_found(app_id)
            job = self.state.get_job(app_id, job_id)
            if job is None:
                raise self._not_found(job_id)
        except _Fail as fail:
            return self._error(ctx, fail)
        return self._ok(200, {"@odata.context": self._context_url(version, collection, app_id,
                                                                  True), **job})

    def delete_job(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``DELETE .../synchronization/jobs/{jobId}`` -> 204."""
        try:
            self._authorize(req, WRITE_PERMISSIONS)
            _, _, app_id = self._owner(match)
            job_id = unquote(match.group("job"))
            if self.state.application(app_id) is None:
                raise self._not_found(app_id)
            if not self.state.delete_job(app_id, job_id):
                raise self._not_found(job_id)
        except _Fail as fail:
            return self._error(ctx, fail)
        return Response(204, {})

    # -- $batch ---------------------------------------------------------------------------

    def _inner_path(self, version: str, url: str) -> tuple[str, str]:
        """(path, query) of an inner request's ``url``, made absolute under ``/{version}``."""
        if "://" in url:
            parts = urlsplit(url)
            path, query = parts.path, parts.query
            # An absolute URL names its own version segment.
            return path, query
        path, _, query = url.partition("?")
        if not path.startswith("/"):
            path = "/" + path
        return f"/{version}{path}", query

    def _batch_plan(self, payload: Any) -> list[dict[str, Any]]:
        """Validate the batch envelope; returns the requests. Raises _Fail (400) for the batch."""
        if not isinstance(payload, dict) or not isinstance(payload.get("requests"), list):
            raise _Fail(400, "BadRequest", "Invalid batch payload format.")
        requests = payload["requests"]
        if len(requests) > BATCH_LIMIT:
            raise _Fail(400, "BadRequest",
                        f"Invalid batch payload. The number of requests in the batch "
                        f"({len(requests)}) exceeds the limit of {BATCH_LIMIT}.")
        seen: set[str] = set()
        for item in requests:
            if not isinstance(item, dict):
                raise _Fail(400, "BadRequest", "Invalid batch payload format.")
            rid, method, url = item.get("id"), item.get("method"), item.get("url")
            if not isinstance(rid, str) or not rid:
                raise _Fail(400, "BadRequest", "Batch request id is missing or is not a string.")
            if not isinstance(method, str) or not method:
                raise _Fail(400, "BadRequest", f"Method is missing for request id : {rid}.")
            if not isinstance(url, str) or not url:
                raise _Fail(400, "BadRequest", f"Url is missing for request id : {rid}.")
            if rid.lower() in seen:
                raise _Fail(400, "BadRequest", f"Batch request contains duplicate id : {rid}.")
            seen.add(rid.lower())
            headers = item.get("headers")
            if headers is not None and not isinstance(headers, dict):
                raise _Fail(400, "BadRequest", f"Headers of request id : {rid} must be an object.")
            if method.upper() in ("POST", "PUT", "PATCH"):
                has_type = any(str(k).lower() == "content-type" for k in (headers or {}))
                if "body" not in item or not has_type:
                    raise _Fail(400, "BadRequest", f"Write request id : {rid} does not contain "
                                "Content-Type header or body.")
        for item in requests:
            depends = item.get("dependsOn", [])
            if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
                raise _Fail(400, "BadRequest",
                            f"dependsOn of request id : {item['id']} must be an array of ids.")
            for dep in depends:
                if dep.lower() not in seen or dep.lower() == item["id"].lower():
                    raise _Fail(400, "BadRequest", f"Request id : {item['id']} depends on an "
                                f"unknown request id : {dep}.")
        return self._ordered(requests)

    @staticmethod
    def _ordered(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Requests in an order that honours ``dependsOn`` (stable otherwise); 400 on a cycle."""
        by_id = {r["id"].lower(): r for r in requests}
        done: set[str] = set()
        order: list[dict[str, Any]] = []
        # Each pass places at least one request or proves a cycle, so at most len() passes.
        for _ in range(len(requests) + 1):
            progressed = False
            for item in requests:
                key = item["id"].lower()
                if key in done:
                    continue
                if all(d.lower() in done for d in item.get("dependsOn", [])):
                    done.add(key)
                    order.append(item)
                    progressed = True
            if len(order) == len(requests):
                return order
            if not progressed:
                break
        raise _Fail(400, "BadRequest", "Batch request contains a circular dependsOn chain: "
                    + ", ".join(sorted(set(by_id) - done)) + ".")

    def batch(self, req: Request, match: "re.Match[str]", ctx: Context) -> Response:
        """``POST /{version}/$batch``: up to 20 requests, ``dependsOn`` honoured, 424 on failure."""
        version = match.group("version").lower()
        try:
            self._authorize(req, READ_PERMISSIONS | WRITE_PERMISSIONS)
        except _Fail as fail:
            if fail.status == 401:
                return self._error(ctx, fail)
            # Permission is decided per inner request.
        try:
            plan = self._batch_plan(self._read_json(req))
        except _Fail as fail:
            return self._error(ctx, fail)
        statuses: dict[str, int] = {}
        responses: list[dict[str, Any]] = []
        for item in plan:
            rid = item["id"]
            failed = [d for d in item.get("dependsOn", []) if statuses.get(d.lower(), 0) >= 400]
            if failed:
                statuses[rid.lower()] = 424
                body = {"error": {"code": "FailedDependency",
                                  "message": "The request depends on request(s) that failed: "
                                             + ", ".join(failed) + ".",
                                  "innerError": {"date": iso_utc(), "request-id": ctx.request_id,
                                                 "client-request-id": ctx.client_request_id}}}
                responses.append({"id": rid, "status": 424,
                                  "headers": {"Content-Type": "application/json"}, "body": body})
                continue
            inner = self._inner_request(req, item, version)
            if re.match(r"^/(v1\.0|beta)/\$batch", inner.path, re.IGNORECASE):
                answer = odata_error(400, "BadRequest", "Nested batch requests are not supported.",
                                     ctx.request_id, ctx.client_request_id)
            else:
                answer = self.dispatch_inner(inner, ctx)
            statuses[rid.lower()] = answer.status
            responses.append(self._inner_response(rid, answer))
        return json_response(200, {"responses": responses}, {"OData-Version": "4.0"})

    def _inner_request(self, outer: Request, item: dict[str, Any], version: str) -> Request:
        path, query = self._inner_path(version, item["url"])
        headers = {str(k): str(v) for k, v in (item.get("headers") or {}).items()}
        # Inner requests run as the batch's caller: its token, its correlation id.
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        auth = outer.header("Authorization")
        if auth is not None:
            headers["Authorization"] = auth
        if outer.header("client-request-id") and not any(
                k.lower() == "client-request-id" for k in headers):
            headers["client-request-id"] = str(outer.header("client-request-id"))
        body = b""
        if "body" in item:
            value = item["body"]
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            if isinstance(value, str) and "json" not in content_type.lower():
                try:
                    body = base64.b64decode(value, validate=False)
                except (binascii.Error, ValueError):
                    body = value.encode("utf-8")
            else:
                body = json.dumps(value).encode("utf-8")
        return Request(method=item["method"].upper(), path=path, query_string=query,
                       headers=headers, body=body, client_address=outer.client_address,
                       via_batch=item["id"])

    @staticmethod
    def _inner_response(rid: str, answer: Response) -> dict[str, Any]:
        keep = ("content-type", "location", "retry-after", "odata-version", "cache-control",
                "www-authenticate")
        headers = {k: v for k, v in answer.headers.items() if k.lower() in keep}
        entry: dict[str, Any] = {"id": rid, "status": answer.status, "headers": headers}
        if answer.body:
            content_type = next((v for k, v in answer.headers.items()
                                 if k.lower() == "content-type"), "")
            if "json" in content_type.lower():
                try:
                    entry["body"] = json.loads(answer.body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    # A malformed body inside a batch travels base64-encoded, like binary bodies.
                    entry["body"] = base64.b64encode(answer.body).decode("ascii")
            else:
                entry["body"] = base64.b64encode(answer.body).decode("ascii")
        return entry
