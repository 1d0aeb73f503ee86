"""Binding: parameter sets, the NOTES shapes, flattened and nested keys, JSON bytes."""

import json
from datetime import timedelta

import pytest

from bridge import UNSET, BindingError, ParameterSetError, bind
from bridge._spec import load_spec

SPEC = load_spec()
APP = "5e2c7f9a-0000-4000-8000-000000000001"


def body_of(**params):
    return json.loads(bind(params).content)


# -- parameter sets --------------------------------------------------------------------

@pytest.mark.parametrize("given,expected", [
    ({"ApplicationId": APP}, "CreateExpanded"),
    ({"ApplicationId": APP, "TemplateId": "scim"}, "CreateExpanded"),
    ({"ApplicationId": APP, "BodyParameter": {}}, "Create"),
    ({"InputObject": {"ApplicationId": APP}, "BodyParameter": {}}, "CreateViaIdentity"),
    ({"InputObject": {"ApplicationId": APP}}, "CreateViaIdentityExpanded"),
    ({"InputObject": {"ApplicationId": APP}, "ScheduleState": "Active"}, "CreateViaIdentityExpanded"),
    ({"applicationid": APP, "WhatIf": True}, "CreateExpanded"),
])
def test_parameter_set_resolution(given, expected):
    assert bind(given).parameter_set == expected


def test_unset_parameters_are_not_given():
    assert bind({"ApplicationId": APP, "BodyParameter": UNSET}).parameter_set == "CreateExpanded"


def test_no_parameters_names_the_missing_mandatory_one():
    with pytest.raises(BindingError, match="missing mandatory parameters: ApplicationId") as e:
        bind({})
    assert e.value.parameter == "ApplicationId"


def test_body_alone_cannot_resolve_a_set():
    with pytest.raises(ParameterSetError, match="cannot be resolved") as e:
        bind({"BodyParameter": {"templateId": "x"}})
    assert "-ApplicationId" in str(e.value) and "-InputObject" in str(e.value)


def test_parameters_of_two_sets():
    with pytest.raises(ParameterSetError, match="cannot be used together"):
        bind({"ApplicationId": APP, "BodyParameter": {}, "TemplateId": "x"})


# -- the request -------------------------------------------------------------------------

def test_url_encodes_the_application_id():
    r = bind({"ApplicationId": "a/../b?c#d e", "TemplateId": "x"})
    assert r.path == "/applications/a%2F..%2Fb%3Fc%23d%20e/synchronization/jobs"
    assert r.url() == "https://graph.microsoft.com/v1.0" + r.path
    assert r.url("https://127.0.0.1:9", "beta").startswith("https://127.0.0.1:9/beta/applications/")
    assert r.method == "POST"


def test_identity_gives_the_application_id_case_insensitively():
    r = bind({"InputObject": {"applicationID": APP, "SynchronizationJobId": "ignored"},
              "BodyParameter": {"TemplateId": "x"}})
    assert r.path == f"/applications/{APP}/synchronization/jobs"


def test_identity_may_be_the_key_string():
    assert bind({"InputObject": APP}).path == f"/applications/{APP}/synchronization/jobs"


# -- the same input through every set gives the same bytes --------------------------------

EXPANDED = {
    "Id": "job1", "ScheduleExpiration": "2030-01-01T00:00:00Z", "ScheduleInterval": timedelta(minutes=40),
    "ScheduleState": "active", "SchemaId": "schema1", "SchemaProvisioningTaskIdentifier": "task",
    "SchemaVersion": "1.0", "TemplateId": "scim",
    "SchemaDirectories": [{"Name": "Azure AD", "Objects": [{"Name": "User"}]}],
    "SchemaSynchronizationRules": [{"Name": "rule", "Priority": 1}],
    "Status": {"Code": "notrun", "QuarantineSeriesCount": 2},
    "SynchronizationJobSettings": [{"Name": "k", "Value": "v"}],
}


def test_every_set_gives_byte_identical_json():
    flat = bind({"ApplicationId": APP, **EXPANDED}).content
    via_body = bind({"ApplicationId": APP, "BodyParameter": EXPANDED}).content
    via_identity = bind({"InputObject": {"ApplicationId": APP}, "BodyParameter": EXPANDED}).content
    via_identity_expanded = bind({"InputObject": {"ApplicationId": APP}, **EXPANDED}).content
    nested = bind({"ApplicationId": APP, "BodyParameter": json.loads(flat)}).content
    assert flat == via_body == via_identity == via_identity_expanded == nested


def test_expanded_parameters_map_into_graph_nesting():
    body = json.loads(bind({"ApplicationId": APP, **EXPANDED}).content)
    assert body == {
        "id": "job1",
        "schedule": {"expiration": "2030-01-01T00:00:00Z", "interval": "PT40M", "state": "Active"},
        "schema": {"directories": [{"name": "Azure AD", "objects": [{"name": "User"}]}],
                   "id": "schema1", "provisioningTaskIdentifier": "task",
                   "synchronizationRules": [{"name": "rule", "priority": 1}], "version": "1.0"},
        "status": {"code": "NotRun", "quarantine": {"seriesCount": 2}},
        "synchronizationJobSettings": [{"name": "k", "value": "v"}],
        "templateId": "scim",
    }


# -- NOTES shapes: flattened and nested keys, any case ---------------------------------------

RULE_FLAT = {
    "EDITABLE": True, "id": "r1", "Metadata": [{"Key": "a", "Value": "b"}], "name": "n",
    "Priority": 2, "sourceDirectoryName": "AAD", "TargetDirectoryName": "SCIM",
    "ObjectMappings": [{
        "Enabled": False, "FlowTypes": "add,update", "Metadata": [{"key": "k", "value": "v"}],
        "Name": "users", "SourceObjectName": "User", "TargetObjectName": "urn:user",
        "ScopeGroups": [{"Name": "g", "Clauses": [{"OperatorName": "EQUALS",
                                                   "SourceOperandName": "dept",
                                                   "TargetOperandValues": ["IT", "HR"]}]}],
        "scopecategoryfiltergroups": [], "ScopeInputFilterGroups": [{"name": "i"}],
        "AttributeMappings": [{
            "DefaultValue": "d", "ExportMissingReferences": False, "FlowBehavior": "flowalways",
            "FlowType": "always", "MatchingPriority": 1, "SourceExpression": "[mail]",
            "SourceName": "mail", "SourceType": "attribute", "TargetAttributeName": "emails",
            "SourceParameters": [{"Key": "p", "ValueExpression": "x", "ValueName": "y",
                                  "ValueType": "constant",
                                  "ValueParameters": [{"Key": "q", "ValueType": "Function"}]}],
        }],
    }],
}

RULE_JSON = {
    "editable": True, "id": "r1", "metadata": [{"key": "a", "value": "b"}], "name": "n",
    "objectMappings": [{
        "attributeMappings": [{
            "defaultValue": "d", "exportMissingReferences": False, "flowBehavior": "FlowAlways",
            "flowType": "Always", "matchingPriority": 1,
            "source": {"expression": "[mail]", "name": "mail",
                       "parameters": [{"key": "p", "value": {
                           "expression": "x", "name": "y",
                           "parameters": [{"key": "q", "value": {"type": "Function"}}],
                           "type": "Constant"}}],
                       "type": "Attribute"},
            "targetAttributeName": "emails"}],
        "enabled": False, "flowTypes": "Add,Update", "metadata": [{"key": "k", "value": "v"}],
        "name": "users",
        "scope": {"categoryFilterGroups": [],
                  "groups": [{"clauses": [{"operatorName": "EQUALS", "sourceOperandName": "dept",
                                           "targetOperand": {"values": ["IT", "HR"]}}],
                              "name": "g"}],
                  "inputFilterGroups": [{"name": "i"}]},
        "sourceObjectName": "User", "targetObjectName": "urn:user"}],
    "priority": 2, "sourceDirectoryName": "AAD", "targetDirectoryName": "SCIM",
}


def test_synchronization_rule_notes_shape():
    body = body_of(ApplicationId=APP, SchemaSynchronizationRules=[RULE_FLAT])
    assert body["schema"]["synchronizationRules"] == [RULE_JSON]


def test_nested_graph_form_gives_the_same_json():
    flat = bind({"ApplicationId": APP, "SchemaSynchronizationRules": [RULE_FLAT]}).content
    nested = bind({"ApplicationId": APP, "SchemaSynchronizationRules": [RULE_JSON]}).content
    assert flat == nested


DIRECTORY = {
    "Id": "d1", "Discoverabilities": "attributenames, referenceattributes",
    "DiscoveryDateTime": "2024-01-02T03:04:05Z", "Name": "AAD", "ReadOnly": True, "Version": "v",
    "Objects": [{"Name": "User", "SupportedApis": "scim", "Metadata": [{"Key": "k", "Value": "v"}],
                 "Attributes": [{
                     "Anchor": True, "CaseExact": False, "DefaultValue": None, "Multivalued": False,
                     "Mutability": "readwrite", "Name": "mail", "Required": True, "Type": "string",
                     "ApiExpressions": [{"Key": "k", "Value": "v"}],
                     "Metadata": [{"Key": "m", "Value": "n"}],
                     "ReferencedObjects": [{"ReferencedObjectName": "Group",
                                            "ReferencedProperty": "id"}]}]}],
}


def test_directory_definition_notes_shape():
    body = body_of(ApplicationId=APP, SchemaDirectories=DIRECTORY)  # one hashtable = array of one
    d = body["schema"]["directories"][0]
    assert d["discoverabilities"] == "AttributeNames,ReferenceAttributes"
    assert d["objects"][0]["supportedApis"] == ["scim"]
    attr = d["objects"][0]["attributes"][0]
    assert attr == {"anchor": True, "apiExpressions": [{"key": "k", "value": "v"}],
                    "caseExact": False, "defaultValue": None, "metadata": [{"key": "m", "value": "n"}],
                    "multivalued": False, "mutability": "ReadWrite", "name": "mail",
                    "referencedObjects": [{"referencedObjectName": "Group", "referencedProperty": "id"}],
                    "required": True, "type": "String"}


def every_status_key():
    model = SPEC.models["synchronizationStatus"]
    samples = {"string": "s", "boolean": True, "int64": 7, "datetime": "2024-01-01T00:00:00Z"}
    out = {}
    for p in model.properties:
        if p.enum:
            out[p.name.lower()] = SPEC.enums[p.enum].values[0].upper()
        elif p.is_model:
            continue
        else:
            out[p.name.upper()] = samples[p.type]
    out["Progress"] = [{"CompletedUnits": 1, "ProgressObservationDateTime": "2024-01-01T00:00:00Z",
                        "TotalUnits": 2, "Units": "u"}]
    out["SynchronizedEntryCountByType"] = [{"Key": "user", "Value": 3}]
    return out


def test_status_notes_shape_every_key():
    status = body_of(ApplicationId=APP, Status=every_status_key())["status"]
    assert status["lastExecution"]["error"] == {"code": "s", "message": "s", "tenantActionable": True}
    assert status["lastSuccessfulExecutionWithExports"]["countEntitled"] == 7
    assert status["lastSuccessfulExecutionWithExports"]["error"]["code"] == "s"
    assert status["lastSuccessfulExecution"]["state"] == "Succeeded"
    assert status["quarantine"] == {"currentBegan": "2024-01-01T00:00:00Z",
                                    "nextAttempt": "2024-01-01T00:00:00Z",
                                    "reason": "EncounteredBaseEscrowThreshold",
                                    "seriesBegan": "2024-01-01T00:00:00Z", "seriesCount": 7}
    assert status["progress"][0]["totalUnits"] == 2
    assert status["synchronizedEntryCountByType"] == [{"key": "user", "value": 3}]
    assert status["code"] == "NotConfigured"


def test_every_notes_property_lands_at_its_json_path():
    """Each property of each model, given alone, appears at its spec JSON path."""
    samples = {"string": "v", "boolean": False, "int32": 3, "int64": 4,
               "datetime": "2024-01-01T00:00:00Z", "timespan": "PT1M", "string[]": ["a"]}
    checked = 0
    for model in SPEC.models.values():
        if model.identity:
            continue
        for prop in model.properties:
            value = ([{}] if prop.is_array else {}) if prop.is_model else (
                SPEC.enums[prop.enum].values[0] if prop.enum else samples[prop.type])
            from bridge._model_binding import ModelBinder
            out = ModelBinder(SPEC).model({prop.name.swapcase(): value}, model, "X", "X")
            node = out
            for segment in prop.json_path:
                node = node[segment]
            assert node == (value if prop.type != "timespan" else "PT1M")
            checked += 1
    assert checked == sum(len(m.properties) for m in SPEC.models.values() if not m.identity)


# -- null, empty, false, unknown keys -------------------------------------------------------

def test_null_empty_and_false_are_sent():
    body = body_of(ApplicationId=APP, BodyParameter={
        "TemplateId": None, "SynchronizationJobSettings": [], "Schedule": None,
        "Status": {"EscrowsPruned": False}})
    assert body == {"schedule": None, "status": {"escrowsPruned": False},
                    "synchronizationJobSettings": [], "templateId": None}


def test_unknown_keys_kept_with_exact_spelling_at_every_depth_and_warned():
    r = bind({"ApplicationId": APP, "BodyParameter": {
        "ScheduleIntreval": "PT1M", "TemplateId": "x", "customTOP": {"InnerKey": [1, {"Deep": True}]},
        "schedule": {"interval": "PT5M", "ExtraScheduleKey": 1},
        "SchemaDirectories": [{"Name": "d", "myDirectoryFlag": "yes"}]}})
    body = json.loads(r.content)
    assert body["ScheduleIntreval"] == "PT1M"
    assert body["customTOP"] == {"InnerKey": [1, {"Deep": True}]}
    assert body["schedule"] == {"interval": "PT5M", "ExtraScheduleKey": 1}
    assert body["schema"]["directories"][0]["myDirectoryFlag"] == "yes"
    assert any("Did you mean 'ScheduleInterval'?" in w for w in r.warnings)
    assert any("BodyParameter.SchemaDirectories[0].myDirectoryFlag" in w for w in r.warnings)
    assert len(r.warnings) == 4


def test_json_string_body_is_accepted():
    r = bind({"ApplicationId": APP, "BodyParameter": '{"templateId": "scim", "ScheduleState": "paused"}'})
    assert json.loads(r.content) == {"schedule": {"state": "Paused"}, "templateId": "scim"}


def test_a_result_object_can_be_sent_again_as_a_body():
    from bridge import SynchronizationJob
    job = SynchronizationJob({"templateId": "scim", "schedule": {"interval": "PT40M"}})
    assert json.loads(bind({"ApplicationId": APP, "BodyParameter": job}).content) == job.to_dict()


def test_key_order_of_input_does_not_change_bytes():
    a = bind({"ApplicationId": APP, "BodyParameter": {"TemplateId": "x", "ScheduleState": "Active"}})
    b = bind({"ApplicationId": APP, "BodyParameter": {"ScheduleState": "Active", "TemplateId": "x"}})
    assert a.content == b.content
