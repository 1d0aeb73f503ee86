"""The I/O a send needs, as steps: the client's logic yields them, a driver performs them.

The layers of a send (:mod:`bridge._client_core`) and the create path
(:mod:`bridge._create`) are generators that *yield* the I/O they need -- send
one HTTP request, wait, get a token -- and receive its result: the "sans-I/O"
pattern of h11/httpcore. :class:`~bridge.GraphClient` performs each step with a
blocking call, ``bridge.aio.AsyncGraphClient`` awaits it; :class:`StepWalk` is
the part of their drivers that is the same::

    walk = StepWalk(steps)
    for step in walk:
        with walk.reply() as reply:
            reply.value = perform(step)      # or: await perform(step)
    return walk.result
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Generator, Generic, Iterator, Mapping, Optional, TypeVar, Union, cast

__all__ = ["Send", "Sleep", "Token", "Step", "Steps", "Warn", "StepWalk", "Reply"]

_T = TypeVar("_T")


@dataclass(frozen=True)
class Send:
    """Step: send one HTTP request; the reply is its ``httpx.Response`` (body read).

    Failures are raised through :func:`bridge._exception_seam.map_exceptions`.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    content: Optional[bytes]


@dataclass(frozen=True)
class Sleep:
    """Step: wait ``seconds`` before the next attempt."""

    seconds: float


@dataclass(frozen=True)
class Token:
    """Step: get a token (``force_refresh`` after a 401); the reply is an AccessToken."""

    force_refresh: bool


Step = Union[Send, Sleep, Token]
Steps = Generator[Step, Any, _T]
#: Receives a warning about a call's outcome (an object found by listing, not by its answer).
Warn = Callable[[str], None]


class Reply:
    """What a driver got for the current step: it sets ``value`` (or raises)."""

    value: Any = None


class StepWalk(Generic[_T]):
    """Walks a step generator for a driver: iterate for the steps, reply to each, then ``result``.

    Parameters:
        steps: the generator of a send, a create or a listing.
    """

    def __init__(self, steps: Steps[_T]) -> None:
        self._steps = steps
        self._reply = Reply()
        self._error: Optional[Exception] = None
        self._done = False
        self._result: Optional[_T] = None

    def __iter__(self) -> Iterator[Step]:
        try:
            step = next(self._steps)
            while True:
                yield step
                error, self._error = self._error, None
                step = (self._steps.throw(error) if error is not None
                        else self._steps.send(self._reply.value))
        except StopIteration as stop:
            self._done = True
            self._result = stop.value

    @contextlib.contextmanager
    def reply(self) -> Iterator[Reply]:
        """Catch the current step's result: ``reply.value`` set in the block, or its exception.

        An Exception goes to the steps, which decide (most re-raise it, and it comes out
        of the iteration); a BaseException such as a cancellation passes straight out.
        """
        self._reply = Reply()
        try:
            yield self._reply
        except Exception as exc:
            self._error = exc

    @property
    def result(self) -> _T:
        """What the steps returned."""
        if not self._done:
            raise RuntimeError("the steps have not finished")
        return cast(_T, self._result)
