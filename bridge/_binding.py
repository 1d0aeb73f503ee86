"""Bind a call's parameters to the cmdlet's contract, as PowerShell would.

:func:`bind` takes the parameters a caller supplied (PowerShell names, matched
case-insensitively; a parameter not given is simply absent) and returns the
:class:`~bridge._request.GraphRequest` to send, or raises a
:class:`~bridge.BindingError` naming the parameter and key path. Nothing is
sent before binding has succeeded as a whole.

What it does, in order:

1. resolves the parameter set as PowerShell's binder does (default
   ``CreateExpanded``; "cannot be resolved", missing mandatory parameters and
   parameters of two sets are errors);
2. binds hashtable-shaped input (``dict``/``Mapping``, lists of them) to the
   model tree of the spec: keys case-insensitive; AutoRest's flattened names
   (``ScheduleInterval``) and Graph's nested form (``schedule = {interval}``)
   both land at the same JSON path; unknown keys are kept with their exact
   spelling as additional properties, with a did-you-mean warning;
3. converts scalars (see :mod:`bridge._values`) and builds the JSON body in
   the spec's property order, so the same input gives the same bytes
   whichever parameter set expressed it.

Input that cannot be sent as it is is refused, never altered: nesting deeper
than :data:`MAX_DEPTH` levels or referring to itself, text with a lone UTF-16
surrogate (it has no UTF-8 form), and an application id of ``.`` or ``..``
(a URL would read it as a path step and address another resource). The request's
path is the spec's ``http.path``, filled by :func:`bridge._request.expand_path`
from the parameters its ``binds:`` name.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping as MappingABC
from datetime import datetime, timedelta
from typing import Any, Mapping, Optional, Sequence

from ._exceptions import BindingError, ParameterSetError
from ._request import GraphRequest, PathValueError, expand_path
from ._spec import CmdletSpec, ModelSpec, ParameterSpec, PropertySpec, Spec, load_spec
from ._values import (to_json_bool, to_json_datetime, to_json_enum, to_json_int, to_json_string,
                      to_json_timespan)
from ._caller import call_hint
from ._wording import expected_type, show, term

__all__ = ["bind", "bind_body", "resolve_parameter_set", "UNSET", "MAX_DEPTH"]

#: How deeply a parameter's value may nest (dicts and lists); the shim's encoder allows more,
#: so deeper input always gets this module's BindingError with its key path.
MAX_DEPTH = 100


class _Unset:
    """The 'not given' sentinel: distinct from None, which is sent as JSON null."""

    _instance: Optional["_Unset"] = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()

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


def _suggest(name: str, candidates: Sequence[str]) -> Optional[str]:
    folded = {c.casefold(): c for c in candidates}
    match = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.75)
    return folded[match[0]] if match else None


# -- Parameter sets -----------------------------------------------------------

def resolve_parameter_set(cmdlet: CmdletSpec, supplied: Sequence[str]) -> str:
    """The parameter set PowerShell would choose for these parameter names.

    Raises ParameterSetError when the names match no set together, or when
    mandatory parameters are missing in every candidate set.
    """
    params = [cmdlet.parameter(n) for n in supplied]
    candidates = [s for s in cmdlet.parameter_sets if all(s in p.sets for p in params)]
    if not candidates:
        own = [p.name for p in params if not p.common]
        conflicts = ", ".join(f"-{p.name} ({'/'.join(p.sets)})" for p in params if not p.common)
        raise ParameterSetError(
            "Parameter set cannot be resolved using the specified named parameters. "
            f"These parameters cannot be used together: {conflicts}.",
            parameter=own[0] if own else None, expected="parameters of one parameter set")
    complete = [s for s in candidates
                if all(p.name in supplied for p in cmdlet.parameters_in(s) if p.mandatory_in(s))]
    if len(complete) == 1:
        return complete[0]
    if complete:
        if cmdlet.default_parameter_set in complete:
            return cmdlet.default_parameter_set
        # PowerShell prefers the set that uses the most supplied parameters fully.
        return complete[0]

    def missing(s: str) -> list[str]:
        return [p.name for p in cmdlet.parameters_in(s)
                if p.mandatory_in(s) and p.name not in supplied]

    if cmdlet.default_parameter_set in candidates or len(candidates) == 1:
        chosen = (cmdlet.default_parameter_set if cmdlet.default_parameter_set in candidates
                  else candidates[0])
        names = missing(chosen)
        raise BindingError(
            "Cannot process command because of one or more missing mandatory parameters: "
            f"{' '.join(names)}.", parameter=names[0],
            expected=f"-{names[0]} (parameter set {chosen})")
    options = "; or ".join(f"{', '.join('-' + n for n in missing(s))} (parameter set {s})"
                           for s in candidates)
    raise ParameterSetError(
        "Parameter set cannot be resolved using the specified named parameters. "
        f"Also give {options}.", parameter=missing(candidates[0])[0],
        expected=f"one of: {options}")


# -- Model binding -------------------------------------------------------------

class _Binder:
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
        mapping = self._as_mapping(value, model, path, parameter)
        values: dict[JsonPath, Any] = {}
        sources: dict[JsonPath, str] = {}
        extras: dict[JsonPath, list[tuple[str, Any]]] = {}
        self._collect(mapping, model, (), path, parameter, values, sources, extras)
        return self._assemble(model, values, extras)

    def _as_mapping(self, value: Any, model: ModelSpec, path: str,
                    parameter: str) -> Mapping[str, Any]:
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
        in_scope = [p for p in model.properties if p.json_path[:depth] == prefix]
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
        hint = _suggest(key, names)
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
    def _assemble(model: ModelSpec, values: Mapping[JsonPath, Any],
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

        groups_in_order: list[JsonPath] = [()]
        for p in model.properties:
            for i in range(1, len(p.json_path)):
                if p.json_path[:i] not in groups_in_order:
                    groups_in_order.append(p.json_path[:i])
            if p.json_path in values:
                node(p.json_path[:-1])[p.json_path[-1]] = values[p.json_path]
        for prefix in groups_in_order + [k for k in extras if k not in groups_in_order]:
            for key, value in extras.get(prefix, ()):
                target = node(prefix)
                if value is None and key in target:
                    continue  # a group given as null *and* with members: members win
                target[key] = value
        return root


# -- Entry points ------------------------------------------------------------------

def _canonical_parameters(cmdlet: CmdletSpec, parameters: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    names = [p.name for p in cmdlet.parameters]
    for name, value in parameters.items():
        if value is UNSET:
            continue
        try:
            p = cmdlet.parameter(name)
        except KeyError:
            hint = _suggest(name, names)
            raise BindingError(
                f"A parameter cannot be found that matches parameter name '{name}'."
                + (f" Did you mean '{hint}'?" if hint else ""),
                parameter=name, expected="one of " + ", ".join(names)) from None
        if p.name in out:
            raise BindingError(f"Cannot bind parameter '{p.name}' because it is given twice.",
                               parameter=p.name, expected=f"-{p.name} once")
        out[p.name] = value
    return out


def bind_body(value: Any, spec: Optional[Spec] = None, *,
              parameter: str = "BodyParameter") -> tuple[dict[str, Any], list[str]]:
    """Bind one body value (dict, model object or JSON text) to the body model.

    Returns the Graph JSON body and the warnings.
    """
    spec = spec or load_spec()
    binder = _Binder(spec)
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise BindingError(f"{parameter}: a string body must be a JSON object ({exc})",
                               parameter=parameter, expected="a JSON object") from None
        if not isinstance(value, dict):
            raise BindingError(f"{parameter}: a string body must be a JSON object, "
                               f"got JSON {type(value).__name__}", parameter=parameter,
                               expected="a JSON object")
    if value is None:
        raise BindingError(f"Cannot bind argument to parameter '{parameter}' because it is null.",
                           parameter=parameter, expected=f"a {spec.body.interface} hashtable")
    body = binder.model(value, spec.body, parameter, parameter)
    return body, binder.warnings


def _application_id(value: Any, parameter: str, path: str) -> str:
    """The text of a path key (the application id), refused when null, empty or not UTF-8."""
    if value is None:
        raise BindingError(f"Cannot bind argument to parameter '{parameter}' because it is null.",
                           parameter=parameter, path=path, expected="an application object id")
    try:
        text = to_json_string(value)
    except ValueError as exc:
        raise BindingError(f"{path}: {exc}", parameter=parameter, path=path,
                           expected="an application object id") from None
    if not text.strip():
        raise BindingError(f"Cannot bind argument to parameter '{parameter}' because it is an "
                           "empty string.", parameter=parameter, path=path,
                           expected="an application object id")
    return check_text(text, parameter, path)


def _identity_key(value: Any, name: str, parameter: ParameterSpec, spec: Spec,
                  warnings: list[str]) -> tuple[Any, str]:
    """The value of path key ``name`` in the identity object, and its key path."""
    model = spec.identity
    prop = next(p for p in model.properties if p.json_path == (name,))
    where = f"{parameter.name}.{prop.name}"
    if isinstance(value, str):
        # As the SDK's identity converter does, a plain string is the key itself.
        return value, parameter.name
    binder = _Binder(spec)
    mapping = binder._as_mapping(value, model, parameter.name, parameter.name)
    found: Any = UNSET
    names = [p.name for p in model.properties]
    known = {n.casefold() for n in names}
    for key, v in mapping.items():
        if isinstance(key, str) and key.casefold() == prop.name.casefold():
            found = v
        elif not isinstance(key, str) or key.casefold() not in known:
            # As body keys get: said, not silently dropped (the identity has no extra properties).
            hint = _suggest(str(key), names)
            warnings.append(f"{parameter.name}.{key}: '{key}' is not a property of "
                            f"{model.interface}; it is ignored."
                            + (f" Did you mean '{hint}'?" if hint else ""))
    if found is UNSET:
        keys = ", ".join(p.name for p in model.properties)
        template = spec.cmdlet.http_path
        addressed = template[:template.index("{" + name + "}") + len(name) + 2]
        raise BindingError(f"{where}: the identity object has no {prop.name}; this cmdlet needs "
                           f"it to address {addressed}", parameter=parameter.name, path=where,
                           expected=f"a hashtable with {prop.name} (keys: {keys})")
    return found, where


def _request_path(given: Mapping[str, Any], spec: Spec, warnings: list[str]) -> str:
    """The spec's ``http.path`` filled from the parameters that ``binds: path:<name>``, or
    from the ``binds: identity`` object's key of that name."""
    cmdlet = spec.cmdlet
    values: dict[str, str] = {}
    sources: dict[str, tuple[str, str]] = {}  # placeholder -> (parameter, key path)
    for name in cmdlet.path_names:
        direct = cmdlet.path_binder(name)
        identity = cmdlet.binding("identity")
        if direct.name in given or identity is None:
            value, parameter, path = given[direct.name], direct.name, direct.name
        else:
            parameter = identity.name
            value, path = _identity_key(given[parameter], name, identity, spec, warnings)
        values[name] = _application_id(value, parameter, path)
        sources[name] = (parameter, path)
    try:
        return expand_path(cmdlet.http_path, values)
    except PathValueError as exc:
        # Percent-encoding leaves dots alone, and a URL reads '.' and '..' as path steps.
        parameter, path = sources[exc.name]
        raise BindingError(f"{path}: '{exc.value}' is not an application object id; it would "
                           "change the request's path", parameter=parameter, path=path,
                           expected="an application object id", value=exc.value) from None


def bind(parameters: Mapping[str, Any], spec: Optional[Spec] = None) -> GraphRequest:
    """Bind a call's parameters (PowerShell names) to the request it would send.

    Parameters:
        parameters: name -> value; names matched case-insensitively; values
            equal to :data:`UNSET` count as not given; ``None`` is JSON null.
        spec: the spec to bind against (default: the packaged one).

    Raises:
        BindingError / ParameterSetError with ``parameter`` and ``path`` set.
    """
    spec = spec or load_spec()
    cmdlet = spec.cmdlet
    given = _canonical_parameters(cmdlet, parameters)
    for name in ("WhatIf", "Confirm"):
        given.pop(name, None)  # ShouldProcess switches are the caller's business
    for runtime in cmdlet.runtime_parameters:
        given.pop(runtime.name, None)  # options of the call, read by bridge._api.invoke
    set_name = resolve_parameter_set(cmdlet, list(given))

    identity_warnings: list[str] = []
    path = _request_path(given, spec, identity_warnings)

    whole_body = cmdlet.binding("body")
    if whole_body is not None and whole_body.name in given:
        body, warnings = bind_body(given[whole_body.name], spec, parameter=whole_body.name)
    else:
        binder = _Binder(spec)
        values: dict[JsonPath, Any] = {}
        for p in cmdlet.own_parameters:
            prop_name = p.body_property
            if prop_name and p.name in given:
                prop = spec.body.property(prop_name)
                values[prop.json_path] = binder.value(given[p.name], prop, p.name, p.name)
        body = binder._assemble(spec.body, values, {})
        warnings = binder.warnings

    return GraphRequest(method=cmdlet.http_method, path=path, body=body, parameter_set=set_name,
                        warnings=tuple(identity_warnings + warnings),
                        success=cmdlet.success_statuses)


def parameter_spec(name: str, spec: Optional[Spec] = None) -> ParameterSpec:
    """The spec of one parameter (case-insensitive)."""
    return (spec or load_spec()).cmdlet.parameter(name)
