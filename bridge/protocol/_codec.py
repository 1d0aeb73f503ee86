"""Values on the wire: JSON plus a few tagged .NET values, in both directions.

JSON alone cannot say "this string was a TimeSpan" or keep a DateTime's Kind,
and PowerShell's ``ConvertTo-Json`` loses both (it turns a TimeSpan into an
object and stops at depth 2). So the shim's encoder writes these values as a
tagged object, and :func:`decode_value` turns them back into Python values
before the core sees them::

    {"@mgbridge.type": "TimeSpan", "ticks": 24000000000}            -> timedelta (exact)
                                                                       or ISO string (sub-µs)
    {"@mgbridge.type": "DateTime", "value": "2024-05-01T08:00:00.0000000Z",
     "kind": "Utc" | "Local" | "Unspecified"}                        -> datetime (aware, or
                                                                       naive for Unspecified)
    {"@mgbridge.type": "DateTimeOffset", "value": "...+02:00"}       -> aware datetime
    {"@mgbridge.type": "Double", "value": "NaN" | "Infinity" | "-Infinity"} -> float
    {"@mgbridge.type": "Unsupported", "type": "System.IO.FileInfo", "text": "..."}
                                                                    -> ForeignValue
    {"@mgbridge.type": "Credential", "userName": "...", "password": "..."}
                                                                    -> ProxyCredential

A :class:`ForeignValue` is a .NET object with no Graph JSON form; the core's
binder refuses it with a BindingError naming the key path (never dropped).

Results travel the other way with the same tags (:func:`tag_datetime`,
:func:`tag_timespan`) plus two that only the shim's decoder reads:
``{"@mgbridge.type": "Dictionary", "entries": {...}}`` (an ordered dictionary
with exact key spelling, for AdditionalProperties) and the key
``"@mgbridge.typeNames"`` on an object (the PSTypeNames to give it) and
``"@mgbridge.defaultDisplay"`` (its default display property set).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Optional, Union

__all__ = ["TAG", "TYPE_NAMES", "DEFAULT_DISPLAY", "ForeignValue", "decode_value", "tag_datetime", "tag_timespan",
           "tag_dictionary"]

TAG = "@mgbridge.type"
TYPE_NAMES = "@mgbridge.typeNames"
DEFAULT_DISPLAY = "@mgbridge.defaultDisplay"

_O_FORMAT = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})?$")


class ForeignValue:
    """A .NET value the shim could not express as JSON (kept so the core can refuse it)."""

    __slots__ = ("type_name", "text")

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.text!r}>"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ForeignValue) and other.type_name == self.type_name
                and other.text == self.text)

    __hash__ = None  # type: ignore[assignment]


def _parse_o(text: str, kind: str) -> Union[datetime, str]:
    """A .NET round-trip ("o") DateTime/DateTimeOffset text as the core binds it.

    Whole microseconds: a datetime (aware, or naive = local for Kind=Unspecified).
    A 7th fractional digit: Graph's UTC string with all 7 digits (Python's datetime
    stops at microseconds), as a TimeSpan with sub-microsecond ticks becomes an ISO
    duration string.
    """
    m = _O_FORMAT.match(text)
    if not m:
        raise ValueError(f"not a round-trip ('o') date/time: {text!r}")
    digits = (m.group(2) or "").ljust(7, "0")
    base = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(microsecond=int(digits[:6]))
    tz = m.group(3)
    if tz == "Z" or (not tz and kind == "Utc"):
        aware: Optional[datetime] = base.replace(tzinfo=timezone.utc)
    elif tz:
        sign = 1 if tz[0] == "+" else -1
        offset = timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])) * sign
        aware = base.replace(tzinfo=timezone(offset))
    else:
        aware = None  # Unspecified: naive, which the core reads as local time, like .NET
    if digits[6] == "0":
        return aware if aware is not None else base
    local = aware if aware is not None else base.astimezone()
    utc = local.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + digits[6] + "Z"


def _decode_tagged(value: dict[str, Any]) -> Any:
    tag = value.get(TAG)
    if tag == "TimeSpan":
        ticks = int(value["ticks"])
        if ticks % 10 == 0:
            return timedelta(microseconds=ticks // 10)
        # Sub-microsecond precision: the core parses ISO durations exactly, in ticks. (Imported
        # here: bridge._values loads the spec, which the helper's 'hello' does not wait for.)
        from bridge._values import ticks_to_iso
        return ticks_to_iso(ticks)
    if tag in ("DateTime", "DateTimeOffset"):
        return _parse_o(str(value["value"]), str(value.get("kind", "")))
    if tag == "Double":
        return float(str(value["value"]).replace("Infinity", "inf"))
    if tag == "Unsupported":
        return ForeignValue(str(value.get("type", "object")), str(value.get("text", "")))
    if tag == "Credential":
        # A PSCredential (-ProxyCredential); the password is registered for redaction.
        from bridge._call_options import ProxyCredential
        from bridge._redact import register_secret
        password = str(value.get("password") or "")
        register_secret(password)
        return ProxyCredential(str(value.get("userName") or ""), password)
    if tag == "Dictionary":
        return {k: decode_value(v) for k, v in dict(value.get("entries") or {}).items()}
    raise ValueError(f"unknown value tag {tag!r}")


def decode_value(value: Any) -> Any:
    """Turn wire JSON (with tags) into the Python values the core binds."""
    if isinstance(value, dict):
        if TAG in value:
            return _decode_tagged(value)
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def tag_datetime(value: datetime) -> dict[str, Any]:
    """A datetime for the shim's decoder (UTC when aware)."""
    # isoformat, not strftime: strftime drops the zero padding of years before 1000.
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return {TAG: "DateTime", "value": value.isoformat(timespec="microseconds") + "0Z",
                "kind": "Utc"}
    return {TAG: "DateTime", "value": value.isoformat(timespec="microseconds") + "0",
            "kind": "Unspecified"}


def tag_timespan(ticks: int) -> dict[str, Any]:
    """A TimeSpan (in 100 ns ticks) for the shim's decoder."""
    return {TAG: "TimeSpan", "ticks": ticks}


def tag_dictionary(entries: dict[str, Any]) -> dict[str, Any]:
    """An ordered dictionary whose keys must stay exactly as given."""
    return {TAG: "Dictionary", "entries": entries}


def timedelta_ticks(value: timedelta) -> int:
    """A timedelta in .NET ticks."""
    from bridge._values import TICKS_PER_SECOND
    return (value.days * 86_400 + value.seconds) * TICKS_PER_SECOND + value.microseconds * 10
