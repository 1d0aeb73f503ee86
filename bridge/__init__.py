"""bridge: Microsoft Graph's New-MgApplicationSynchronizationJob, from Python and PowerShell.

Usage::

    import bridge
    bridge.connect(client_id=..., tenant_id=..., client_secret=...)
    job = bridge.new_application_synchronization_job(
        application_id="5e2c...", template_id="scim", schedule_interval="PT40M")
    job.id, job.schedule.interval

    # what the call would send, without sending it:
    request = bridge.new_application_synchronization_job(
        application_id="5e2c...", body_parameter={"templateId": "scim"}, what_if=True)
    request.url(), request.content
"""

from ._api import BindingWarning
from ._binding import UNSET, bind
from ._exceptions import (AuthenticationError, BindingError, BridgeError, GraphError,
                          NetworkError, ParameterSetError, ProtocolError, RetryExhaustedError,
                          SpecError, TimeoutError_, TransportError)
from ._generated.api import new_application_synchronization_job
from ._models import GraphModel, SynchronizationJob
from ._request import GraphRequest

__version__ = "0.1.0"

__all__ = [
    "new_application_synchronization_job",
    "bind",
    "UNSET",
    "GraphRequest",
    "GraphModel",
    "SynchronizationJob",
    "BindingWarning",
    "BridgeError",
    "SpecError",
    "BindingError",
    "ParameterSetError",
    "AuthenticationError",
    "TransportError",
    "TimeoutError_",
    "NetworkError",
    "RetryExhaustedError",
    "GraphError",
    "ProtocolError",
]
