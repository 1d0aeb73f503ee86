"""The PowerShell bridge protocol, version 1: messages, dispatch and the subprocess helper.

One message shape serves every transport. The subprocess helper
(``python -m bridge.protocol``) reads one JSON object per line (UTF-8) on stdin
and writes one per line on stdout; an in-process transport calls
:func:`handle_json` with the same text. The full description is in
``docs/protocol.md``.

Usage::

    >>> from bridge.protocol import dispatch
    >>> dispatch({"v": 1, "id": 1, "op": "profile", "args": {"action": "get"}})["result"]
    {'profile': 'v1.0'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING as _TYPE_CHECKING, Any as _Any

from ._dispatch import OPS, PROTOCOL_VERSION, SUPPORTED_VERSIONS, dispatch, handle_json
from ._errors import ERROR_TABLE, Cancelled, error_to_dict

if _TYPE_CHECKING:
    from ._codec import TAG, TYPE_NAMES, ForeignValue, decode_value

# The value codec loads the spec's enums (PyYAML): imported on first use, so the helper
# answers 'hello' without it (_warmup imports it after).
_CODEC_NAMES = frozenset({"TAG", "TYPE_NAMES", "ForeignValue", "decode_value"})


def __getattr__(name: str) -> _Any:
    if name in _CODEC_NAMES:
        from . import _codec
        return getattr(_codec, name)
    raise AttributeError(f"module 'bridge.protocol' has no attribute {name!r}")

__all__ = ["PROTOCOL_VERSION", "SUPPORTED_VERSIONS", "OPS", "dispatch", "handle_json",
           "decode_value", "ForeignValue", "TAG", "TYPE_NAMES", "ERROR_TABLE", "Cancelled",
           "error_to_dict"]
