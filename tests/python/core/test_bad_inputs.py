"""A catalogue of bad inputs: each names its parameter and key path, and nothing is sent."""

from datetime import datetime

import pytest

from bridge import BindingError, new_application_synchronization_job

APP = "5e2c7f9a-0000-4000-8000-000000000001"


class RecordingClient:
    """Stands in for GraphClient: records what would have been sent."""

    def __init__(self):
        self.sent = []

    def create(self, request):
        self.sent.append(request)
        return {"id": "x"}


def rule(**mapping):
    return {"ObjectMappings": [{"AttributeMappings": [mapping]}]}


# (id, kwargs, expected path, message fragment)
CATALOGUE = [
    ("no-parameters", {}, "ApplicationId", "missing mandatory parameters: ApplicationId"),
    ("body-without-target", {"body_parameter": {}}, "ApplicationId", "cannot be resolved"),
    ("two-sets", {"application_id": APP, "input_object": {"ApplicationId": APP}}, "ApplicationId",
     "cannot be used together"),
    ("body-and-expanded", {"application_id": APP, "body_parameter": {}, "template_id": "x"},
     "ApplicationId", "cannot be used together"),
    ("app-id-empty", {"application_id": ""}, "ApplicationId", "empty string"),
    ("app-id-blank", {"application_id": "   "}, "ApplicationId", "empty string"),
    ("app-id-null", {"application_id": None}, "ApplicationId", "null"),
    ("app-id-dict", {"application_id": {"a": 1}}, "ApplicationId", "expected a String"),
    ("app-id-bool", {"application_id": True}, "ApplicationId", "expected a String"),
    ("identity-without-app-id", {"input_object": {"SynchronizationJobId": "j"}},
     "InputObject.ApplicationId", "no ApplicationId"),
    ("identity-app-id-null", {"input_object": {"ApplicationId": None}}, "InputObject.ApplicationId",
     "null"),
    ("identity-list", {"input_object": [APP]}, "InputObject", "expected a hashtable"),
    ("body-null", {"application_id": APP, "body_parameter": None}, "BodyParameter", "null"),
    ("body-list", {"application_id": APP, "body_parameter": [1, 2]}, "BodyParameter",
     "expected a hashtable"),
    ("body-number", {"application_id": APP, "body_parameter": 5}, "BodyParameter",
     "expected a hashtable"),
    ("body-bad-json", {"application_id": APP, "body_parameter": "{not json"}, "BodyParameter",
     "must be a JSON object"),
    ("body-json-array", {"application_id": APP, "body_parameter": "[1]"}, "BodyParameter",
     "must be a JSON object"),
    ("body-dup-keys", {"application_id": APP, "body_parameter": {"templateId": "a", "TemplateId": "b"}},
     "BodyParameter.TemplateId", "given twice"),
    ("body-flat-and-nested", {"application_id": APP, "body_parameter": {
        "ScheduleInterval": "PT1M", "schedule": {"interval": "PT2M"}}},
     "BodyParameter.schedule.interval", "already given"),
    ("body-non-string-key", {"application_id": APP, "body_parameter": {1: "x"}}, "BodyParameter",
     "keys must be strings"),
    ("interval-number", {"application_id": APP, "schedule_interval": 40}, "ScheduleInterval",
     "TimeSpan"),
    ("interval-text", {"application_id": APP, "schedule_interval": "forty"}, "ScheduleInterval",
     "TimeSpan"),
    ("interval-too-big", {"application_id": APP, "schedule_interval": "P20000000D"},
     "ScheduleInterval", "MaxValue"),
    ("expiration-text", {"application_id": APP, "schedule_expiration": "tomorrow"},
     "ScheduleExpiration", "ISO 8601"),
    ("expiration-bad-date", {"application_id": APP, "schedule_expiration": "2024-02-30T00:00:00Z"},
     "ScheduleExpiration", "valid date"),
    ("expiration-number", {"application_id": APP, "schedule_expiration": 1700000000},
     "ScheduleExpiration", "datetime"),
    ("state-unknown", {"application_id": APP, "schedule_state": "Running"}, "ScheduleState",
     "Active, Disabled, Paused"),
    ("state-bool", {"application_id": APP, "schedule_state": True}, "ScheduleState", "String"),
    ("template-list", {"application_id": APP, "template_id": ["a"]}, "TemplateId", "String"),
    ("status-not-dict", {"application_id": APP, "status": "Active"}, "Status", "hashtable"),
    ("status-code-unknown", {"application_id": APP, "status": {"Code": "Broken"}}, "Status.Code",
     "NotConfigured"),
    ("status-int64-text", {"application_id": APP, "status": {"QuarantineSeriesCount": "many"}},
     "Status.QuarantineSeriesCount", "Int64"),
    ("status-int64-overflow", {"application_id": APP, "status": {"LastExecutionCountExported": 2**64}},
     "Status.LastExecutionCountExported", "Int64"),
    ("status-bool-string", {"application_id": APP, "status": {"EscrowsPruned": "true"}},
     "Status.EscrowsPruned", "Boolean"),
    ("status-nested-error-bool", {"application_id": APP, "status": {
        "lastExecution": {"error": {"tenantActionable": "no"}}}},
     "Status.lastExecution.error.tenantActionable", "Boolean"),
    ("status-group-not-dict", {"application_id": APP, "status": {"quarantine": "yes"}},
     "Status.quarantine", "synchronizationQuarantine"),
    ("status-reason-unknown", {"application_id": APP, "status": {"QuarantineReason": "Flood"}},
     "Status.QuarantineReason", "quarantineReason"),
    ("status-progress-time", {"application_id": APP, "status": {
        "Progress": [{"ProgressObservationDateTime": "noon"}]}},
     "Status.Progress[0].ProgressObservationDateTime", "ISO 8601"),
    ("settings-not-list", {"application_id": APP, "synchronization_job_settings": "a=b"},
     "SynchronizationJobSettings[0]", "hashtable"),
    ("settings-value-dict", {"application_id": APP, "synchronization_job_settings": [
        {"Name": "a", "Value": {"x": 1}}]}, "SynchronizationJobSettings[0].Value", "String"),
    ("settings-set", {"application_id": APP, "synchronization_job_settings": {frozenset()}},
     "SynchronizationJobSettings", "array"),
    ("directory-objects-not-list", {"application_id": APP, "schema_directories": [
        {"Objects": 3}]}, "SchemaDirectories[0].Objects", "array"),
    ("attribute-type-unknown", {"application_id": APP, "body_parameter": {"SchemaDirectories": [
        {"Objects": [{}, {}, {"Attributes": [{}, {"Type": "Float"}]}]}]}},
     "BodyParameter.SchemaDirectories[0].Objects[2].Attributes[1].Type", "attributeType"),
    ("attribute-required-int", {"application_id": APP, "schema_directories": [
        {"Objects": [{"Attributes": [{"Required": 1}]}]}]},
     "SchemaDirectories[0].Objects[0].Attributes[0].Required", "Boolean"),
    ("mutability-unknown", {"application_id": APP, "schema_directories": [
        {"Objects": [{"Attributes": [{"Mutability": "Sometimes"}]}]}]},
     "SchemaDirectories[0].Objects[0].Attributes[0].Mutability", "mutability"),
    ("discoverabilities-unknown", {"application_id": APP, "schema_directories": [
        {"Discoverabilities": "AttributeNames,Everything"}]},
     "SchemaDirectories[0].Discoverabilities", "comma-separated"),
    ("supported-apis-dict", {"application_id": APP, "schema_directories": [
        {"Objects": [{"SupportedApis": [{"a": 1}]}]}]},
     "SchemaDirectories[0].Objects[0].SupportedApis[0]", "String"),
    ("rule-priority-range", {"application_id": APP, "schema_synchronization_rules": [
        {"Priority": 2**31}]}, "SchemaSynchronizationRules[0].Priority", "Int32"),
    ("rule-priority-float", {"application_id": APP, "schema_synchronization_rules": [
        {"Priority": 1.5}]}, "SchemaSynchronizationRules[0].Priority", "Int32"),
    ("flow-types-unknown", {"application_id": APP, "schema_synchronization_rules": [
        {"ObjectMappings": [{"FlowTypes": "Add,Move"}]}]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].FlowTypes", "objectFlowTypes"),
    ("flow-behavior-unknown", {"application_id": APP, "schema_synchronization_rules": [
        rule(FlowBehavior="Sometimes")]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].AttributeMappings[0].FlowBehavior",
     "attributeFlowBehavior"),
    ("flow-type-unknown", {"application_id": APP, "schema_synchronization_rules": [
        rule(FlowType="Never")]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].AttributeMappings[0].FlowType",
     "attributeFlowType"),
    ("matching-priority-text", {"application_id": APP, "schema_synchronization_rules": [
        rule(MatchingPriority="first")]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].AttributeMappings[0].MatchingPriority", "Int32"),
    ("source-type-unknown", {"application_id": APP, "schema_synchronization_rules": [
        rule(SourceType="Magic")]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].AttributeMappings[0].SourceType",
     "attributeMappingSourceType"),
    ("source-nested-type-unknown", {"application_id": APP, "schema_synchronization_rules": [
        rule(source={"type": "Magic"})]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].AttributeMappings[0].source.type",
     "attributeMappingSourceType"),
    ("value-type-deep", {"application_id": APP, "schema_synchronization_rules": [
        rule(SourceParameters=[{"ValueParameters": [{"ValueType": "Nope"}]}])]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].AttributeMappings[0].SourceParameters[0]"
     ".ValueParameters[0].ValueType", "attributeMappingSourceType"),
    ("clause-values-dict", {"application_id": APP, "schema_synchronization_rules": [
        {"ObjectMappings": [{"ScopeGroups": [{"Clauses": [{"TargetOperandValues": [{"v": 1}]}]}]}]}]},
     "SchemaSynchronizationRules[0].ObjectMappings[0].ScopeGroups[0].Clauses[0]"
     ".TargetOperandValues[0]", "String"),
    ("additional-nan", {"application_id": APP, "body_parameter": {"custom": float("nan")}},
     "BodyParameter.custom", "NaN"),
    ("additional-object", {"application_id": APP, "body_parameter": {"custom": object()}},
     "BodyParameter.custom", "cannot be sent as JSON"),
    ("unknown-parameter", {"application_id": APP, "body_paramter": {}}, "body_paramter",
     "cannot be found"),
]


@pytest.mark.parametrize("kwargs,path,fragment", [c[1:] for c in CATALOGUE],
                         ids=[c[0] for c in CATALOGUE])
def test_bad_input(kwargs, path, fragment):
    client = RecordingClient()
    call = new_application_synchronization_job
    if "body_paramter" in kwargs:  # a misspelt keyword: the bind() entry point names it
        from bridge import bind
        with pytest.raises(BindingError) as e:
            bind({"ApplicationId": APP, "BodyParamter": {}})
        assert "Did you mean 'BodyParameter'?" in str(e.value)
        return
    with pytest.raises(BindingError) as e:
        call(**kwargs, client=client)
    assert e.value.path == path, str(e.value)
    assert fragment in str(e.value)
    assert e.value.parameter and path.startswith(e.value.parameter)
    assert client.sent == []


def test_catalogue_size():
    assert len(CATALOGUE) >= 40


def test_binding_error_is_a_value_error_with_attributes():
    with pytest.raises(ValueError) as e:
        new_application_synchronization_job(application_id=APP, schedule_state="x", what_if=True)
    err = e.value
    assert (err.parameter, err.path, err.expected) == ("ScheduleState", "ScheduleState", "string")
    assert err.to_dict()["errorId"] == "BindingError"


def test_naive_datetime_is_not_an_error():
    new_application_synchronization_job(application_id=APP, schedule_expiration=datetime(2030, 1, 1),
                                        what_if=True)
