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

from ._codec import TAG, TYPE_NAMES, ForeignValue, decode_value
from ._dispatch import OPS, PROTOCOL_VERSION, SUPPORTED_VERSIONS, dispatch, handle_json
from ._errors import ERROR_TABLE, Cancelled, error_to_dict

__all__ = ["PROTOCOL_VERSION", "SUPPORTED_VERSIONS", "OPS", "dispatch", "handle_json",
           "decode_value", "ForeignValue", "TAG", "TYPE_NAMES", "ERROR_TABLE", "Cancelled",
           "error_to_dict"]
