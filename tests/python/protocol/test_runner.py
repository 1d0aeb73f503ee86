"""The one call runner, as both transports use it: the subprocess helper and the pythonnet host."""

from __future__ import annotations

import io
import json
import threading
from typing import Any, Iterator

import pytest

import bridge.protocol._dispatch as dispatch_module
from bridge.protocol import _host
from bridge.protocol._runner import CallRunner
from bridge.protocol._server import _Server


@pytest.fixture()
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A test op 'wait' that blocks until the test opens the gate (no timing guesses)."""
    opened = threading.Event()
    started = threading.Event()

    def wait(args: Any, ctx: Any) -> Any:
        started.set()
        ctx.emit("prompt", {"message": "waiting"})
        assert opened.wait(60)
        return {"waited": True, "text": args.get("text")}

    monkeypatch.setitem(dispatch_module.OPS, "wait", wait)
    opened.started = started  # type: ignore[attr-defined]
    yield opened
    opened.set()


class _Lines:
    """A sink that records what a runner delivers."""

    def __init__(self) -> None:
        self.lines: list[tuple[dict[str, Any], bool]] = []
        self.done = threading.Condition()

    def __call__(self, text: str, last: bool) -> None:
        text.encode("utf-8")  # always writable as UTF-8
        with self.done:
            self.lines.append((json.loads(text), last))
            self.done.notify_all()

    def wait_for(self, count: int) -> list[tuple[dict[str, Any], bool]]:
        with self.done:
            assert self.done.wait_for(lambda: len(self.lines) >= count, 60)
            return list(self.lines)


def test_cancel_answers_at_once_and_drops_the_late_answer(gate: threading.Event) -> None:
    runner, sink = CallRunner(), _Lines()
    runner.submit(1, {"v": 1, "id": 1, "op": "wait"}, sink)
    assert gate.started.wait(60)  # type: ignore[attr-defined]
    assert runner.running(1)
    assert runner.cancel(1) is True
    assert not runner.running(1)
    gate.set()
    runner.wait_idle(60)
    lines = sink.wait_for(2)
    event, stopped = lines[0], lines[-1]
    assert event[0]["event"] == "prompt" and event[1] is False
    assert stopped[1] is True and stopped[0]["error"]["errorId"] == "OperationStopped"
    assert all("result" not in m for m, _ in lines)  # the late answer never came through
    assert runner.cancel(1) is False


def test_requests_overlap_and_answers_carry_their_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    barrier = threading.Barrier(3, timeout=60)
    monkeypatch.setitem(dispatch_module.OPS, "meet", lambda a, c: {"met": barrier.wait() >= 0})
    runner, sink = CallRunner(), _Lines()
    for i in (1, 2, 3):  # only all three at once get past the barrier
        runner.submit(i, {"v": 1, "id": i, "op": "meet"}, sink)
    lines = sink.wait_for(3)
    assert sorted(m["id"] for m, last in lines if last) == [1, 2, 3]
    assert all(m["ok"] for m, _ in lines)


def test_a_duplicate_id_in_flight_is_a_protocol_error(gate: threading.Event) -> None:
    runner, sink = CallRunner(), _Lines()
    runner.submit(5, {"v": 1, "id": 5, "op": "wait"}, sink)
    runner.submit(5, {"v": 1, "id": 5, "op": "wait"}, sink)
    refused = [m for m, last in sink.wait_for(1) if last]
    assert refused and refused[0]["error"]["errorId"] == "ProtocolError"
    gate.set()


def test_the_helper_serves_cancel_by_id(gate: threading.Event) -> None:
    out = io.BytesIO()
    server = _Server(out)
    server.handle_line(b'{"v":1,"id":7,"op":"wait"}\n')
    assert gate.started.wait(60)  # type: ignore[attr-defined]
    server.handle_line(b'{"v":1,"id":8,"op":"cancel","args":{"target":7}}\n')
    gate.set()
    server.runner.wait_idle(60)
    replies = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    by_id = {(r["id"], "event" in r): r for r in replies}
    assert by_id[(7, False)]["error"]["errorId"] == "OperationStopped"
    assert by_id[(8, False)]["result"] == {"cancelled": True}
    assert len([r for r in replies if r["id"] == 7 and "event" not in r]) == 1


def test_the_host_takes_the_callers_ticket_so_a_cancel_always_finds_the_call(
        gate: threading.Event) -> None:
    ticket = "t-host-1"
    reply = _host.begin(ticket + '|{"v":1,"id":"h1","op":"wait"}')
    while reply[0] == "W":
        reply = _host.step(ticket)
    assert reply[0] == "E" and json.loads(reply[1:])["event"] == "prompt"
    assert _host.running('"h1"') == "1"
    _host.cancel(ticket)
    assert _host.running('"h1"') == "0"
    gate.set()
    assert _host.step(ticket)[0] == "R"  # unknown ticket now: an error reply, never a hang
    _host.cancel("never-begun")  # a stop before begin: nothing to do, no error


def test_the_host_answers_inline_ops_in_begin() -> None:
    reply = _host.begin('t-host-2|{"v":1,"id":2,"op":"profile","args":{"action":"get"}}')
    assert reply[0] == "R" and json.loads(reply[1:])["result"] == {"profile": "v1.0"}
    assert json.loads(_host.summary())["version"]


def test_replies_with_lone_surrogates_stay_valid_utf8_json() -> None:
    text = dispatch_module.encode({"message": "bad \ud800 key"})
    assert json.loads(text.encode("utf-8").decode("utf-8"))["message"] == "bad \ud800 key"
