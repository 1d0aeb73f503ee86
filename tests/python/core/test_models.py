"""The typed result: attribute access from the spec, raw JSON kept."""

from datetime import datetime, timedelta, timezone

import pytest

from bridge import SynchronizationJob

GRAPH_JOB = {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#jobs/$entity",
    "id": "scim.e8f5a7d8e7b34a5b9b8c2b4e6f1a3c5d.1f2e3d4c-0000-4000-8000-000000000001",
    "templateId": "scim",
    "schedule": {"expiration": None, "interval": "P10675199DT2H48M5.4775807S", "state": "Disabled"},
    "status": {"code": "NotRun", "lastExecution": {"timeBegan": "2024-01-01T00:00:00Z",
                                                   "error": {"code": "E1"}},
               "quarantine": None, "progress": [{"totalUnits": 3}]},
    "synchronizationJobSettings": [{"name": "AzureIngestionAttributeOptimization", "value": "False"}],
    "newGraphProperty": {"x": 1},
}


def test_attribute_access_is_typed():
    job = SynchronizationJob(GRAPH_JOB)
    assert job.id.startswith("scim.")
    assert job.template_id == "scim"
    assert job.schedule.state == "Disabled"
    assert job.schedule.interval == timedelta(days=10675199, hours=2, minutes=48, seconds=5,
                                              microseconds=477580)
    assert job.schedule.expiration is None
    assert job.status.last_execution.time_began == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert job.status.last_execution.error.code == "E1"
    assert job.status.quarantine is None
    assert job.status.progress[0].total_units == 3
    assert job.synchronization_job_settings[0].name == "AzureIngestionAttributeOptimization"


def test_additional_properties_and_to_dict():
    job = SynchronizationJob(GRAPH_JOB)
    assert job.additional_properties == {"newGraphProperty": {"x": 1}}
    assert job.to_dict() == GRAPH_JOB
    copy = job.to_dict()
    copy["id"] = "changed"
    assert job.id == GRAPH_JOB["id"]
    assert job["templateId"] == "scim"


def test_results_are_read_only_and_unknown_attributes_raise():
    job = SynchronizationJob(GRAPH_JOB)
    with pytest.raises(AttributeError):
        job.id = "x"
    with pytest.raises(AttributeError):
        job.no_such_thing  # noqa: B018
    assert "SynchronizationJob(" in repr(job) and "templateId='scim'" in repr(job)
    assert job == SynchronizationJob(dict(GRAPH_JOB))
