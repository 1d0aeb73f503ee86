"""The SDK-shaped view of a created job, for the PowerShell output object.

Graph returns camelCase JSON with nested groups (``schedule.interval``); the
SDK's output object is ``MicrosoftGraphSynchronizationJob`` with PascalCase
properties, nested objects for those groups (``Schedule.Interval`` is a
[TimeSpan]), [DateTime] values in UTC, and the keys it does not know in an
``AdditionalProperties`` dictionary at each level. :func:`job_view` builds that
tree from the spec, with the wire tags of :mod:`bridge.protocol._codec`, so the
shim only has to materialise it.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from bridge._spec import MODELS_NAMESPACE, ModelSpec, PropertySpec, Spec, load_spec
from bridge._values import parse_datetime, parse_duration_ticks

from ._codec import DEFAULT_DISPLAY, TYPE_NAMES, tag_datetime, tag_dictionary, tag_timespan

__all__ = ["job_view", "type_names"]


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def type_names(graph_type: Optional[str], interface: Optional[str] = None) -> list[str]:
    """``microsoft.graph.synchronizationSchedule`` -> the SDK class and interface names."""
    if interface:
        cls = interface[1:]
    elif graph_type:
        cls = "MicrosoftGraph" + _pascal(graph_type.rsplit(".", 1)[-1])
    else:
        return []
    return [f"{MODELS_NAMESPACE}.{cls}", f"{MODELS_NAMESPACE}.I{cls}"]


def _scalar(value: Any, prop: PropertySpec) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if prop.item_type == "datetime":
            return tag_datetime(parse_datetime(value))
        if prop.item_type == "timespan":
            return tag_timespan(parse_duration_ticks(value))
    except ValueError:
        pass  # a value Graph sent that does not parse stays as sent
    return value


def _value(spec: Spec, value: Any, prop: PropertySpec) -> Any:
    if value is None:
        return None
    if prop.is_array and isinstance(value, list):
        return [_item(spec, v, prop) for v in value]
    return _item(spec, value, prop)


def _item(spec: Spec, value: Any, prop: PropertySpec) -> Any:
    if prop.is_model:
        if isinstance(value, Mapping):
            return _object(spec, spec.models[prop.item_type], value, ())
        return value
    return _scalar(value, prop)


def _object(spec: Spec, model: ModelSpec, data: Mapping[str, Any],
            prefix: tuple[str, ...]) -> dict[str, Any]:
    depth = len(prefix)
    in_scope = [p for p in model.properties if p.json_path[:depth] == prefix]
    out: dict[str, Any] = {}
    if prefix:
        out[TYPE_NAMES] = type_names(model.groups.get(".".join(prefix)))
    else:
        out[TYPE_NAMES] = type_names(model.graph_type, model.interface)
    extra: dict[str, Any] = {}
    for key, value in data.items():
        leaf = next((p for p in in_scope if p.json_path == prefix + (key,)), None)
        if leaf is not None:
            out[_pascal(key)] = _value(spec, value, leaf)
            continue
        if isinstance(value, Mapping) and any(len(p.json_path) > depth + 1
                                              and p.json_path[depth] == key for p in in_scope):
            out[_pascal(key)] = _object(spec, model, value, prefix + (key,))
            continue
        extra[key] = value
    out["AdditionalProperties"] = tag_dictionary(extra)
    return out


def job_view(data: Mapping[str, Any], spec: Optional[Spec] = None) -> dict[str, Any]:
    """The output object's tree for a synchronizationJob JSON object."""
    spec = spec or load_spec()
    view = _object(spec, spec.body, data, ())
    # The SDK's object always has these, in this order, $null when Graph left them out.
    ordered: dict[str, Any] = {TYPE_NAMES: view.pop(TYPE_NAMES), DEFAULT_DISPLAY: ["Id", "TemplateId"]}
    for name in ("Id", "Schedule", "Schema", "Status", "SynchronizationJobSettings", "TemplateId"):
        ordered[name] = view.pop(name, None)
    ordered.update(view)  # AdditionalProperties
    return ordered
