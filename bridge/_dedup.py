"""Create deduplication: which listed object a POST whose answer was lost may have created.

After a create's outcome is unknown, :class:`~bridge._client.GraphClient` lists
the collection and asks :func:`find_created` for the object the POST may have made:

    a listed object matches when, for every property the POST sent, it has the
    same value after normalising: keys compared case-insensitively, numbers by
    value (1 == 1.0), ISO 8601 date-times as instants to the microsecond
    (``Z`` == ``+00:00`` == no offset, ``.5`` == ``.5000000``), lists element
    by element in order, objects recursively (properties Graph adds are
    ignored), and a property sent as null matches null or absent. ``templateId`` is thus always compared. Among
    several matches the last listed is taken.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Mapping, Optional

from ._values import parse_datetime

__all__ = ["find_created", "values_match"]


def _as_instant(value: str) -> Optional[datetime]:
    # Binding's ISO 8601 rule (one for the package); a datetime keeps microseconds.
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def values_match(sent: Any, found: Any) -> bool:
    """Whether a listed value is what was sent, under :func:`find_created`'s normalisation."""
    if sent is None:
        return found is None
    if isinstance(sent, bool) or isinstance(found, bool):
        return isinstance(sent, bool) and isinstance(found, bool) and sent == found
    if isinstance(sent, (int, float)) and isinstance(found, (int, float)):
        return math.isclose(float(sent), float(found), rel_tol=1e-12, abs_tol=0.0) \
            or sent == found
    if isinstance(sent, str) and isinstance(found, str):
        if sent == found:
            return True
        a, b = _as_instant(sent), _as_instant(found)
        return a is not None and b is not None and a == b
    if isinstance(sent, Mapping) and isinstance(found, Mapping):
        lowered = {str(k).lower(): v for k, v in found.items()}
        for key, value in sent.items():
            key_l = str(key).lower()
            if key_l not in lowered:
                if value is None:
                    continue
                return False
            if not values_match(value, lowered[key_l]):
                return False
        return True
    if isinstance(sent, (list, tuple)) and isinstance(found, (list, tuple)):
        return len(sent) == len(found) and all(values_match(a, b) for a, b in zip(sent, found))
    return False


def find_created(items: list[Any], body: Any) -> Optional[dict[str, Any]]:
    """The listed object a POST of ``body`` may have created, or None (see the module doc)."""
    if not isinstance(body, Mapping) or not body:
        return None
    for item in reversed(items):
        if isinstance(item, dict) and values_match(body, item):
            return item
    return None

