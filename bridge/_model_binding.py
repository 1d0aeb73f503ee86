"""Bind hashtable-shaped input to the spec's model tree, as PowerShell's binder would.

:class:`ModelBinder` takes dicts/``Mapping``s (and lists of them) and the spec's models:
keys case-insensitive; AutoRest's flattened names (``ScheduleInterval``) and
Graph's nested form (``schedule = {interval}``) both land at the same JSON path;
unknown keys are kept with their exact spelling as additional properties, with a
did-you-mean warning. Scalars are converted (see :mod:`bridge._values`) and the
JSON body is built in the spec's property order, so the same input gives the same
bytes whichever parameter set expressed it.

Input that cannot be sent as it is is refused, never altered: nesting deeper
than :data:`MAX_DEPTH` levels or referring to itself, and text with a lone
UTF-16 surrogate (it has no UTF-8 form).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping as MappingABC
from datetime import datetime, timedelta
from typing import Any, Mapping, Optional, Sequence

from ._caller import call_hint
from ._exceptions import BindingError
from ._spec import ModelSpec, PropertySpec, Spec
from ._values import (to_json_bool, to_json_datetime, to_json_enum, to_json_int, to_json_string,
                      to_json_timespan)
from ._wording import expected_type, show, term

__all__ = ["ModelBinder", "MAX_DEPTH", "JsonPath", "check_text", "suggest"]

#: How deeply a parameter's value may nest (dicts and lists); the shim's encoder allows more,
#: so deeper input always gets this module's BindingError with its key path.
MAX_DEPTH = 100

JsonPath = tuple[str, ...]


def _short(value: Any) -> str:
    return show(value)


def check_text(text: str, parameter: str, path: str) -> str:
    """``text`` itself, or a BindingError when it holds a lone UTF-16 surrogate (no UTF-8 form)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        path = path.encode("utf-8", "backslashreplace").decode("utf-8")  # printable, like repr
        raise BindingError(f"{path}: the text has a lone UTF-16 surrogate "
                           f"(U+{ord(text[exc.start]):04X} at index {exc.start}), which cannot be "
                           "sent as UTF-8", parameter=parameter, path=path,
                           expected="text without lone surrogates",
                           value=_short(text)) from None
    return text


def suggest(name: str, candidates: Sequence[str]) -> Optional[str]:
    """The candidate ``name`` most likely meant (case-insensitive), for a did-you-mean."""
    folded = {c.casefold(): c for c in candidates}
    match = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.75)
    return folded[match[0]] if match else None


class ModelBinder:
    """Binds values to the spec's models, collecting warnings on the way."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.warnings: list[str] = []
        self._open: list[int] = []  # ids of the dicts and lists being walked, outermost first

    def _enter(self, value: Any, path: str, parameter: str) -> None:
        """Step into a dict or list: refuse a value that contains itself or nests too deeply."""
        if id(value) in self._open:
            raise BindingError(f"{path}: the value contains itself (a circular reference)",
                               parameter=parameter, path=path, expected="a finite value")
        if len(self._open) >= MAX_DEPTH:
            raise BindingError(f"{path}: the value is nested more than {MAX_DEPTH} levels deep",
                               parameter=parameter, path=path,
                               expected=f"at most {MAX_DEPTH} levels of nesting")
        self._open.append(id(value))

    def _leave(self) -> None:
        self._open.pop()

    # A value of a property's type --------------------------------------------
    def value(self, value: Any, prop: PropertySpec, path: str, parameter: str) -> Any:
        if value is None:
            return None
        if prop.is_array:
            items = self._as_list(value, prop, path, parameter)
            nested = isinstance(value, (list, tuple))  # not one object bound as a 1-item array
            if nested:
                self._enter(value, path, parameter)
            try:
                return [self.item(v, prop, f"{path}[{i}]", parameter)
                        for i, v in enumerate(items)]
            finally:
                if nested:
                    self._leave()
        return self.item(value, prop, path, parameter)

    def _as_list(self, value: Any, prop: PropertySpec, path: str, parameter: str) -> list[Any]:
        if isinstance(value, (list, tuple)):
            return list(value)
        # PowerShell binds a single object to an array parameter as a one-element array.
        if isinstance(value, (str, MappingABC)) or hasattr(value, "to_dict") or (
                not prop.is_model and not isinstance(value, (set, frozenset, dict))):
            return [value]
        items = self.spec.models[prop.item_type].interface + " hashtables" if prop.is_model \
            else prop.item_type
        shown = call_hint(f"{prop.item_type}[]", f"an array of {items}, such as @(...)")
        raise BindingError(f"{path}: expected an array of {call_hint(prop.item_type, items)}, "
                           f"got {_short(value)}",
                           parameter=parameter, path=path, expected=shown,
                           value=_short(value))

    def item(self, value: Any, prop: PropertySpec, path: str, parameter: str) -> Any:
        if value is None:
            return None
        t = prop.item_type
        if prop.is_model:
            return self.model(value, self.spec.models[t], path, parameter)
        try:
            if prop.enum:
                return to_json_enum(value, self.spec.enums[prop.enum])
            if t == "string":
                return check_text(to_json_string(value), parameter, path)
            if t == "boolean":
                return to_json_bool(value)
            if t == "int32":
                return to_json_int(value, 32)
            if t == "int64":
                return to_json_int(value, 64)
            if t == "datetime":
                return to_json_datetime(value)
            if t == "timespan":
                return to_json_timespan(value)
        except BindingError:
            raise
        except ValueError as exc:
            raise BindingError(f"{path}: {exc}", parameter=parameter, path=path,
                               expected=expected_type(prop.type), value=_short(value)) from None
        raise AssertionError(f"unhandled spec type {t}")  # check_spec rules this out

    # A whole model -------------------------------------------------------------
    def model(self, value: Any, model: ModelSpec, path: str, parameter: str) -> dict[str, Any]:
        mapping = self.as_mapping(value, model, path, parameter)
        values: dict[JsonPath, Any] = {}
        sources: dict[JsonPath, str] = {}
        extras: dict[JsonPath, list[tuple[str, Any]]] = {}
        self._collect(mapping, model, (), path, parameter, values, sources, extras)
        return self.assemble(model, values, extras)

    def as_mapping(self, value: Any, model: ModelSpec, path: str,
                   parameter: str) -> Mapping[str, Any]:
        """``value`` as a mapping (a model object's ``to_dict()``), or a BindingError."""
        if isinstance(value, MappingABC):
            return value
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            result = to_dict()
            if isinstance(result, MappingABC):
                return result
        raise BindingError(
            f"{path}: expected {term('mapping.long')} of {model.interface} properties, "
            f"got {_short(value)}", parameter=parameter, path=path,
            expected=f"{term('mapping')} with {model.interface} properties", value=_short(value))

    def _collect(self, mapping: Mapping[Any, Any], model: ModelSpec, prefix: JsonPath, path: str,
                 parameter: str, values: dict[JsonPath, Any], sources: dict[JsonPath, str],
                 extras: dict[JsonPath, list[tuple[str, Any]]]) -> None:
        """Walk one dict level (the model itself, or a nested Graph group of it)."""
        self._enter(mapping, path, parameter)
        try:
            self._collect_level(mapping, model, prefix, path, parameter, values, sources, extras)
        finally:
            self._leave()

    def _collect_level(self, mapping: Mapping[Any, Any], model: ModelSpec, prefix: JsonPath,
                       path: str, parameter: str, values: dict[JsonPath, Any],
                       sources: dict[JsonPath, str],
                       extras: dict[JsonPath, list[tuple[str, Any]]]) -> None:
        depth = len(prefix)
        in_scope = model.properties_under(prefix)
        seen_keys: dict[str, str] = {}
        for raw_key, raw_value in mapping.items():
            if not isinstance(raw_key, str):
                raise BindingError(f"{path}: keys must be strings, got {_short(raw_key)}",
                                   parameter=parameter, path=path, expected="string keys")
            key_path = f"{path}.{raw_key}"
            check_text(raw_key, parameter, key_path)
            folded = raw_key.casefold()
            if folded in seen_keys:
                raise BindingError(
                    f"{key_path}: the key is given twice ('{seen_keys[folded]}' and '{raw_key}'); "
                    "keys are case-insensitive as in a PowerShell hashtable",
                    parameter=parameter, path=key_path, expected="each key once")
            seen_keys[folded] = raw_key
            prop = self._match(in_scope, depth, folded)
            if prop is not None:
                if prop.json_path in values:
                    raise BindingError(
                        f"{key_path}: {prop.json_name} is already given by "
                        f"'{sources[prop.json_path]}'", parameter=parameter, path=key_path,
                        expected=f"{prop.name} once")
                values[prop.json_path] = self.value(raw_value, prop, key_path, parameter)
                sources[prop.json_path] = key_path
                continue
            group = prefix + (self._group_name(in_scope, depth, folded) or "",)
            if group[-1]:
                if raw_value is None:
                    extras.setdefault(prefix, []).append((group[-1], None))
                    continue
                sub = self._as_group_mapping(raw_value, model, group, key_path, parameter)
                self._collect(sub, model, group, key_path, parameter, values, sources, extras)
                continue
            self._unknown(raw_key, raw_value, model, in_scope, depth, key_path, parameter,
                          extras.setdefault(prefix, []))

    @staticmethod
    def _match(in_scope: Sequence[PropertySpec], depth: int, folded: str) -> Optional[PropertySpec]:
        for p in in_scope:
            # At the model's top level AutoRest's flattened name works; at any
            # level the Graph name of the next (last) JSON segment works.
            if depth == 0 and p.name.casefold() == folded:
                return p
            if len(p.json_path) == depth + 1 and p.json_path[depth].casefold() == folded:
                return p
        return None

    @staticmethod
    def _group_name(in_scope: Sequence[PropertySpec], depth: int, folded: str) -> Optional[str]:
        for p in in_scope:
            if len(p.json_path) > depth + 1 and p.json_path[depth].casefold() == folded:
                return p.json_path[depth]
        return None

    def _as_group_mapping(self, value: Any, model: ModelSpec, group: JsonPath, path: str,
                          parameter: str) -> Mapping[Any, Any]:
        if isinstance(value, MappingABC):
            return value
        graph_type = model.groups.get(".".join(group), ".".join(group))
        raise BindingError(f"{path}: expected {term('mapping.long')} of {graph_type} properties, "
                           f"got {_short(value)}", parameter=parameter, path=path,
                           expected=f"{term('mapping')} ({graph_type})", value=_short(value))

    def _unknown(self, key: str, value: Any, model: ModelSpec, in_scope: Sequence[PropertySpec],
                 depth: int, path: str, parameter: str, sink: list[tuple[str, Any]]) -> None:
        names = [p.name for p in in_scope] if depth == 0 else []
        names += sorted({p.json_path[depth] for p in in_scope})
        hint = suggest(key, names)
        where = model.interface if depth == 0 else model.groups.get(
            ".".join(p for p in in_scope[0].json_path[:depth]), model.interface)
        message = (f"{path}: '{key}' is not a property of {where}; it is kept as an additional "
                   f"property and sent as '{key}'.")
        if hint:
            message += f" Did you mean '{hint}'?"
        self.warnings.append(message)
        sink.append((key, self.any(value, path, parameter)))

    def any(self, value: Any, path: str, parameter: str) -> Any:
        """An additional property's value, as plain JSON (keys kept exactly)."""
        if isinstance(value, str):
            return check_text(value, parameter, path)
        if value is None or isinstance(value, (bool, int)):
            return value
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise BindingError(f"{path}: NaN and infinity cannot be sent as JSON",
                                   parameter=parameter, path=path, expected="a finite number")
            return value
        if isinstance(value, datetime):
            return to_json_datetime(value)
        if isinstance(value, timedelta):
            return to_json_timespan(value)
        if isinstance(value, (MappingABC, list, tuple)):
            self._enter(value, path, parameter)
            try:
                if isinstance(value, (list, tuple)):
                    return [self.any(v, f"{path}[{i}]", parameter) for i, v in enumerate(value)]
                out: dict[str, Any] = {}
                for k, v in value.items():
                    if not isinstance(k, str):
                        raise BindingError(f"{path}: keys must be strings, got {_short(k)}",
                                           parameter=parameter, path=path, expected="string keys")
                    out[check_text(k, parameter, f"{path}.{k}")] = self.any(v, f"{path}.{k}",
                                                                            parameter)
                return out
            finally:
                self._leave()
        # A .NET value the shim could not encode (ForeignValue) says what it was.
        what = getattr(value, "type_name", None) or type(value).__name__
        raise BindingError(f"{path}: {what} cannot be sent as JSON",
                           parameter=parameter, path=path, expected="a JSON value")

    @staticmethod
    def assemble(model: ModelSpec, values: Mapping[JsonPath, Any],
                 extras: Mapping[JsonPath, list[tuple[str, Any]]]) -> dict[str, Any]:
        """Nest the collected values in the spec's order, then additional properties."""
        root: dict[str, Any] = {}

        def node(prefix: JsonPath) -> dict[str, Any]:
            current = root
            for segment in prefix:
                nxt = current.setdefault(segment, {})
                if nxt is None:  # the caller sent the whole group as null, then a member
                    nxt = current[segment] = {}
                current = nxt
            return current

        for p in model.properties:
            if p.json_path in values:
                node(p.json_path[:-1])[p.json_path[-1]] = values[p.json_path]
        groups_in_order: list[JsonPath] = [(), *model.group_paths]
        for prefix in groups_in_order + [k for k in extras if k not in groups_in_order]:
            for key, value in extras.get(prefix, ()):
                target = node(prefix)
                if value is None and key in target:
                    continue  # a group given as null *and* with members: members win
                target[key] = value
        return root
