"""Bind a call's parameters to the cmdlet's contract, as PowerShell would.

:func:`bind` takes the parameters a caller supplied (PowerShell names, matched
case-insensitively; a parameter not given is simply absent) and returns the
:class:`~bridge._request.GraphRequest` to send, or raises a
:class:`~bridge.BindingError` naming the parameter and key path. Nothing is
sent before binding has succeeded as a whole.

What it does, in order:

1. resolves the parameter set as PowerShell's binder does (default
   ``CreateExpanded``; "cannot be resolved", missing mandatory parameters and
   parameters of two sets are errors), in :mod:`bridge._parameter_sets`;
2. fills the request's path (below);
3. binds (in :mod:`bridge._model_binding`) hashtable-shaped input (``dict``/``Mapping``, lists of them) to the
   model tree of the spec: keys case-insensitive; AutoRest's flattened names
   (``ScheduleInterval``) and Graph's nested form (``schedule = {interval}``)
   both land at the same JSON path; unknown keys are kept with their exact
   spelling as additional properties, with a did-you-mean warning;
4. converts scalars (see :mod:`bridge._values`) and builds the JSON body in
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

import json
from typing import Any, Mapping, Optional

from ._exceptions import BindingError
from ._model_binding import MAX_DEPTH, JsonPath, ModelBinder, suggest, check_text
from ._parameter_sets import resolve_parameter_set
from ._request import GraphRequest, PathValueError, expand_path
from ._spec import CmdletSpec, ParameterSpec, Spec, load_spec
from ._values import to_json_string

__all__ = ["bind", "bind_body", "resolve_parameter_set", "UNSET", "MAX_DEPTH"]


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
            hint = suggest(name, names)
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
    binder = ModelBinder(spec)
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
    binder = ModelBinder(spec)
    mapping = binder.as_mapping(value, model, parameter.name, parameter.name)
    found: Any = UNSET
    names = [p.name for p in model.properties]
    known = {n.casefold() for n in names}
    for key, v in mapping.items():
        if isinstance(key, str) and key.casefold() == prop.name.casefold():
            found = v
        elif not isinstance(key, str) or key.casefold() not in known:
            # As body keys get: said, not silently dropped (the identity has no extra properties).
            hint = suggest(str(key), names)
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
        binder = ModelBinder(spec)
        values: dict[JsonPath, Any] = {}
        for p in cmdlet.own_parameters:
            prop_name = p.body_property
            if prop_name and p.name in given:
                prop = spec.body.property(prop_name)
                values[prop.json_path] = binder.value(given[p.name], prop, p.name, p.name)
        body = binder.assemble(spec.body, values, {})
        warnings = binder.warnings

    return GraphRequest(method=cmdlet.http_method, path=path, body=body, parameter_set=set_name,
                        warnings=tuple(identity_warnings + warnings),
                        success=cmdlet.success_statuses)


def parameter_spec(name: str, spec: Optional[Spec] = None) -> ParameterSpec:
    """The spec of one parameter (case-insensitive)."""
    return (spec or load_spec()).cmdlet.parameter(name)
