"""The retry budget and how long to wait: Retry-After, else exponential backoff with jitter.

The defaults and limits are the Graph SDK's ``RetryHandlerOption``: 3 retries
(at most 10), a 3-second delay (at most 180 s per wait). ``RetriesTimeLimit``
(here ``max_retry_time``) bounds the whole retry phase; the SDK's default of 0
means "no limit", which here means the hard cap of 180 s.

Which answers are retried: 429 (throttled), 503 (unavailable) and 504 (gateway
timeout), as the SDK's retry handler does. A ``Retry-After`` header, either
delta-seconds (``"2"``, ``"2.128"``) or an HTTP-date, sets the wait exactly;
without one the n-th retry waits ``retry_delay * 2**(n-1)`` plus a random
jitter of up to one ``retry_delay``, capped at 180 s. A wait that would end past
the time budget is not started: the budget is exhausted instead.

Usage::

    >>> policy = RetryPolicy(max_retry=3, retry_delay=0.5)
    >>> policy.wait_for(1, "2.128")
    2.128
    >>> 0.5 <= policy.wait_for(1, None) <= 1.0
    True
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Callable, Optional

from ._exceptions import BindingError

__all__ = ["RetryPolicy", "parse_retry_after", "RETRY_STATUSES", "DEFAULT_MAX_RETRY",
           "MAX_MAX_RETRY", "DEFAULT_RETRY_DELAY", "MAX_RETRY_DELAY", "DEFAULT_MAX_RETRY_TIME",
           "MAX_RETRY_TIME"]

RETRY_STATUSES = frozenset({429, 503, 504})


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` value, or None when absent or unreadable.

    Accepts delta-seconds, including a fraction (``"2.128"``), and an HTTP-date
    (``"Wed, 21 Oct 2015 07:28:00 GMT"``), which is measured from ``now``
    (default: the current time). A date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment is None or moment.tzinfo is None:
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def _check_number(name: str, value: object, low: float, high: float, integer: bool) -> None:
    ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type:
        kind = "an integer" if integer else "a number"
        raise BindingError(f"{name} must be {kind} between {low:g} and {high:g}, got {value!r}.",
                           parameter=name, expected=f"{low:g}..{high:g}", value=value)
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number) or number < low or number > high:
        raise BindingError(f"{name} must be between {low:g} and {high:g}, got {value!r}.",
                           parameter=name, expected=f"{low:g}..{high:g}", value=value)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how long to retry throttled or unavailable answers.

    Usage::

        policy = RetryPolicy(max_retry=5, retry_delay=1.0, max_retry_time=60)

    Parameters:
        max_retry: retries after the first attempt, 0..10 (default 3).
        retry_delay: base delay in seconds for backoff, 0..180 (default 3).
        max_retry_time: seconds the retry phase may last, 0..180; 0 means the
            hard cap of 180 (default 180).

    Raises:
        BindingError: a value is out of range or of the wrong type.
    """

    max_retry: int = 3
    retry_delay: float = 3.0
    max_retry_time: float = 180.0

    def __post_init__(self) -> None:
        _check_number("MaxRetry", self.max_retry, 0, MAX_MAX_RETRY, integer=True)
        _check_number("RetryDelay", self.retry_delay, 0, MAX_RETRY_DELAY, integer=False)
        _check_number("RetriesTimeLimit", self.max_retry_time, 0, MAX_RETRY_TIME, integer=False)

    @property
    def time_budget(self) -> float:
        """Seconds the retry phase may last (``max_retry_time``, 0 meaning 180)."""
        return float(self.max_retry_time) or MAX_RETRY_TIME

    def backoff(self, retry_number: int, rand: Callable[[], float] = random.random) -> float:
        """The wait before retry ``retry_number`` (1-based) without a Retry-After.

        ``retry_delay * 2**(n-1)`` plus up to one ``retry_delay`` of jitter, at most 180 s.
        """
        base = float(self.retry_delay) * float(2 ** max(0, retry_number - 1))
        return float(min(MAX_RETRY_DELAY, base + float(self.retry_delay) * rand()))

    def wait_for(self, retry_number: int, retry_after: Optional[str],
                 now: Optional[float] = None) -> float:
        """The wait before retry ``retry_number``: Retry-After when readable, else backoff."""
        parsed = parse_retry_after(retry_after, now)
        if parsed is not None:
            return parsed
        return self.backoff(retry_number)

    def to_dict(self) -> dict[str, float]:
        """The Get-MgRequestContext view of these settings."""
        return {"MaxRetry": self.max_retry, "RetryDelay": self.retry_delay,
                "RetriesTimeLimit": self.max_retry_time}


DEFAULT_MAX_RETRY = 3
MAX_MAX_RETRY = 10
DEFAULT_RETRY_DELAY = 3.0
MAX_RETRY_DELAY = 180.0
DEFAULT_MAX_RETRY_TIME = 180.0
MAX_RETRY_TIME = 180.0
