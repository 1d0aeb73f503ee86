"""bridge.aio against the emulator: the sync client's guarantees, awaited."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import bridge
import bridge.aio
from bridge.emulator import Emulator

from .conftest import AsyncEmulatorCredential, AzureAccessToken


def _connect_kwargs(info: Any, env_name: str) -> dict[str, Any]:
    return dict(client_id=info.client_id, tenant_id=info.tenant_id,
                client_secret=info.client_secret, environment=env_name)


def test_connect_and_create(emu: Emulator, info: Any, emu_env_name: str) -> None:
    async def main() -> bridge.SynchronizationJob:
        await bridge.aio.connect(**_connect_kwargs(info, emu_env_name))
        try:
            return await bridge.aio.new_application_synchronization_job(
                application_id=info.application_id, template_id="aio",
                schedule_interval="PT40M")
        finally:
            await bridge.aio.disconnect()

    job = asyncio.run(main())
    assert job.template_id == "aio" and job.schedule is not None
    assert job.schedule.interval is not None and job.schedule.interval.total_seconds() == 2400
    assert [j["id"] for j in emu.jobs(info.application_id)] == [job.id]
    assert bridge.get_context() is None


def test_many_creates_under_drop_after_are_counted_exactly(emu: Emulator, info: Any,
                                                           emu_env_name: str) -> None:
    """Bounded concurrency; three answers lost after the job was stored: still one job each."""
    count = 20
    bridge.connect(**_connect_kwargs(info, emu_env_name))
    emu.reset()
    emu.set_faults([{"route": "jobs.create", "kind": "drop_after", "count": 3}])

    async def main() -> list[bridge.SynchronizationJob]:
        async with bridge.aio.AsyncGraphClient(retry_delay=0.01) as client:
            limit = asyncio.Semaphore(5)

            async def create(i: int) -> bridge.SynchronizationJob:
                async with limit:
                    return await bridge.aio.new_application_synchronization_job(
                        application_id=info.application_id, template_id=f"bulk{i}",
                        client=client)

            return await asyncio.gather(*(create(i) for i in range(count)))

    with pytest.warns(bridge.OutcomeWarning) as said:
        jobs = asyncio.run(main())
    # Each recovered create says so, at the caller's line.
    outcomes = [w for w in said if issubclass(w.category, bridge.OutcomeWarning)]
    assert len(outcomes) == 3, [str(w.message)[:200] for w in said]
    assert {Path(w.filename).name for w in outcomes} == {"test_aio.py"}
    stored = emu.jobs(info.application_id)
    routes = emu.counters()["routes"]
    assert len(stored) == count and routes["jobs.create"] == count  # no POST was sent twice
    assert routes["jobs.list"] == 3  # each lost answer was resolved by listing
    assert sorted(j.id or "" for j in jobs) == sorted(j["id"] for j in stored)
    assert [j.template_id for j in jobs] == [f"bulk{i}" for i in range(count)]


def test_retries_as_the_sync_client(emu: Emulator, info: Any, emu_env_name: str) -> None:
    bridge.connect(**_connect_kwargs(info, emu_env_name))
    emu.reset()
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 503, "count": 2}])

    async def main() -> dict[str, Any]:
        async with bridge.aio.AsyncGraphClient(retry_delay=0.01) as client:
            return await client.create(bridge.new_application_synchronization_job(
                application_id=info.application_id, template_id="r", what_if=True))

    job = asyncio.run(main())
    assert emu.counters()["routes"]["jobs.create"] == 3
    assert [j["id"] for j in emu.jobs(info.application_id)] == [job["id"]]
    retries = [r["headers"].get("Retry-Attempt") for r in emu.requests()
               if r["route"] == "jobs.create"]
    assert retries == [None, "1", "2"]


def test_async_credential(emu: Emulator, info: Any, emu_env_name: str,
                          async_credential: AsyncEmulatorCredential) -> None:
    async def main() -> tuple[bridge.SynchronizationJob, bridge.GraphRequest]:
        async with bridge.aio.AsyncGraphClient(credential=async_credential,
                                               environment=emu_env_name) as client:
            job = await bridge.aio.new_application_synchronization_job(
                application_id=info.application_id, template_id="ac", client=client)
            request = await bridge.aio.new_application_synchronization_job(
                application_id=info.application_id, template_id="ac", client=client,
                what_if=True)
            return job, request

    job, request = asyncio.run(main())
    assert async_credential.calls == [(f"{info.graph_url}/.default",)]
    assert request.url() == f"{info.graph_url}/v1.0/applications/{info.application_id}" \
                            "/synchronization/jobs"
    assert [j["id"] for j in emu.jobs(info.application_id)] == [job.id]


def test_aio_connect_with_an_async_credential(emu: Emulator, info: Any, emu_env_name: str,
                                              async_credential: AsyncEmulatorCredential) -> None:
    async def main() -> None:
        await bridge.aio.connect(credential=async_credential, environment=emu_env_name)
        context = bridge.get_context()
        assert context is not None and context.tenant_id == info.tenant_id  # from the token
        await bridge.aio.new_application_synchronization_job(
            application_id=info.application_id, template_id="acc")
        await bridge.aio.disconnect()

    asyncio.run(main())
    assert len(emu.jobs(info.application_id)) == 1

    # A sync call cannot await an async credential: it is told so, and nothing is sent.
    bridge.connect(credential=async_credential, environment=emu_env_name)
    with pytest.raises(bridge.AuthenticationError, match="async credential"):
        bridge.new_application_synchronization_job(application_id=info.application_id,
                                                   template_id="x")
    assert len(emu.jobs(info.application_id)) == 1


def test_cancelled_after_the_post_left_the_job_is_known(emu: Emulator, info: Any,
                                                        emu_env_name: str) -> None:
    bridge.connect(**_connect_kwargs(info, emu_env_name))
    emu.reset()
    # Graph takes a while to answer: the POST has arrived when the caller gives up.
    emu.set_faults([{"route": "jobs.create", "kind": "latency", "seconds": 1.0}])

    async def main() -> bridge.aio.AsyncGraphClient:
        client = bridge.aio.AsyncGraphClient(retry_delay=0.01)
        task = asyncio.create_task(bridge.aio.new_application_synchronization_job(
            application_id=info.application_id, template_id="cx", client=client))
        while emu.counters()["routes"].get("jobs.create", 0) == 0:  # until Graph has it
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.aclose()
        return client

    client = asyncio.run(main())
    stored = emu.jobs(info.application_id)
    assert len(stored) == 1
    assert len(client.cancelled_creates) == 1
    outcome = client.cancelled_creates[0]
    assert outcome.job is not None and outcome.job["id"] == stored[0]["id"]
    assert outcome.error is None and outcome.request.body == {"templateId": "cx"}


def test_cancelled_before_the_post_nothing_is_sent(emu: Emulator, info: Any,
                                                   emu_env_name: str) -> None:
    class SlowCredential:
        def __init__(self) -> None:
            self.asked = asyncio.Event()

        async def get_token(self, *scopes: str) -> AzureAccessToken:
            self.asked.set()
            await asyncio.Event().wait()  # never answers
            raise AssertionError("unreachable")

    async def main() -> bridge.aio.AsyncGraphClient:
        credential = SlowCredential()
        client = bridge.aio.AsyncGraphClient(credential=credential, environment=emu_env_name)
        task = asyncio.create_task(bridge.aio.new_application_synchronization_job(
            application_id=info.application_id, template_id="cb", client=client))
        await credential.asked.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.aclose()
        return client

    client = asyncio.run(main())
    assert client.cancelled_creates == []
    assert emu.counters()["routes"].get("jobs.create", 0) == 0
    assert emu.jobs(info.application_id) == []


def test_not_connected_names_the_python_call() -> None:
    async def main() -> None:
        await bridge.aio.new_application_synchronization_job(application_id="a",
                                                             template_id="t")

    with pytest.raises(bridge.AuthenticationError, match=r"bridge\.connect\(\.\.\.\)"):
        asyncio.run(main())


def test_async_client_with_a_sync_credential(emu: Emulator, info: Any, emu_env_name: str,
                                             credential: Any) -> None:
    """A sync azure-core credential is asked in a worker thread, never on the loop."""
    async def main() -> bridge.SynchronizationJob:
        async with bridge.aio.AsyncGraphClient(credential=credential,
                                               environment=emu_env_name) as client:
            return await bridge.aio.new_application_synchronization_job(
                application_id=info.application_id, template_id="sc", client=client)

    job = asyncio.run(main())
    assert credential.calls == [(f"{info.graph_url}/.default",)]
    assert [j["id"] for j in emu.jobs(info.application_id)] == [job.id]


def test_aio_exports_the_sync_names_as_coroutines() -> None:
    import inspect
    assert all(hasattr(bridge.aio, name) for name in bridge.aio.__all__)
    for name in ("new_application_synchronization_job", "connect", "disconnect"):
        assert inspect.iscoroutinefunction(getattr(bridge.aio, name)), name
        assert hasattr(bridge, name)
    sync = inspect.signature(bridge.new_application_synchronization_job).parameters
    coro = inspect.signature(bridge.aio.new_application_synchronization_job).parameters
    assert list(sync) == list(coro)


def test_asyncio_timeout_after_the_post_left_raises_timeout_and_the_job_is_known(
        emu: Emulator, info: Any, emu_env_name: str) -> None:
    """asyncio.timeout() still works (TimeoutError), and the job it interrupted is recorded."""
    bridge.connect(**_connect_kwargs(info, emu_env_name))
    emu.reset()
    emu.set_faults([{"route": "jobs.create", "kind": "latency", "seconds": 1.0}])

    async def expire_once_graph_has_it(scope: asyncio.Timeout) -> None:
        while emu.counters()["routes"].get("jobs.create", 0) == 0:
            await asyncio.sleep(0.01)
        scope.reschedule(asyncio.get_running_loop().time())  # the deadline passes now

    async def main() -> bridge.aio.AsyncGraphClient:
        async with bridge.aio.AsyncGraphClient() as client:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(None) as scope:
                    watcher = asyncio.create_task(expire_once_graph_has_it(scope))
                    await bridge.aio.new_application_synchronization_job(
                        application_id=info.application_id, template_id="to", client=client)
            await watcher
            return client

    client = asyncio.run(main())
    stored = emu.jobs(info.application_id)
    assert len(stored) == 1
    assert [c.job["id"] if c.job else None for c in client.cancelled_creates] == [stored[0]["id"]]
