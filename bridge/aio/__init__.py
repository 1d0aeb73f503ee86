"""bridge.aio: the same calls as coroutines, on ``httpx.AsyncClient``.

As Azure's SDKs do (``azure.identity.aio``), the async API is a subpackage
with the sync API's names: ``await bridge.aio.connect(...)``, ``await
bridge.aio.new_application_synchronization_job(...)``. Binding, what-if,
errors, retries and the never-create-twice rule are the sync client's own
(one implementation, two drivers); the connection, environments, profile and
request context are shared with :mod:`bridge`.

Usage::

    import asyncio, bridge.aio

    async def main() -> None:
        await bridge.aio.connect(client_id=..., tenant_id=..., client_secret=...)
        job = await bridge.aio.new_application_synchronization_job(
            application_id="5e2c...", template_id="scim")

    asyncio.run(main())

Many creates with bounded concurrency (one client, a semaphore)::

    async with bridge.aio.AsyncGraphClient() as client:
        limit = asyncio.Semaphore(8)

        async def create(app_id: str) -> bridge.SynchronizationJob:
            async with limit:
                return await bridge.aio.new_application_synchronization_job(
                    application_id=app_id, template_id="scim", client=client)

        jobs = await asyncio.gather(*(create(a) for a in app_ids))
"""

from ._generated_api import new_application_synchronization_job
from ._api import connect, disconnect
from ._client import AsyncGraphClient, CancelledCreate, get_default_client

__all__ = [
    "new_application_synchronization_job",
    "connect",
    "disconnect",
    "AsyncGraphClient",
    "CancelledCreate",
    "get_default_client",
]
