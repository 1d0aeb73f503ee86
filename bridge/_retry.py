"""The retry budget and how long to wait: Retry-After, else exponential backoff with jitter.

The defaults and limits are the Graph SDK's ``RetryHandlerOption``, written
once at the end of this module (``DEFAULT_*``, ``MAX_*``) and used by every
client and by the request context: 3 retries (at most 10), a 3-second delay
(at most 180 s per wait). ``RetriesTimeLimit`` (here ``max_retry_time``) bounds
the whole retry phase; the SDK's default of 0 means "no limit", which here
means the hard cap of 180 s.

Which answers are retried: 429 (throttled), 503 (unavailable) and 504 (gateway
timeout), as the SDK's retry handler does. A ``Retry-After`` header, either
delta-seconds (``"2"``, ``"2.128"``) or an HTTP-date, sets the wait exactly;
without one the n-th retry waits ``retry_delay * 2**(n-1)`` plus a random
jitter of up to one ``retry_delay``, capped at 180 s. A wait that would end past
the time budget is not started: the budget is exhausted instead. A request
that may have reached Graph before its answer was lost is sent again only when
its method is idempotent (:data:`IDEMPOTENT_METHODS`).

One call spends one :class:`RetryBudget`, whichever layer asks for the retry.

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
from typing import Callable, NoReturn, Optional

from ._exceptions import BindingError, BridgeError, GraphError, RetryExhaustedError

__all__ = ["RetryPolicy", "RetryBudget", "Retry", "parse_retry_after", "RETRY_STATUSES",
           "IDEMPOTENT_METHODS", "DEFAULT_MAX_RETRY", "MAX_MAX_RETRY", "DEFAULT_RETRY_DELAY",
           "MAX_RETRY_DELAY", "DEFAULT_MAX_RETRY_TIME", "MAX_RETRY_TIME"]

RETRY_STATUSES = frozenset({429, 503, 504})
DEFAULT_MAX_RETRY = 3
MAX_MAX_RETRY = 10
DEFAULT_RETRY_DELAY = 3.0
MAX_RETRY_DELAY = 180.0
DEFAULT_MAX_RETRY_TIME = 180.0
MAX_RETRY_TIME = 180.0
#: Methods whose request may be sent again after it may have arrived (RFC 9110 9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


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
        max_retry: retries after the first attempt, 0..10 (default :data:`DEFAULT_MAX_RETRY`).
        retry_delay: base delay in seconds for backoff, 0..180
            (default :data:`DEFAULT_RETRY_DELAY`).
        max_retry_time: seconds the retry phase may last, 0..180; 0 means the
            hard cap of 180 (default :data:`DEFAULT_MAX_RETRY_TIME`).

    Raises:
        BindingError: a value is out of range or of the wrong type.
    """

    max_retry: int = DEFAULT_MAX_RETRY
    retry_delay: float = DEFAULT_RETRY_DELAY
    max_retry_time: float = DEFAULT_MAX_RETRY_TIME

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



@dataclass(frozen=True)
class Retry:
    """One more retry, as a :class:`RetryBudget` counted it.

    Parameters:
        number: 1 for the first retry (``Retry-Attempt``).
        wait: seconds to wait before it.
        elapsed: seconds the call has taken so far.
        exhausted: the budget does not allow it (too many, or past the time limit).
    """

    number: int
    wait: float
    elapsed: float
    exhausted: bool


class RetryBudget:
    """One call's spending of a :class:`RetryPolicy`: the retries made and the time taken.

    Usage::

        budget = RetryBudget(policy)
        retry = budget.next_retry(response.headers.get("retry-after"))
        if retry.exhausted:
            budget.give_up(retry, error)
        sleep(retry.wait)

    Parameters:
        policy: the retry settings.
        clock: the monotonic clock the time budget is measured with.
    """

    def __init__(self, policy: RetryPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.retries = 0
        self._clock = clock
        self._started = clock()

    def next_retry(self, retry_after: Optional[str]) -> Retry:
        """Count one more retry and say how long to wait before it and whether it is allowed."""
        self.retries += 1
        wait = self.policy.wait_for(self.retries, retry_after)
        elapsed = self._clock() - self._started
        exhausted = (self.retries > self.policy.max_retry
                     or elapsed + wait > self.policy.time_budget)
        return Retry(self.retries, wait, elapsed, exhausted)

    def give_up(self, retry: Retry, error: BridgeError) -> NoReturn:
        """End the call: :class:`RetryExhaustedError` after a Graph answer, else ``error`` itself."""
        if not isinstance(error, GraphError):
            raise error
        why = (f"the retry budget of {self.policy.max_retry} retries was used"
               if retry.number > self.policy.max_retry else
               f"waiting {retry.wait:.3f} s more would pass the {self.policy.time_budget:g} s "
               "retry time limit")
        raise RetryExhaustedError(
            f"Gave up after {retry.number} attempt(s) in {retry.elapsed:.1f} s ({why}); last "
            f"answer: {error.status} {error}", last_error=error, attempts=retry.number) from error
