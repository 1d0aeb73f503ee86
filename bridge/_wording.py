"""Value wording for the caller's language: Python's types, or PowerShell's.

One core serves Python callers and PowerShell users; a message that says "a
timedelta" or "a dict" is no help in PowerShell, where the same input is a
``[TimeSpan]`` or a hashtable. Who is calling is :mod:`bridge._caller`'s
answer (the protocol runs each message as a PowerShell caller); messages ask
:func:`term` for the words and :func:`show` for a value as the caller would
have written it.

Usage::

    with powershell_caller():
        term("timespan")   # "a TimeSpan: a [TimeSpan] such as (New-TimeSpan -Minutes 40), ..."
        show({"a": True})  # "@{a=$true}"
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ._caller import is_powershell

__all__ = ["term", "show", "expected_type"]

# key -> (Python wording, PowerShell wording)
_TERMS: dict[str, tuple[str, str]] = {
    "timespan": ("a TimeSpan: a timedelta, an ISO 8601 duration such as 'PT40M' or "
                 "'d.hh:mm:ss' such as '00:40:00'",
                 "a TimeSpan: a [TimeSpan] such as (New-TimeSpan -Minutes 40), an ISO 8601 "
                 "duration string such as 'PT40M', or 'd.hh:mm:ss' such as '00:40:00'"),
    "timespan.short": ("a TimeSpan: a timedelta, an ISO 8601 duration such as 'PT40M' or "
                       "'d.hh:mm:ss'",
                       "a TimeSpan: a [TimeSpan] such as (New-TimeSpan -Minutes 40), or an "
                       "ISO 8601 duration string such as 'PT40M'"),
    "datetime": ("a datetime or an ISO 8601 string",
                 "a [DateTime] such as (Get-Date) or an ISO 8601 string such as "
                 "'2030-01-01T00:00:00Z'"),
    "boolean": ("a Boolean ($true/$false, True/False)", "a Boolean ($true or $false)"),
    "mapping": ("a dict", "a hashtable"),
    "mapping.long": ("a hashtable (dict)", "a hashtable"),
    # Recommended actions ("Give <expected>."), by spec type.
    "type.string": ("a string", "a [string]"),
    "type.boolean": ("True or False", "$true or $false"),
    "type.int32": ("an int (Int32)", "an [int] (Int32)"),
    "type.int64": ("an int (Int64)", "a [long] (Int64)"),
    "type.datetime": ("a datetime or an ISO 8601 string",
                      "a [DateTime] or an ISO 8601 string such as '2030-01-01T00:00:00Z'"),
    "type.timespan": ("a timedelta or an ISO 8601 duration such as 'PT40M'",
                      "a [TimeSpan] such as (New-TimeSpan -Minutes 40) or an ISO 8601 duration "
                      "string such as 'PT40M'"),
    "type.string[]": ("a list of strings", "an array of strings such as @('a', 'b')"),
}


def term(key: str) -> str:
    """The wording of ``key`` for the current audience."""
    python, powershell = _TERMS[key]
    return powershell if is_powershell() else python


def expected_type(spec_type: str) -> str:
    """What to give for a spec type: the type itself (``timespan``) for Python, which
    reads ``BindingError.expected``; PowerShell's words for the shim's recommended action."""
    key = f"type.{spec_type}"
    return term(key) if key in _TERMS and is_powershell() else spec_type


def show(value: Any, limit: int = 60) -> str:
    """A value as the caller wrote it: Python's repr, or PowerShell's literal syntax."""
    text = _powershell(value, 0) if is_powershell() else repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _powershell(value: Any, depth: int) -> str:
    if depth > 4:
        return "..."
    if value is None:
        return "$null"
    if value is True:
        return "$true"
    if value is False:
        return "$false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return f"[datetime]'{value.isoformat()}'"
    if isinstance(value, timedelta):
        return f"[timespan]'{value}'"
    if isinstance(value, dict):
        inner = "; ".join(f"{k}={_powershell(v, depth + 1)}" for k, v in value.items())
        return "@{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "@(" + ", ".join(_powershell(v, depth + 1) for v in value) + ")"
    type_name = getattr(value, "type_name", None)  # a .NET value the shim could not express
    return f"[{type_name}]" if isinstance(type_name, str) else repr(value)
