"""Scalar values: from what a caller gives to the JSON Graph expects, and back.

Each ``to_json_*`` function takes a caller's value and returns Graph's JSON
form, or raises :class:`ValueError` with a sentence saying what was expected;
binding turns that into a :class:`~bridge.BindingError` with the key path.

Rules where .NET, PowerShell and Graph leave room (documented in docs/):

- DateTime: held in 100 ns ticks like .NET. Aware values are converted to UTC;
  *naive* values are local time, as .NET's ``DateTime.ToUniversalTime`` treats
  ``Kind=Unspecified``; ISO 8601 strings are accepted (``Z``/offsets, up to 7
  fractional digits as .NET's round-trip ``"o"`` format writes) and a string
  without an offset is UTC, as the SDK sends one from a hashtable. Sent as
  ``2024-05-01T08:00:00Z``, with fractional seconds (all 7 digits) only when non-zero.
- TimeSpan: kept in 100 ns ticks like .NET, so ``TimeSpan.MaxValue``
  (``P10675199DT2H48M5.4775807S``) round-trips exactly. Accepted:
  ``timedelta``, ISO 8601 durations (``PT40M``, ``P1DT2H``; ``Y`` = 365 days
  and ``M`` = 30 days as .NET's ``XmlConvert`` reads them) and .NET's
  constant format (``00:40:00``, ``1.02:00:00``). Numbers are refused: PowerShell
  would read ``[TimeSpan]40`` as 40 ticks, which is never what was meant.
- Integers: ``int`` (not ``bool``), integral floats and decimal strings, range-checked.
- Booleans: strictly ``True``/``False``.
- Strings: ``str``; numbers are converted as PowerShell converts them; booleans,
  lists and dicts are refused.
- Enums: case-insensitive, sent in Graph's casing; flag enums take
  comma-separated combinations, sent as ``Add,Update`` (OData's form).
"""

from __future__ import annotations

import math

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from ._spec import EnumSpec
from ._wording import show, term

__all__ = ["to_json_datetime", "to_json_timespan", "to_json_int", "to_json_bool",
           "to_json_string", "to_json_enum", "parse_datetime", "parse_datetime_ticks",
           "format_datetime_ticks", "ticks_to_datetime", "DATETIME_MAX_TICKS", "parse_duration_ticks",
           "ticks_to_iso", "ticks_to_timedelta", "INT32_RANGE", "INT64_RANGE"]

INT32_RANGE = (-2**31, 2**31 - 1)
INT64_RANGE = (-2**63, 2**63 - 1)
TICKS_PER_SECOND = 10_000_000
TICKS_PER_DAY = 86_400 * TICKS_PER_SECOND
TIMESPAN_MAX_TICKS = 2**63 - 1

_ISO_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)(?:\.(?P<f>\d+))?S)?)?$")
_DOTNET_TIMESPAN = re.compile(
    r"^(?P<sign>-)?(?:(?P<d>\d+)\.)?(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})"
    r"(?:\.(?P<f>\d{1,7}))?)?$")
_ISO_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<f>\d+))?)?"
    r"(?P<tz>Z|z|[+-]\d{2}:?\d{2})?$")
_DECIMAL_INT = re.compile(r"^\s*[+-]?\d+\s*$")


def _describe(value: Any) -> str:
    return show(value)


# -- DateTime -----------------------------------------------------------------
# Instants are held in .NET ticks (100 ns since 0001-01-01T00:00:00Z), as
# TimeSpans are, so Graph's Edm.DateTimeOffset keeps all 7 fractional digits
# from a caller's string to the wire; a Python datetime has microseconds only.

_EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)
DATETIME_MAX_TICKS = 3_155_378_975_999_999_999  # DateTime.MaxValue.Ticks


def _utc_ticks(value: datetime) -> int:
    delta = _to_utc(value) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * TICKS_PER_SECOND + delta.microseconds * 10


def parse_datetime_ticks(value: str) -> int:
    """Parse an ISO 8601 date/time string into UTC ticks (all 7 fractional digits).

    Without an offset the string is UTC, as Graph means it and as the SDK sends such
    a string from a hashtable (a naive ``datetime`` is local time instead).
    """
    m = _ISO_DATETIME.match(value.strip())
    if not m:
        raise ValueError(f"expected an ISO 8601 date and time such as "
                         f"'2024-05-01T08:00:00Z', got {_describe(value)}")
    time = m.group("time") or "00:00:00"
    if len(time) == 5:
        time += ":00"
    digits = m.group("f") or ""
    if len(digits) > 7:
        raise ValueError(f"expected at most 7 fractional digits (100 ns, .NET's precision), "
                         f"got {_describe(value)}")
    tz = m.group("tz")
    if tz is None or tz in ("Z", "z"):
        tz = "+00:00"
    elif ":" not in tz:
        tz = tz[:3] + ":" + tz[3:]
    try:
        parsed = datetime.fromisoformat(f"{m.group('date')}T{time}{tz}")
        ticks = _utc_ticks(parsed) + int(digits.ljust(7, "0"))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"expected a valid date and time, got {_describe(value)} ({exc})") from None
    if not 0 <= ticks <= DATETIME_MAX_TICKS:
        raise ValueError(f"expected a date and time between 0001-01-01 and 9999-12-31 UTC, "
                         f"got {_describe(value)}")
    return ticks


def ticks_to_datetime(ticks: int) -> datetime:
    """UTC ticks as an aware datetime (sub-microsecond digits are dropped)."""
    return _EPOCH + timedelta(microseconds=ticks // 10)


def format_datetime_ticks(ticks: int) -> str:
    """Graph's form: ``2024-05-01T08:00:00Z``, the fraction (up to 7 digits) only when non-zero."""
    dt = ticks_to_datetime(ticks - ticks % TICKS_PER_SECOND)
    # Not strftime: it does not zero-pad years before 1000 on glibc.
    text = (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T"
            f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}")
    fraction = ticks % TICKS_PER_SECOND
    if fraction:
        text += ("." + f"{fraction:07d}").rstrip("0")
    return text + "Z"


def parse_datetime(value: str) -> datetime:
    """Parse an ISO 8601 date/time string into an aware UTC datetime (offset-less: UTC).

    The datetime keeps microseconds; :func:`parse_datetime_ticks` keeps all 7 digits.
    """
    return ticks_to_datetime(parse_datetime_ticks(value))


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.astimezone()  # naive = local time, as .NET reads Kind=Unspecified
    return value.astimezone(timezone.utc)


def to_json_datetime(value: Any) -> str:
    """A DateTime value as Graph's ISO 8601 UTC string (100 ns precision kept)."""
    if isinstance(value, datetime):
        try:
            ticks = _utc_ticks(value)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"expected a valid date and time, got {_describe(value)} ({exc})") \
                from None
    elif isinstance(value, str):
        ticks = parse_datetime_ticks(value)
    else:
        raise ValueError(f"expected {term('datetime')}, got {_describe(value)}")
    return format_datetime_ticks(ticks)


# -- TimeSpan -----------------------------------------------------------------

def parse_duration_ticks(value: str) -> int:
    """Parse an ISO 8601 duration or .NET ``[-][d.]hh:mm[:ss[.fffffff]]`` into ticks."""
    text = value.strip()
    m = _ISO_DURATION.match(text)
    if m and text not in ("P", "-P") and not text.endswith("T"):
        g = m.groupdict()
        days = (int(g["y"] or 0) * 365 + int(g["mo"] or 0) * 30 + int(g["w"] or 0) * 7
                + int(g["d"] or 0))
        seconds = int(g["h"] or 0) * 3600 + int(g["mi"] or 0) * 60 + int(g["s"] or 0)
        fraction = int((g["f"] or "")[:7].ljust(7, "0"))
        ticks = days * TICKS_PER_DAY + seconds * TICKS_PER_SECOND + fraction
        return -ticks if g["sign"] else ticks
    m = _DOTNET_TIMESPAN.match(text)
    if m:
        g = m.groupdict()
        hours, minutes, seconds = int(g["h"]), int(g["mi"]), int(g["s"] or 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            raise ValueError(f"expected a TimeSpan with hours 0-23 and minutes and seconds 0-59, "
                             f"got {_describe(value)}")
        ticks = (int(g["d"] or 0) * TICKS_PER_DAY
                 + (hours * 3600 + minutes * 60 + seconds) * TICKS_PER_SECOND
                 + int((g["f"] or "").ljust(7, "0")))
        return -ticks if g["sign"] else ticks
    raise ValueError(f"expected {term('timespan')}, got {_describe(value)}")


def ticks_to_iso(ticks: int) -> str:
    """Ticks as .NET's ``XmlConvert.ToString(TimeSpan)`` writes them (``P1DT2H``, ``PT0S``)."""
    sign = "-" if ticks < 0 else ""
    ticks = abs(ticks)
    days, rest = divmod(ticks, TICKS_PER_DAY)
    hours, rest = divmod(rest, 3600 * TICKS_PER_SECOND)
    minutes, rest = divmod(rest, 60 * TICKS_PER_SECOND)
    seconds, fraction = divmod(rest, TICKS_PER_SECOND)
    out = f"{sign}P" + (f"{days}D" if days else "")
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or fraction:
        time += str(seconds) + (("." + f"{fraction:07d}").rstrip("0") if fraction else "") + "S"
    if time:
        out += "T" + time
    return out if out not in ("P", "-P") else "PT0S"


def ticks_to_timedelta(ticks: int) -> timedelta:
    """Ticks as a timedelta (sub-microsecond precision is dropped)."""
    return timedelta(microseconds=ticks // 10)


def to_json_timespan(value: Any) -> str:
    """A TimeSpan value as an ISO 8601 duration."""
    if isinstance(value, timedelta):
        ticks = (value.days * 86_400 + value.seconds) * TICKS_PER_SECOND + value.microseconds * 10
    elif isinstance(value, str):
        ticks = parse_duration_ticks(value)
    else:
        raise ValueError(f"expected {term('timespan.short')}, got {_describe(value)}")
    if abs(ticks) > TIMESPAN_MAX_TICKS:
        raise ValueError(f"expected a TimeSpan within TimeSpan.MaxValue "
                         f"(P10675199DT2H48M5.4775807S), got {_describe(value)}")
    return ticks_to_iso(ticks)


# -- Integers, booleans, strings, enums -------------------------------------

def to_json_int(value: Any, bits: int) -> int:
    """An Int32/Int64 value, range-checked."""
    lo, hi = INT32_RANGE if bits == 32 else INT64_RANGE
    kind = f"Int{bits}"
    if isinstance(value, bool):
        raise ValueError(f"expected an {kind} integer, got a boolean {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _DECIMAL_INT.match(value):
        number = int(value)
    else:
        raise ValueError(f"expected an {kind} integer, got {_describe(value)}")
    if not lo <= number <= hi:
        raise ValueError(f"expected an {kind} integer between {lo} and {hi}, got {number}")
    return number


def to_json_bool(value: Any) -> bool:
    """A Boolean value: only True or False."""
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected {term('boolean')}, got {_describe(value)}")


def to_json_string(value: Any) -> str:
    """A String value; numbers convert as PowerShell converts them."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a String, got {_describe(value)} (NaN and infinity "
                             "are not converted to text)")
        # PowerShell's [string] of a [double]: 15 significant digits, exponent as E+XX.
        return format(value, ".15g").upper()
    raise ValueError(f"expected a String, got {_describe(value)}")


def to_json_enum(value: Any, enum: EnumSpec) -> str:
    """An enum value in Graph's casing (flag enums: comma-separated combinations)."""
    text = to_json_string(value)
    parts = [p for p in (s.strip() for s in text.split(","))] if enum.flags else [text]
    canonical: list[str] = []
    for part in parts:
        c: Optional[str] = enum.canonical(part)
        if c is None:
            allowed = ", ".join(enum.values)
            combo = " (or a comma-separated combination)" if enum.flags else ""
            raise ValueError(f"expected one of the {enum.name} values {allowed}{combo}, "
                             f"got {_describe(value)}")
        canonical.append(c)
    return ",".join(canonical)
