"""A create that is never doubled: the layers of a send, plus a look before any re-send.

:meth:`GraphClient.create` adds one rule to :meth:`GraphClient.send`: **a POST
is never sent twice blindly.** When its outcome is unknown -- the connection
dropped or a read timed out after the request may have arrived (the exception
seam's ``request_sent``), Graph answered 504, or the 2xx body was unreadable --
the collection is listed (GET on the same path, following ``@odata.nextLink``)
and the object the POST may have created looked for, by
:func:`bridge._dedup.find_created`.

If one matches it is returned, with a warning that says so: an identical
object that existed before the call cannot be told apart from the one just
created, so the returned object may predate the call (docs/decisions.md,
"Unknown outcomes"). Only if none matches is the POST sent again -- and only
when the first request can no longer be running: after a read or write
*timeout* Graph may still be creating the object, so the call ends with a
:class:`TimeoutError_` saying the outcome is unknown and nothing was re-sent.
If the listing itself fails the original error is raised (the outcome stays
unknown, and nothing is re-sent). Either way one create makes at most one object.

The wait before the listing is the retry's (so a request still being processed
has landed), and every re-send counts against the call's one retry budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

import httpx

from ._dedup import find_created
from ._exception_seam import may_still_run, request_maybe_sent
from ._exceptions import BridgeError, NetworkError, TimeoutError_, TransportError
from ._http_log import http_logger
from ._redact import redact
from ._request import GraphRequest
from ._response import read_response, response_error
from ._retry import RETRY_STATUSES
from ._steps import Sleep, Steps, Warn

if TYPE_CHECKING:
    from ._client_core import GraphClientCore

__all__ = ["create_steps"]

#: A 504 is Graph's gateway giving up, not Graph: the POST may have been acted on.
_UNKNOWN_STATUS = 504


def create_steps(client: "GraphClientCore", request: GraphRequest,
                 warn: Optional[Warn]) -> Steps[dict[str, Any]]:
    """:meth:`GraphClient.create`: send through the layers; on an unknown outcome, look first."""
    state = client._state(request)
    state.retry_statuses = RETRY_STATUSES - {_UNKNOWN_STATUS}
    while True:
        try:
            response = yield from client._send_handling_auth(state)
        except TransportError as exc:
            if request_maybe_sent(exc) is not True:
                raise  # not sent (its retries are spent), or not about sending at all
            error: BridgeError = exc
            retry_after = None
        else:
            if response.status_code != _UNKNOWN_STATUS:
                return (yield from _created(client, request, response, warn))
            error = response_error(response)
            retry_after = response.headers.get("retry-after")
        retry = state.budget.next_retry(retry_after)
        if not retry.exhausted and retry.wait > 0:
            yield Sleep(retry.wait)
        found = yield from _look_for_created(client, request, error, warn)
        if found is not None:
            return found
        if may_still_run(error):
            raise TimeoutError_(
                f"{error} -- the outcome is unknown: Graph received the request and may still "
                f"be creating the object, which {redact(request.path)} does not list yet; "
                "nothing was re-sent. List the collection before trying again.") from error
        if retry.exhausted:
            state.budget.give_up(retry, error)
        http_logger.debug("Retry %d of %s %s in %.3f s after: %s", retry.number, state.method,
                          redact(state.url), 0.0, error)


def _created(client: "GraphClientCore", request: GraphRequest, response: httpx.Response,
             warn: Optional[Warn]) -> Steps[dict[str, Any]]:
    """The created object from Graph's answer; an unreadable 2xx answer is looked for."""
    try:
        answer = read_response(response)
    except TransportError as unreadable:
        # Graph said it created the object: find it, but never send again.
        found = yield from _look_for_created(client, request, unreadable, warn)
        if found is None:
            raise
        return found
    if not request.succeeded(answer.status):  # the spec's success statuses
        raise response_error(response)
    return answer.json if isinstance(answer.json, dict) else {}


def _look_for_created(client: "GraphClientCore", request: GraphRequest, cause: BridgeError,
                      warn: Optional[Warn]) -> Steps[Optional[dict[str, Any]]]:
    """List the collection after an unknown outcome: the match, or None if certainly absent."""
    if not isinstance(request.body, Mapping) or not request.body:
        raise cause  # nothing to recognise the object by: the outcome stays unknown
    try:
        items = yield from client._list_steps(request.path)
    except BridgeError as exc:
        kind = type(cause) if isinstance(cause, (NetworkError, TimeoutError_)) else TransportError
        raise kind(f"{cause} -- the request may have been received, and listing "
                   f"{redact(request.path)} to find out failed too ({exc}); nothing was "
                   "re-sent.") from exc
    found = find_created(items, request.body)
    if found is not None and warn is not None:
        warn(f"Graph's answer to {request.method} {redact(request.path)} was lost ({cause}); "
             f"the object returned (id {found.get('id')!r}) was found by listing the "
             "collection instead of sending the request again. It has every value sent, "
             "and may be an identical object that existed before this call: if you meant "
             "to create another identical one, run the call again.")
    return found
