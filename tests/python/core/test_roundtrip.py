"""Property-based round trips between the model and Graph JSON (hypothesis)."""

import json
from datetime import timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import SynchronizationJob, bind
from bridge._spec import load_spec

SPEC = load_spec()
APP = "app"

_SCALARS = {
    "string": st.text(max_size=8),
    "boolean": st.booleans(),
    "int32": st.integers(-2**31, 2**31 - 1),
    "int64": st.integers(-2**63, 2**63 - 1),
    "datetime": st.datetimes(timezones=st.just(timezone.utc)),
    # within TimeSpan.MinValue..MaxValue (larger ones are refused, see test_values)
    "timespan": st.timedeltas(min_value=-timedelta(days=10675199), max_value=timedelta(days=10675199)),
}


def _case_variants(name):
    return st.sampled_from([name, name.lower(), name.upper(), name.swapcase()])


def _value(prop, depth):
    if prop.is_model:
        item = _model(SPEC.models[prop.item_type], depth + 1)
    elif prop.enum:
        item = st.sampled_from(SPEC.enums[prop.enum].values).flatmap(_case_variants)
    else:
        item = _SCALARS[prop.item_type]
    if prop.is_array:
        return st.one_of(st.none(), st.lists(item, max_size=2))
    return st.one_of(st.none(), item)


def _model(model, depth=0):
    """A PowerShell-style hashtable for ``model``: flattened names in random case."""
    if depth > 3:
        return st.just({})
    props = list(model.properties)
    return st.lists(st.sampled_from(props), unique_by=lambda p: p.name, max_size=5).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {p.name: _value(p, depth) for p in chosen}))


BODIES = _model(SPEC.body)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(BODIES)
def test_binding_is_idempotent_through_graph_json(body):
    """hashtable -> JSON; that JSON given back (Graph's nested form) -> the same bytes."""
    first = bind({"ApplicationId": APP, "BodyParameter": body}).content
    again = bind({"ApplicationId": APP, "BodyParameter": json.loads(first)}).content
    assert again == first


@FAST
@given(BODIES)
def test_result_model_keeps_the_json_exactly(body):
    data = json.loads(bind({"ApplicationId": APP, "BodyParameter": body}).content)
    job = SynchronizationJob(data)
    assert job.to_dict() == data
    assert job.additional_properties == {}
    assert bind({"ApplicationId": APP, "BodyParameter": job}).content == json.dumps(
        data, separators=(",", ":"), ensure_ascii=False).encode()


@FAST
@given(BODIES)
def test_expanded_and_body_sets_agree(body):
    expanded_names = {p.body_property: p.name for p in SPEC.cmdlet.own_parameters if p.body_property}
    if set(body) - set(expanded_names):
        return
    via_body = bind({"ApplicationId": APP, "BodyParameter": body}).content
    via_expanded = bind({"ApplicationId": APP, **{expanded_names[k]: v for k, v in body.items()}}).content
    assert via_body == via_expanded


@FAST
@given(st.dictionaries(st.text(min_size=1, max_size=6).filter(lambda k: k.isidentifier()),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                                    lambda c: st.lists(c, max_size=3) | st.dictionaries(
                                        st.text(max_size=4), c, max_size=3), max_leaves=8),
                       max_size=4))
def test_additional_properties_survive_unchanged(extra):
    known = {p.name.casefold() for p in SPEC.body.properties} | {
        p.json_path[0].casefold() for p in SPEC.body.properties}
    extra = {k: v for k, v in extra.items() if k.casefold() not in known}
    folded = {}
    for k, v in extra.items():
        folded.setdefault(k.casefold(), (k, v))
    extra = dict(folded.values())
    data = json.loads(bind({"ApplicationId": APP, "BodyParameter": extra}).content)
    assert data == extra
    assert SynchronizationJob(data).additional_properties == extra
