"""Typed results: Graph JSON wrapped with attribute access driven by the spec.

A :class:`GraphModel` keeps the JSON object Graph returned, exactly, and reads
it through the spec: ``job.schedule.interval`` is a ``timedelta``,
``job.status.last_execution.time_began`` an aware ``datetime``,
``job.synchronization_job_settings[0].name`` a string. Attribute names are the
snake_case of Graph's JSON names; keys the spec does not know are kept in
:attr:`GraphModel.additional_properties` and in :meth:`GraphModel.to_dict`.

Each Graph type has a generated subclass (``bridge/_generated/models.py``)
with a typed property per key, so type checkers know ``job.schedule.interval``
is ``timedelta | str | None`` and reject a misspelt attribute; keys Graph
sends that the spec does not know stay reachable at run time.

Usage::

    job = SynchronizationJob({"id": "scim.1.2", "schedule": {"interval": "PT40M"}})
    job.id                  # 'scim.1.2'
    job.schedule.interval   # datetime.timedelta(seconds=2400)
    job.to_dict()           # the JSON as Graph sent it
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Optional

from ._spec import ModelSpec, PropertySpec, load_spec, snake_case
from ._values import parse_datetime, parse_duration_ticks, ticks_to_timedelta

__all__ = ["GraphModel", "register_classes", "JsonPath"]

JsonPath = tuple[str, ...]

# (model key, JSON path of the nested group or ()) -> the generated class for it.
_classes: dict[tuple[str, JsonPath], type["GraphModel"]] = {}


def register_classes(classes: Mapping[tuple[str, JsonPath], type["GraphModel"]]) -> None:
    """Called by the generated module: which class wraps each model and nested group."""
    _classes.update(classes)


def _wrap(data: Mapping[str, Any], model: str, prefix: JsonPath = ()) -> "GraphModel":
    return _classes.get((model, prefix), GraphModel)(data, model, prefix)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class GraphModel:
    """A Graph object (or one nested group of it) with spec-typed attribute access.

    Parameters:
        data: the JSON object as Graph returned it (kept as is).
        model: the spec key of its model (``"synchronizationJob"``).
        prefix: for a nested Graph group (``schedule``), its JSON path.
    """

    __slots__ = ("_data", "_model", "_prefix")
    _data: dict[str, Any]
    _model: ModelSpec
    _prefix: JsonPath
    _default_model: Optional[str] = None

    def __init__(self, data: Mapping[str, Any], model: Optional[str] = None,
                 prefix: JsonPath = ()) -> None:
        key = model or self._default_model
        if key is None:
            raise TypeError("GraphModel needs a model name")
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_model", load_spec().models[key])
        object.__setattr__(self, "_prefix", prefix)

    # -- spec lookups -----------------------------------------------------------
    def _level(self) -> tuple[PropertySpec, ...]:
        return self._model.properties_under(self._prefix)

    def _known_keys(self) -> set[str]:
        return {p.json_path[len(self._prefix)] for p in self._level()}

    def _convert(self, value: Any, prop: PropertySpec) -> Any:
        if value is None:
            return None
        if prop.is_array and isinstance(value, list):
            return [self._convert_item(v, prop) for v in value]
        return self._convert_item(value, prop)

    def _convert_item(self, value: Any, prop: PropertySpec) -> Any:
        t = prop.item_type
        try:
            if prop.is_model and isinstance(value, Mapping):
                return _wrap(value, t)
            if t == "datetime" and isinstance(value, str):
                return parse_datetime(value)
            if t == "timespan" and isinstance(value, str):
                return ticks_to_timedelta(parse_duration_ticks(value))
        except (ValueError, OverflowError):
            pass  # a value Graph sent that we cannot read stays as sent
        return value

    # -- attribute access ----------------------------------------------------------
    def _get(self, name: str) -> Any:
        """The value of attribute ``name`` (snake_case of the JSON key), converted by the spec."""
        key = _camel(name)
        depth = len(self._prefix)
        for p in self._level():
            if p.json_path[depth] != key:
                continue
            if len(p.json_path) == depth + 1:
                return self._convert(self._data.get(key), p)
            sub = self._data.get(key)
            return None if sub is None else _wrap(sub, self._model.key, self._prefix + (key,))
        if key in self._data:
            return self._data[key]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    if not TYPE_CHECKING:
        # Keys the spec does not know stay reachable at run time (``job.new_graph_key``);
        # hidden from type checkers, so a misspelt attribute is an error there.
        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            return self._get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Graph results are read-only; use to_dict() for a mutable copy")

    def __getitem__(self, key: str) -> Any:
        """The raw JSON value under Graph's key (``job["templateId"]``)."""
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return bool(key in self._data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {snake_case(k) for k in self._known_keys()})

    @property
    def additional_properties(self) -> dict[str, Any]:
        """Keys Graph sent that the spec does not know at this level, as sent."""
        known = self._known_keys() | {k for k in self._data if k.startswith("@odata.")}
        return {k: v for k, v in self._data.items() if k not in known}

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the JSON object, as Graph sent it."""
        return copy.deepcopy(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GraphModel):
            return self._data == other._data
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        name = type(self).__name__
        if self._prefix and type(self) is GraphModel:
            graph_type = self._model.groups.get(".".join(self._prefix), "")
            name = re.sub(r"^microsoft\.graph\.", "", graph_type) or name
        shown = ", ".join(f"{k}={v!r}" for k, v in self._data.items()
                          if not isinstance(v, (dict, list)) and not k.startswith("@odata."))
        return f"{name}({shown})"

