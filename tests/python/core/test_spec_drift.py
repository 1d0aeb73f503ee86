"""The spec against the seed's contract facts (tests/golden/seed): any drift fails."""

from pathlib import Path

import pytest
import yaml

from bridge._spec import load_spec
from scripts.codegen.contract import parameter_table, render_notes, render_syntax, syntax_lines

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "seed"


@pytest.fixture(scope="module")
def spec():
    return load_spec()


def test_syntax_regenerates_from_spec(spec):
    assert render_syntax(spec) == (GOLDEN / "syntax.txt").read_text()


def test_parameters_table_matches_seed(spec):
    seed = yaml.safe_load((GOLDEN / "parameters.yaml").read_text())
    ours = parameter_table(spec)
    assert sorted(ours) == sorted(seed)
    for name in seed:
        assert ours[name] == seed[name], name


def test_notes_trees_regenerate_from_spec(spec):
    assert render_notes(spec) == (GOLDEN / "notes.txt").read_text()


def test_inputs_and_outputs_match_seed(spec):
    text = (GOLDEN / "inputs_outputs.txt").read_text()
    inputs, outputs = text.split("## OUTPUTS")
    assert [l[4:] for l in inputs.splitlines() if l.startswith("### ")] == list(spec.cmdlet.inputs)
    assert [l[4:] for l in outputs.splitlines() if l.startswith("### ")] == [spec.cmdlet.output_type]


def test_default_set_and_set_names(spec):
    assert spec.cmdlet.default_parameter_set == "CreateExpanded"
    assert spec.cmdlet.parameter_sets == ("CreateExpanded", "Create", "CreateViaIdentity",
                                          "CreateViaIdentityExpanded")


def test_syntax_starts_with_mandatory_parameters(spec):
    tokens = syntax_lines(spec, "CreateViaIdentity")
    assert tokens[1:3] == ["-InputObject <IIdentityApplicationIdentity>",
                           "-BodyParameter <IMicrosoftGraphSynchronizationJob>"]


@pytest.mark.parametrize("flat,path", [
    ("ScheduleInterval", "schedule.interval"),
    ("SchemaDirectories", "schema.directories"),
    ("SchemaSynchronizationRules", "schema.synchronizationRules"),
])
def test_flattened_job_properties_nest_as_graph(spec, flat, path):
    assert spec.body.property(flat).json_name == path


@pytest.mark.parametrize("model,flat,path", [
    ("attributeMapping", "SourceExpression", "source.expression"),
    ("attributeMapping", "SourceParameters", "source.parameters"),
    ("stringKeyAttributeMappingSourceValuePair", "ValueExpression", "value.expression"),
    ("filterClause", "TargetOperandValues", "targetOperand.values"),
    ("objectMapping", "ScopeGroups", "scope.groups"),
    ("objectMapping", "ScopeCategoryFilterGroups", "scope.categoryFilterGroups"),
    ("objectMapping", "ScopeInputFilterGroups", "scope.inputFilterGroups"),
    ("synchronizationStatus", "LastExecutionErrorCode", "lastExecution.error.code"),
    ("synchronizationStatus", "LastSuccessfulExecutionWithExportCountEntitled",
     "lastSuccessfulExecutionWithExports.countEntitled"),
    ("synchronizationStatus", "LastSuccessfulExecutionWithExportsErrorCode",
     "lastSuccessfulExecutionWithExports.error.code"),
    ("synchronizationStatus", "QuarantineSeriesCount", "quarantine.seriesCount"),
])
def test_flattened_nested_properties(spec, model, flat, path):
    assert spec.models[model].property(flat).json_name == path


def test_every_enum_named_in_the_issue_is_in_the_spec(spec):
    for name in ["synchronizationScheduleState", "mutability", "attributeType",
                 "attributeFlowBehavior", "attributeFlowType", "attributeMappingSourceType",
                 "objectFlowTypes", "directoryDefinitionDiscoverabilities", "quarantineReason",
                 "synchronizationStatusCode", "synchronizationTaskExecutionResult"]:
        assert spec.enums[name].values


def test_spec_check_rejects_an_inconsistent_spec(spec):
    from dataclasses import replace

    from bridge import SpecError
    from bridge._spec import Spec, check_spec
    job = spec.body
    broken_prop = replace(job.properties[1], json_path=("schedule",))  # value and group at once
    broken = Spec(spec.cmdlet, {**spec.models, job.key: replace(
        job, properties=(job.properties[0], broken_prop) + job.properties[2:])}, spec.enums)
    with pytest.raises(SpecError, match="both a value and an object"):
        check_spec(broken)
