"""The created job as the shim materialises it: the SDK's model class from Graph's JSON.

The SDK's output object is a ``MicrosoftGraphSynchronizationJob`` (implementing
``IMicrosoftGraphSynchronizationJob``) read from Graph's JSON by its generated
model code. The shim's generated classes (psmodule/generated/Models.cs) do the
same, so the core sends Graph's JSON as it came, tagged with the class to read
it into::

    {"@mgbridge.type": "Model", "type": "MicrosoftGraphSynchronizationJob",
     "typeNames": ["Microsoft.Graph.PowerShell.Models.IMicrosoftGraphSynchronizationJob"],
     "json": {...Graph's job...}}

``typeNames`` are PSTypeNames added after the class's own (the interface name,
which scripts filter on). ``@odata.context`` is response metadata about the
request URL, not part of the job, and is left out.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from bridge._spec import MODELS_NAMESPACE, Spec, load_spec

from ._codec import TAG

__all__ = ["job_view", "type_names"]

_RESPONSE_METADATA = ("@odata.context",)


def type_names(interface: str) -> list[str]:
    """``IMicrosoftGraphSynchronizationJob`` -> the SDK class and interface full names."""
    return [f"{MODELS_NAMESPACE}.{interface[1:]}", f"{MODELS_NAMESPACE}.{interface}"]


def job_view(data: Mapping[str, Any], spec: Optional[Spec] = None) -> dict[str, Any]:
    """The tagged output object for a synchronizationJob JSON object."""
    spec = spec or load_spec()
    interface = spec.body.interface
    job = {k: v for k, v in data.items() if k not in _RESPONSE_METADATA}
    return {TAG: "Model", "type": interface[1:], "typeNames": type_names(interface)[1:],
            "json": job}
